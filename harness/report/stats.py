"""Time and API calls: phase timing statistics, call counts, harness overhead, the environment.

Pure functions from records (and run summaries) to :class:`~harness.report.model.Table`.
Statistics use finished phases only (status ``ok``): a failed phase's duration says nothing
about the tool's speed.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from harness.expectations import STRATEGIES
from harness.records import ChangeKind, Phase, Record, Status, Tool
from harness.report.model import Table, phase_label, phase_sort_key
from harness.report.runinfo import RunSummary

SPLITS: dict[str, tuple[str, ...]] = {
    "startup": ("startup", "provider_startup"),
    "synth": ("synth",),
    "aws": ("aws", "cloudformation"),
}
"""Parts of a phase's time that drivers measure separately, and the ``Record.timings`` keys
they use for it (the CDK driver times CloudFormation, which is its AWS time)."""


def _tools(records: Iterable[Record]) -> list[Tool]:
    present = {r.tool for r in records}
    return [tool for tool in STRATEGIES if tool in present]


def _by_phase(records: Iterable[Record]) -> dict[tuple[Tool, Phase, str], list[Record]]:
    grouped: dict[tuple[Tool, Phase, str], list[Record]] = {}
    for r in records:
        if r.status is Status.OK:
            grouped.setdefault((r.tool, r.phase, r.step), []).append(r)
    tools = list(STRATEGIES)
    return dict(
        sorted(grouped.items(), key=lambda kv: (tools.index(kv[0][0]), phase_sort_key(*kv[0][1:])))
    )


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _split(record: Record, keys: tuple[str, ...]) -> float | None:
    return next((record.timings[k] for k in keys if k in record.timings), None)


def timing_stats(records: Sequence[Record]) -> Table:
    body = []
    for (tool, phase, step), group in _by_phase(records).items():
        durations = [r.duration_s for r in group]
        splits = [_median([v for r in group if (v := _split(r, keys)) is not None])
                  for keys in SPLITS.values()]  # fmt: skip
        low, high = min(durations), max(durations)
        body.append(
            (str(tool), phase_label(phase, step), len(group), statistics.median(durations),
             low, high, high - low, *splits)
        )  # fmt: skip
    return Table(
        "Phase timings",
        "Seconds per phase over all repetitions (and merged runs): the median, the fastest and "
        "slowest, and their spread. Where the driver measured it, the median time spent starting "
        "the tool, synthesizing (CDK) and waiting for AWS is split out; empty means not measured.",
        ("tool", "phase", "n", "median s", "min s", "max s", "spread s",
         *(f"{k} s (median)" for k in SPLITS)),
        tuple(body),
    )  # fmt: skip


def step_timings(records: Sequence[Record]) -> Table:
    body = []
    for (tool, phase, step), group in _by_phase(records).items():
        keys = sorted({k for r in group for k in r.timings})
        medians = {
            k: statistics.median([r.timings[k] for r in group if k in r.timings]) for k in keys
        }
        if medians:
            ranked = sorted(medians.items(), key=lambda kv: -kv[1])
            text = " · ".join(f"{k} {v:.2f}" for k, v in ranked)
            body.append((str(tool), phase_label(phase, step), text))
    return Table(
        "Where the time of a phase goes",
        "The steps each driver timed inside a phase (Terraform: init, plan, apply, show, output; "
        "CDK: its synthesis, deploy and AWS waits), as median seconds, longest first.",
        ("tool", "phase", "timed steps (median s)"),
        tuple(body),
    )


def _count(record: Record, on_behalf: bool) -> int:
    if on_behalf:
        return sum(n for calls in record.api_calls_on_behalf.values() for n in calls.values())
    return sum(record.api_calls.values())


def _total_calls(group: Sequence[Record], *, on_behalf: bool = False) -> float | None:
    """Median calls per record: the tool's own, or (``on_behalf``) those made for it."""
    if not any(r.api_calls or r.api_calls_on_behalf for r in group):
        return None  # not counted (e.g. real AWS), not zero
    median = statistics.median(_count(r, on_behalf) for r in group)
    return int(median) if float(median).is_integer() else median


def api_calls_by_phase(records: Sequence[Record]) -> Table:
    tools = _tools(records)
    grouped = _by_phase(records)
    phases = sorted({(p, s) for _, p, s in grouped}, key=lambda ps: phase_sort_key(*ps))
    body = []
    for phase, step in phases:
        counts = [_total_calls(grouped.get((tool, phase, step), [])) for tool in tools]
        body.append((phase_label(phase, step), *counts))
    return Table(
        "AWS API calls per phase",
        "The median number of AWS API calls one execution of each phase made, counted at the "
        "emulator per cell; the same phase does the same job with either tool, so the columns "
        "compare how much each tool asks of AWS. CDK asks CloudFormation, which then makes the "
        "resource calls inside AWS: those are in the next table. Empty means not counted (real "
        "AWS) or no call at all.",
        ("phase", *(str(t) for t in tools)),
        tuple(body),
    )


