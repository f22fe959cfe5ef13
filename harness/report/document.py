"""The whole report as one value: sections of tables and charts, and the summary sentences.

The renderers (``render_md``, ``render_html``) read a :class:`Document`; nothing here imports
them, so they stay leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from harness.expectations import expected
from harness.outcomes import judge
from harness.records import Record
from harness.report import failures, faults, glance, model, stats, timeline
from harness.report.charts import (
    Chart,
    api_calls_chart,
    heatmap_chart,
    timeline_charts,
    timing_chart,
)
from harness.report.runinfo import RunSummary

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
    failure_sections = [Section(t) for t in failures.failure_tables(records)]
    every = records  # the overhead counts the whole run's wall time, failure cells included
    records = failures.regular(records)  # the failure scenarios have their own section
    outcome = model.outcome_matrix(records)
    versions = timeline.version_timeline(records)
    timings = stats.timing_stats(records)
    calls = stats.api_calls_by_phase(records)
    heatmap = glance.heatmap(records)
    advice = glance.advice(records)
    sections = [
        # The heatmap first: the one figure a reader who reads nothing else should see.
        Section(glance.heatmap_table(heatmap), (heatmap_chart(heatmap),) if heatmap.rows else ()),
        Section(glance.strategy_table(advice)),
        Section(model.glossary()),
        Section(outcome),
        Section(model.outcome_details(records)),
        Section(versions, tuple(timeline_charts(timeline.service_timelines(records)))),
        Section(timeline.drift_side_by_side(records)),
        Section(timeline.drift_table(records)),
        Section(timeline.health_table(records)),
        Section(timeline.failures(records)),
        Section(timings, (timing_chart(timings),) if timings.rows else ()),
        Section(stats.step_timings(records)),
        Section(calls, (api_calls_chart(calls),) if _has_counts(calls) else ()),
        Section(stats.api_calls_on_behalf_by_phase(records)),
        Section(stats.api_calls_by_change(records)),
        Section(stats.overhead_table(every, runs)),
        Section(stats.environment_table(records, runs)),
        *failure_sections,
    ]
    if any(r.faults for r in records):  # only runs under injected faults have this table
        sections.insert(3, Section(faults.fault_table(records)))
    return Document(
        TITLE,
        INTRO,
        datetime.now(UTC).isoformat(timespec="seconds"),
        tuple(_summary(records, runs, every) + glance.recommendations(advice)),
        tuple(sections),
    )


def _has_counts(table: model.Table) -> bool:
    return any(isinstance(v, int | float) for row in table.rows for v in row[1:])


def _summary(
    records: Sequence[Record], runs: Sequence[RunSummary], every: Sequence[Record]
) -> list[str]:
    """``records``: the regular cells; ``every``: all records of the runs (for the overhead)."""
    seen = model.observations(records)
    total = sum(len(v) for v in seen.values())
    agree = sum(
        judge(o, expected(tool, strategy, kind)).agrees
        for (tool, strategy, kind), observed in seen.items()
        for o in observed
    )
    lines = [
        f"{agree} of {total} cell executions behaved as the tools' documentation says "
        "(every service's version after the app update and after the infra update, the infra "
        "change, and the drift the tool reported after the app update)."
    ]
    if not records:
        lines = ["No records: nothing was run."]
    for run in runs:
        lines.extend(f"Run {run.run_id}: {note}" for note in run.notes)
        if run.interrupted:
            lines.append(
                f"Run {run.run_id} was interrupted (Ctrl-C or SIGTERM); its records are partial."
            )
    for run in sorted(runs, key=lambda r: r.run_id):
        if (sentence := stats.overhead_sentence(stats.overhead(every, run))) is not None:
            lines.append(f"Run {run.run_id}: {sentence}")
    return lines
