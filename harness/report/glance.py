"""The report at a glance: the outcome heatmap and which strategy to use, from records alone.

Pure functions. Rows, change kinds and services are those the records hold, ordered as the
enums and ``STRATEGIES`` list them (anything else after, in enum order), so strategies and
change kinds added later appear without a change here. A tool whose records came from more
than one provider or engine (merged runs: the stand-in and the real ``hashicorp/aws``, the
emulator and LocalStack) gets a row per tool · strategy · provider: their outcomes may differ,
and folding them into one cell would read as "varies between runs".
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.contract import SERVICES
from harness.expectations import STRATEGIES, ChangeOutcome, Expectation, VersionOutcome
from harness.outcomes import Observed, judge
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.report.model import (
    Judged,
    Table,
    Value,
    by_provider,
    cells,
    documented,
    observations,
)

Row = tuple[Tool, Strategy, str]
"""Tool, strategy and provider label; the label is "" when the tool ran with one provider."""


@dataclass(frozen=True, slots=True)
class GlanceCell:
    """Every execution of one tool · strategy · change kind, folded into what a reader sees."""

    services: dict[str, VersionOutcome | None]
    """Per service: ``kept`` / ``rolled-back`` when every execution agrees, ``mixed`` when the
    executions differ, None when no execution measured it (all failed)."""
    changes: tuple[ChangeOutcome, ...]
    """The change outcomes seen, in enum order."""
    runs: int
    failed: int
    agrees: bool | None
    """Every execution as documented; None when the docs state no outcome for the cell."""


@dataclass(frozen=True, slots=True)
class Heatmap:
    rows: tuple[Row, ...]
    kinds: tuple[ChangeKind, ...]
    services: tuple[str, ...]
    cells: dict[tuple[Row, ChangeKind], GlanceCell]


def ordered_rows(present: Iterable[Row]) -> list[Row]:
    """Tool · strategy pairs in ``STRATEGIES`` order, then any other in enum order; the
    providers of one pair in name order."""
    listed = [(t, s) for t, strategies in STRATEGIES.items() for s in strategies]
    tools, strategies = list(Tool), list(Strategy)

    def position(row: Row) -> tuple[int, int, int, str]:
        pair = row[:2]
        index = listed.index(pair) if pair in listed else len(listed)
        return index, tools.index(row[0]), strategies.index(row[1]), row[2]

    return sorted(set(present), key=position)


def row_label(row: Row) -> str:
    """``terraform · plain``, or ``terraform · plain · real hashicorp/aws 5.100.0``."""
    return " · ".join(str(part) for part in row if part)


_STANDIN = re.compile(r"stand-in harness provider v\d+ \(hashicorp/aws (\S+) schema\)")
_REAL = re.compile(r"(hashicorp/aws(?: \S+)?) \(real provider")


def provider_label(provider: str) -> str:
    """A short name for the provider part of a record's ``engine`` (``model.provider_of``):
    which hashicorp/aws served Terraform, which CloudFormation engine served CDK."""
    if found := _STANDIN.search(provider):
        return f"stand-in hashicorp/aws {found[1]}"
    if found := _REAL.search(provider):
        return f"real {found[1]}"
    short = re.sub(r"\s*[\[(][^\])]*[\])]", "", provider)  # versions stay, details go
    return short.split(", ")[0].strip() or provider


def heatmap(records: Sequence[Record], *, split_providers: bool = True) -> Heatmap:
    """The heatmap of ``records``; ``split_providers=False`` folds every provider into one row
    per tool · strategy (what the strategy advice judges)."""
    seen: dict[tuple[Row, ChangeKind], list[Observed]] = {}
    for tool in Tool:
        groups = by_provider(records, tool) if split_providers else [("", list(records))]
        for provider, mine in groups:
            label = provider_label(provider) if provider else ""
            for (t, s, k), observed in observations(r for r in mine if r.tool is tool).items():
                seen.setdefault(((t, s, label), k), []).extend(observed)
    rows = ordered_rows(row for row, _ in seen)
    kinds = tuple(k for k in ChangeKind if any(kind is k for _, kind in seen))
    measured = {s for observed in seen.values() for o in observed for s in o.services}
    services = tuple(s for s in SERVICES if s in measured) + tuple(sorted(measured - {*SERVICES}))
    found = {
        (row, k): _fold(observed, services, documented(row[0], row[1], k))
        for (row, k), observed in seen.items()
    }
    return Heatmap(tuple(rows), kinds, services, found)


def _fold(
    observed: Sequence[Observed], services: Sequence[str], expectation: Expectation | None
) -> GlanceCell:
    per_service: dict[str, VersionOutcome | None] = {}
    for service in services:
        outcomes = {o.services[service] for o in observed if service in o.services}
        per_service[service] = (
            None if not outcomes else outcomes.pop() if len(outcomes) == 1 else VersionOutcome.MIXED
        )
    changes = {o.change for o in observed if o.change is not None}
    agrees = None
    if expectation is not None:
        agrees = all(judge(o, expectation).agrees for o in observed)
    return GlanceCell(
        per_service,
        tuple(c for c in ChangeOutcome if c in changes),
        len(observed),
        sum(o.failed is not None for o in observed),
        agrees,
    )


VERSION_WORDS = {
    VersionOutcome.KEPT: "kept",
    VersionOutcome.ROLLED_BACK: "rolled back",
    VersionOutcome.MIXED: "varies between runs",
}
CHANGE_WORDS = {
    ChangeOutcome.NOW: "change now",
    ChangeOutcome.DEFERRED: "change deferred",
    ChangeOutcome.NOT_APPLIED: "change not applied",
    ChangeOutcome.NOT_APPLICABLE: "no change",
}


def cell_text(cell: GlanceCell) -> str:
    """``web rolled back; worker, beat kept · change now``: services grouped by outcome."""
    groups: dict[str, list[str]] = {}
    for service, outcome in cell.services.items():
        groups.setdefault(VERSION_WORDS[outcome] if outcome else "not measured", []).append(service)
    if len(groups) == 1:
        versions = f"all {next(iter(groups))}"
    else:
        versions = "; ".join(f"{', '.join(names)} {word}" for word, names in groups.items())
    changes = " or ".join(CHANGE_WORDS[c] for c in cell.changes) or "change unknown"
    failed = f" ({cell.failed} of {cell.runs} failed)" if cell.failed else ""
    return f"{versions} · {changes}{failed}"


def heatmap_table(glance: Heatmap) -> Table:
    body = []
    for row in glance.rows:
        values: list[Value] = [row_label(row)]
        for kind in glance.kinds:
            cell = glance.cells.get((row, kind))
            if cell is None:
                values.append(None)
            elif cell.agrees is None:
                values.append(f"{cell_text(cell)} (no documented outcome)")
            else:
                mark = "✓" if cell.agrees else "✗ differs from the docs"
                values.append(Judged(f"{cell_text(cell)} {mark}", cell.agrees))
        body.append(tuple(values))
    return Table(
        "Outcomes at a glance",
        "After the shared script deployed v2 outside the tool, did the tool's next update keep "
        "each service's version (kept) or put the tool's own back (rolled back), and when did "
        "the infrastructure change take effect? One row per tool and strategy (and provider, when "
        "the records hold more than one for a tool), one column per change kind, over every run; "
        "✓ agrees with the tools' documentation, ✗ differs. The "
        "figure shows the same, a band per service.",
        (
            "tool · strategy" + (" · provider" if any(r[2] for r in glance.rows) else ""),
            *(str(k) for k in glance.kinds),
        ),
        tuple(body),
    )


# -- which strategy to use -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Advice:
    """What the records say about one tool · strategy."""

    tool: Tool
    strategy: Strategy
    safe: bool
    """Every service kept the script's version in every change kind run, and nothing failed."""
    kinds_run: tuple[ChangeKind, ...]
    rolls_back: tuple[ChangeKind, ...]
    defers: tuple[tuple[ChangeKind, ChangeOutcome], ...]
    """Change kinds whose change did not take effect at once: deferred, or not applied."""
    failed: int
    cell_s: float | None
    infra_update_s: float | None
    cell_calls: float | None
    infra_update_calls: float | None