def api_calls_on_behalf_by_phase(records: Sequence[Record]) -> Table:
    """Calls the emulator's CloudFormation made to carry out a tool's stack operations."""
    tools = _tools(records)
    grouped = _by_phase(records)
    phases = sorted({(p, s) for _, p, s in grouped}, key=lambda ps: phase_sort_key(*ps))
    body = []
    for phase, step in phases:
        counts = [
            _total_calls(grouped.get((tool, phase, step), []), on_behalf=True) for tool in tools
        ]
        if any(counts):
            body.append((phase_label(phase, step), *counts))
    return Table(
        "AWS API calls CloudFormation made for the tool",
        "The median number of service API calls the emulator's CloudFormation made to carry out "
        "each phase's stack operations. A lower bound: resource types the emulator's "
        "CloudFormation creates inside the emulator without an API call are not counted.",
        ("phase", *(str(t) for t in tools)),
        tuple(body),
    )


def api_calls_by_change(records: Sequence[Record]) -> Table:
    infra = [r for r in records if r.phase is Phase.INFRA_UPDATE and r.status is Status.OK]
    columns = [(t, s) for t, strategies in STRATEGIES.items() for s in strategies
               if any((r.tool, r.strategy) == (t, s) for r in infra)]  # fmt: skip
    body = []
    for kind in ChangeKind:
        if not any(r.change_kind is kind for r in infra):
            continue
        body.append(
            (str(kind), *(_total_calls([r for r in infra if (r.tool, r.strategy, r.change_kind)
                                        == (t, s, kind)]) for t, s in columns))
        )  # fmt: skip
    return Table(
        "AWS API calls for the same infrastructure change",
        "The median number of AWS API calls of the infra update, per change kind, for each tool "
        "and strategy: the cost of applying the same change.",
        ("change kind", *(f"{t} · {s}" for t, s in columns)),
        tuple(body),
    )


def busy_seconds(records: Iterable[Record]) -> float:
    """Seconds during which at least one phase was running (phases of parallel cells overlap)."""
    spans = sorted(
        (end - timedelta(seconds=r.duration_s), end)
        for r in records
        for end in [datetime.fromisoformat(r.timestamp)]
    )
    total = timedelta()
    current: tuple[datetime, datetime] | None = None
    for start, end in spans:
        if current is None or start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total += current[1] - current[0]
    return total.total_seconds()


def overhead_table(records: Sequence[Record], runs: Sequence[RunSummary]) -> Table:
    body = []
    for run in sorted(runs, key=lambda r: r.run_id):
        mine = [r for r in records if r.run_id == run.run_id]
        busy = busy_seconds(mine)
        idle = max(run.wall_s - busy, 0.0)
        share = 100 * idle / run.wall_s if run.wall_s else None
        summed = sum(r.duration_s for r in mine)
        split = [r for r in mine if r.timings]
        steps = sum(sum(r.timings.values()) for r in split)
        glue = sum(max(r.duration_s - sum(r.timings.values()), 0.0) for r in split)
        body.append((run.run_id, run.workers, run.wall_s, summed, busy, idle, share, steps, glue))
    return Table(
        "Harness overhead",
        "Wall time of each run against the time during which at least one phase (a tool process "
        "or AWS calls) was running; the rest, given as overhead, is the harness's own work "
        "(emulator start, scheduling, bookkeeping). The sum of phase durations exceeds the wall "
        "time when cells ran in parallel. The last two columns add up, over the phases whose "
        "driver timed its steps, the time inside those steps and the driver's own work around them.",
        ("run", "workers", "wall s", "sum of phases s", "inside phases s", "overhead s",
         "overhead %", "timed tool steps s", "driver work around them s"),
        tuple(body),
    )  # fmt: skip


def environment_table(records: Sequence[Record], runs: Sequence[RunSummary]) -> Table:
    def distinct(values: Iterable[str]) -> str:
        return ", ".join(sorted({v for v in values if v})) or "unknown"

    stamps = sorted(r.timestamp for r in records)
    rows = [
        ("runs", distinct(r.run_id for r in records)),
        ("target", distinct(r.target for r in records)),
        *((f"{tool} stack", distinct(r.stack for r in records if r.tool is tool))
          for tool in _tools(records)),  # which stack profile ran (#17)
        *((f"{tool} version", distinct(r.tool_version for r in records if r.tool is tool))
          for tool in _tools(records)),
        *((f"{tool} engine", distinct(r.engine for r in records if r.tool is tool))
          for tool in _tools(records)),
        ("machine", distinct(r.machine for r in records)),
        ("git commit", distinct(r.git_commit for r in records)),
        ("records", str(len(records))),
        ("first / last record", f"{stamps[0]} / {stamps[-1]}" if stamps else "none"),
        ("parallel workers", distinct(str(r.workers) for r in runs)),
    ]  # fmt: skip
    return Table(
        "Environment",
        "Where and with what the records were produced: tool versions, the provider or "
        "CloudFormation engine and emulator that served each tool, the target, the machine and "
        "the harness's git commit.",
        ("what", "value"),
        tuple(rows),
    )
