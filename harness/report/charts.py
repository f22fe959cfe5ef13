"""The report's charts as PNG bytes, drawn from the tables of ``model``, ``timeline`` and ``stats``.

The only module that imports pandas and matplotlib. It draws on ``matplotlib.figure.Figure``
objects directly (no pyplot): no global state, no GUI backend, safe off the main thread.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from harness.report.model import Table
from harness.report.timeline import TIMELINE_STEPS

DPI = 100


@dataclass(frozen=True, slots=True)
class Chart:
    name: str
    """File name, e.g. ``timings.png``."""
    title: str
    caption: str
    png: bytes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame(list(table.rows), columns=list(table.columns))


def timeline_charts(table: Table) -> list[Chart]:
    """One chart per tool and strategy: the running version after each phase, a line per cell."""
    frame = _frame(table)
    steps = [label for label, _, _ in TIMELINE_STEPS]
    charts = []
    for (tool, strategy), group in frame.groupby(["tool", "strategy"], sort=False):
        versions = sorted({v for step in steps for v in group[step] if isinstance(v, str)})
        level = {v: i for i, v in enumerate(versions)}
        several_runs = group["run · repetition"].nunique() > 1
        figure = Figure(figsize=(9.5, 3.2))
        axes = figure.add_subplot()
        for offset, (_, row) in enumerate(group.iterrows()):
            nudge = 0.06 * (offset - (len(group) - 1) / 2)  # keep equal lines apart
            ys = [level[row[s]] + nudge if isinstance(row[s], str) else math.nan for s in steps]
            label = str(row["change kind"])
            if several_runs:  # only then does the run and repetition tell lines apart
                label += f" ({row['run · repetition']})"
            axes.plot(steps, ys, marker="o", label=label)
        axes.set_yticks(range(len(versions)), versions)
        axes.set_ylabel("running image tag")
        axes.set_title(f"{tool} · {strategy}")
        axes.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        charts.append(
            Chart(
                f"timeline-{tool}-{strategy}.png",
                f"Version timeline: {tool} · {strategy}",
                "Which image tag the web service ran after each phase, one line per change kind "
                "and repetition.",
                _png(figure),
            )
        )
    return charts


def timing_chart(table: Table) -> Chart:
    """Median seconds per phase and tool, with the fastest-to-slowest range as error bars."""
    frame = _frame(table)
    median = frame.pivot_table(index="phase", columns="tool", values="median s", sort=False)
    low = median - frame.pivot_table(index="phase", columns="tool", values="min s", sort=False)
    high = frame.pivot_table(index="phase", columns="tool", values="max s", sort=False) - median
    figure = Figure(figsize=(8, 0.45 * len(median) + 1.5))
    axes = figure.add_subplot()
    errors = [[low[c].to_numpy(), high[c].to_numpy()] for c in median.columns]
    median.plot.barh(ax=axes, xerr=errors, capsize=2)
    axes.invert_yaxis()
    axes.set_xlabel("seconds (median; bars span min to max)")
    return Chart(
        "timings.png",
        "Phase timings",
        "Median duration of each phase per tool; the whiskers span the fastest and slowest run.",
        _png(figure),
    )


def api_calls_chart(table: Table) -> Chart:
    """Median AWS API calls per phase, one bar per tool."""
    frame = _frame(table).set_index("phase").astype(float)
    figure = Figure(figsize=(8, 0.45 * len(frame) + 1.5))
    axes = figure.add_subplot()
    frame.plot.barh(ax=axes)
    axes.invert_yaxis()
    axes.set_xlabel("AWS API calls (median per phase execution)")
    return Chart(
        "api-calls.png",
        "AWS API calls per phase",
        "How many AWS API calls each tool made for the same phase, counted at the emulator.",
        _png(figure),
    )