def advice(records: Sequence[Record]) -> list[Advice]:
    glance = heatmap(records, split_providers=False)
    grouped = cells(records)
    found = []
    for row in glance.rows:
        mine = {k: glance.cells[row, k] for k in glance.kinds if (row, k) in glance.cells}
        lost = (VersionOutcome.ROLLED_BACK, VersionOutcome.MIXED)
        rolls_back = tuple(
            k for k, c in mine.items() if any(v in lost for v in c.services.values())
        )
        defers = tuple(
            (k, change)
            for k, c in mine.items()
            for change in c.changes
            if change in (ChangeOutcome.DEFERRED, ChangeOutcome.NOT_APPLIED)
        )
        failed = sum(c.failed for c in mine.values())
        own = [rs for key, rs in grouped.items() if (key.tool, key.strategy) == row[:2]]
        infra = [
            r for rs in own for r in rs if r.phase is Phase.INFRA_UPDATE and r.status is Status.OK
        ]
        finished = [rs for rs in own if all(r.status is Status.OK for r in rs)]
        found.append(
            Advice(
                *row[:2],
                safe=not rolls_back and not failed,
                kinds_run=tuple(mine),
                rolls_back=rolls_back,
                defers=defers,
                failed=failed,
                cell_s=_median([sum(r.duration_s for r in rs) for rs in finished]),
                infra_update_s=_median([r.duration_s for r in infra]),
                cell_calls=_median_calls(finished),
                infra_update_calls=_median_calls([[r] for r in infra]),
            )
        )
    return found


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _total(record: Record) -> int:
    """The tool's own calls and those CloudFormation made for it: all AWS was asked to do."""
    inner = sum(n for calls in record.api_calls_on_behalf.values() for n in calls.values())
    return sum(record.api_calls.values()) + inner


