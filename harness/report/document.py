"""The whole report as one value (sections of tables and charts), and writing it to a folder."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.expectations import expected
from harness.records import Record
from harness.report import model, stats, timeline
from harness.report.charts import Chart, api_calls_chart, timeline_charts, timing_chart
from harness.report.runinfo import RunSummary

log = logging.getLogger(__name__)

TITLE = "Terraform vs. AWS CDK: one Django app on ECS Fargate, through its lifecycle"
INTRO = (
    "Both tools deployed the same containerized Django application (web, worker and beat "
    "services on ECS Fargate, over a shared base layer). One shared script then deployed a new "
    "app version outside the tools, as a CI pipeline would, and each tool applied its own "
    "configuration again with one kind of infrastructure change. The question: does the app "
    "version the script deployed survive the tool's update, and does the infrastructure change "
    "take effect? Everything below is computed from the run's records (records.jsonl)."
)


@dataclass(frozen=True, slots=True)
class Section:
    table: model.Table
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    intro: str
    generated: str
    summary: tuple[str, ...]
    """Plain sentences: agreement with the documentation, overhead, what was not run."""
    sections: tuple[Section, ...]

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]


def assemble(records: Sequence[Record], runs: Sequence[RunSummary] = ()) -> Document:
    """Every table and chart of the report, from records (and run summaries, if any)."""
    outcome = model.outcome_matrix(records)
    versions = timeline.version_timeline(records)
    timings = stats.timing_stats(records)
    calls = stats.api_calls_by_phase(records)
    sections = [
        Section(model.glossary()),
        Section(outcome),
        Section(model.outcome_details(records)),
        Section(versions, tuple(timeline_charts(versions)) if versions.rows else ()),
        Section(timeline.drift_table(records)),
        Section(timeline.failures(records)),
        Section(timings, (timing_chart(timings),) if timings.rows else ()),
        Section(stats.step_timings(records)),
        Section(calls, (api_calls_chart(calls),) if _has_counts(calls) else ()),
        Section(stats.api_calls_on_behalf_by_phase(records)),
        Section(stats.api_calls_by_change(records)),
        Section(stats.overhead_table(records, runs)),
        Section(stats.environment_table(records, runs)),
    ]
    return Document(
        TITLE,
        INTRO,
        datetime.now(UTC).isoformat(timespec="seconds"),
        tuple(_summary(records, runs)),
        tuple(sections),
    )


def _has_counts(table: model.Table) -> bool:
    return any(isinstance(v, int | float) for row in table.rows for v in row[1:])


def _summary(records: Sequence[Record], runs: Sequence[RunSummary]) -> list[str]:
    seen = model.observations(records)
    total = sum(len(v) for v in seen.values())
    agree = sum(
        model.matches(o, expected(tool, strategy, kind))
        for (tool, strategy, kind), observed in seen.items()
        for o in observed
    )
    lines = [f"{agree} of {total} cell executions behaved as the tools' documentation says."]
    if not records:
        lines = ["No records: nothing was run."]
    for run in runs:
        lines.extend(f"Run {run.run_id}: {note}" for note in run.notes)
        if run.interrupted:
            lines.append(f"Run {run.run_id} was interrupted (Ctrl-C); its records are partial.")
    for row in stats.overhead_table(records, runs).rows:
        run_id, _, wall, _, busy, _, share, *_ = row
        if isinstance(share, float):
            lines.append(
                f"Run {run_id}: harness overhead {share:.1f}% of {wall:.1f} s wall time "
                f"({busy:.1f} s inside tool processes and AWS calls)."
            )
    return lines


def write(document: Document, out: Path) -> list[Path]:
    """report.md, report.html and one PNG per chart in ``out``; returns the paths written."""
    from harness.report.render_html import render_html
    from harness.report.render_md import render_md

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in document.charts:
        path = out / chart.name
        path.write_bytes(chart.png)
        written.append(path)
    for name, text in (("report.md", render_md(document)), ("report.html", render_html(document))):
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    log.info("report written to %s", out / "report.html")
    return written
