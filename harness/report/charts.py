"""The report's charts as PNG bytes, drawn from the tables of ``model``, ``timeline`` and ``stats``.

The only module that imports pandas and matplotlib. It draws on ``matplotlib.figure.Figure``
objects directly (no pyplot): no global state, no GUI backend, safe off the main thread.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from harness.expectations import ChangeOutcome, VersionOutcome
from harness.report.glance import Heatmap, row_label
from harness.report.model import Table
from harness.report.timeline import TIMELINE_STEPS, ServiceTimeline

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


def timeline_charts(timelines: Sequence[ServiceTimeline]) -> list[Chart]:
    """One chart per tool and strategy: a panel per service, the image tag it ran after each
    phase, a line per cell."""
    groups: dict[tuple[str, str], list[ServiceTimeline]] = {}
    for t in timelines:
        groups.setdefault((str(t.tool), str(t.strategy)), []).append(t)
    steps = [label for label, _, _ in TIMELINE_STEPS]
    charts = []
    for (tool, strategy), group in groups.items():
        services = list(dict.fromkeys(s for t in group for s in t.versions))
        tags = {v for t in group for vs in t.versions.values() for v in vs if v is not None}
        if not services or not tags:
            continue  # no cell of this pair got as far as a deploy
        level = {v: i for i, v in enumerate(sorted(tags))}
        several_runs = len({t.run_id for t in group}) > 1
        # One colour per change kind, one line style per repetition: equal lines stay apart.
        colours = {
            k: f"C{i % 10}" for i, k in enumerate(dict.fromkeys(t.change_kind for t in group))
        }
        styles = ("-", "--", ":", "-.")
        figure = Figure(figsize=(9.5, 1.7 * len(services) + 1.0))
        panels = figure.subplots(len(services), 1, sharex=True, squeeze=False)[:, 0]
        for axes, service in zip(panels, services, strict=True):
            for offset, t in enumerate(group):
                nudge = 0.05 * (offset - (len(group) - 1) / 2)
                tags_of = t.versions.get(service, (None,) * len(steps))
                ys = [level[v] + nudge if v is not None else math.nan for v in tags_of]
                label = f"{t.change_kind} #{t.repetition}"
                if several_runs:  # only then does the run tell lines apart
                    label += f" ({t.run_id})"
                axes.plot(range(len(steps)), ys, marker="o", markersize=3, label=label,
                          color=colours[t.change_kind], linestyle=styles[t.repetition % 4])  # fmt: skip
            axes.set_yticks(range(len(level)), list(level))
            axes.set_xticks(range(len(steps)), steps)  # every step, also one no cell reached
            axes.set_ylabel(service)
        panels[0].set_title(f"{tool} · {strategy}: image tag each service ran")
        panels[0].legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        charts.append(
            Chart(
                f"timeline-{tool}-{strategy}.png",
                f"Version timeline: {tool} · {strategy}",
                "Which image tag each service (one panel each) ran after each phase, one line "
                "per change kind and repetition.",
                _png(figure),
            )
        )
    return charts


OUTCOME_COLOURS: dict[VersionOutcome | None, str] = {
    VersionOutcome.KEPT: "#43a047",
    VersionOutcome.ROLLED_BACK: "#e53935",
    VersionOutcome.MIXED: "#ffb300",
    None: "#bdbdbd",
}
OUTCOME_LABELS: dict[VersionOutcome | None, str] = {
    VersionOutcome.KEPT: "kept the script's version",
    VersionOutcome.ROLLED_BACK: "rolled back to the tool's",
    VersionOutcome.MIXED: "varies between runs",
    None: "not measured (failed)",
}
CHANGE_SHORT: dict[ChangeOutcome, str] = {
    ChangeOutcome.NOW: "now",
    ChangeOutcome.DEFERRED: "deferred",
    ChangeOutcome.NOT_APPLIED: "not applied",
    ChangeOutcome.NOT_APPLICABLE: "no change",
}


def heatmap_chart(glance: Heatmap) -> Chart:
    """Rows tool · strategy, columns change kinds; each cell a band per service coloured by
    what the tool's update did to its version, the change's timing under it, and a ✗ with a
    heavy border where the cell differs from the documentation."""
    rows, kinds, services = glance.rows, glance.kinds, glance.services
    figure = Figure(figsize=(2.0 * len(kinds) + 2.6, 0.95 * len(rows) + 1.6))
    axes = figure.add_subplot()
    band = 0.68 / max(len(services), 1)
    for i, row in enumerate(rows):
        for j, kind in enumerate(kinds):
            cell = glance.cells.get((row, kind))
            if cell is None:
                axes.text(j + 0.5, i + 0.5, "not run", ha="center", va="center", fontsize=7)
                continue
            for k, service in enumerate(services):
                outcome = cell.services.get(service)
                y = i + 0.05 + k * band
                axes.add_patch(
                    Rectangle((j + 0.04, y), 0.92, band, facecolor=OUTCOME_COLOURS[outcome],
                              edgecolor="white", lw=1)
                )  # fmt: skip
                axes.text(j + 0.07, y + band / 2, service, va="center", fontsize=6.5)
            changes = " / ".join(CHANGE_SHORT[c] for c in cell.changes) or "unknown"
            text = (
                changes if cell.changes == (ChangeOutcome.NOT_APPLICABLE,) else f"change: {changes}"
            )
            axes.text(j + 0.5, i + 0.86, text, ha="center", va="center", fontsize=7)
            if cell.agrees is False:
                axes.add_patch(Rectangle((j + 0.02, i + 0.02), 0.96, 0.96, fill=False, lw=2.5))
                axes.text(j + 0.93, i + 0.39, "✗", ha="right", va="center", fontsize=14)
            elif cell.agrees is None:
                axes.text(j + 0.93, i + 0.39, "?", ha="right", va="center", fontsize=12)
    axes.set_xlim(0, len(kinds))
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([j + 0.5 for j in range(len(kinds))], [str(k) for k in kinds], fontsize=8)
    axes.xaxis.tick_top()
    axes.set_yticks([i + 0.5 for i in range(len(rows))], [row_label(row) for row in rows])
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    shown = [
        o
        for o in OUTCOME_COLOURS
        if any(c.services.get(s) is o for c in glance.cells.values() for s in services)
    ]
    handles = [Patch(color=OUTCOME_COLOURS[o], label=OUTCOME_LABELS[o]) for o in shown]
    handles.append(Patch(fill=False, lw=2.5, label="✗ differs from the documentation"))
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncol=len(handles),
        fontsize="x-small",
        frameon=False,
    )
    return Chart(
        "outcomes-heatmap.png",
        "Outcomes at a glance",
        "Rows: tool · strategy (and provider, when a tool ran with more than one); columns: the infrastructure change applied after the script "
        "deployed v2. Each cell has a band per service: green kept v2, red rolled back to the "
        "tool's v1, amber differs between runs; under the bands, when the change took effect. "
        "A heavy border and ✗ mark a cell that differs from the tools' documentation.",
        _png(figure),
    )


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