def _median_calls(groups: Sequence[Sequence[Record]]) -> float | None:
    """Median over ``groups`` (a cell's records, or one record) of the calls each made."""
    if not any(r.api_calls or r.api_calls_on_behalf for group in groups for r in group):
        return None  # not counted (real AWS), not zero
    median = statistics.median(sum(_total(r) for r in group) for group in groups)
    return int(median) if float(median).is_integer() else median


def _kinds(kinds: Iterable[ChangeKind]) -> str:
    return ", ".join(str(k) for k in kinds) or "nothing"


def strategy_table(found: Sequence[Advice]) -> Table:
    body = []
    for a in found:
        if a.safe:
            verdict = f"safe: kept every service's version in all {len(a.kinds_run)} change kinds"
        elif a.failed and not a.rolls_back:
            verdict = f"unknown: {a.failed} cell executions failed"
        else:
            verdict = f"not safe: rolls back in {_kinds(a.rolls_back)}"
        defers = ", ".join(f"{k} ({o})" for k, o in a.defers) or "nothing"
        body.append(
            (str(a.tool), str(a.strategy), verdict, defers, a.cell_s, a.infra_update_s,
             a.cell_calls, a.infra_update_calls)
        )  # fmt: skip
    return Table(
        "Which strategy should I use",
        "Computed from the records: a strategy is safe when every service kept the version the "
        "script deployed after the tool's update, in every change kind that was run, and no cell "
        "failed. 'Defers' lists the change kinds whose change did not take effect at the tool's "
        "update (deferred to the next app update, or not applied at all). Costs are medians: "
        "seconds and AWS API calls (the tool's own plus those CloudFormation made for it) of a "
        "whole cell and of its infra update.",
        ("tool", "strategy", "keeps the deployed version", "defers", "cell s (median)",
         "infra update s (median)", "API calls per cell (median)",
         "API calls per infra update (median)"),
        tuple(body),
    )  # fmt: skip


def recommendations(found: Sequence[Advice]) -> list[str]:
    """One sentence per tool: its safe strategies and what they defer, or that none is safe."""
    lines = []
    for tool in dict.fromkeys(a.tool for a in found):
        safe = [a for a in found if a.tool is tool and a.safe]
        if not safe:
            lines.append(f"{tool}: no strategy kept every service's version in every change kind.")
            continue
        parts = []
        for a in safe:
            deferred = ", ".join(f"{k} {o}" for k, o in a.defers)
            parts.append(f"{a.strategy}" + (f" (defers: {deferred})" if deferred else ""))
        lines.append(
            f"{tool}: safe strategies (kept every service's version in every change kind run): "
            + "; ".join(parts)
            + "."
        )
    return lines
