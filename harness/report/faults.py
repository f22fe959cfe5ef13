"""The report's table of runs under injected faults: per tool and fault kind, survived or not.

Who met a fault is read from the phase it was injected in: the tool's own phases (base, app,
drift, infra update, destroy) are the tool's, ``post-deploy`` and ``app-update`` the shared
script's. A row *survived* when every phase that met its kind of fault still finished and every
cell it touched came out as documented; it *failed clearly* when a phase failed with a recorded
error (and nothing came out wrong); a cell that finished with another outcome than documented
under faults is a *wrong outcome*, the one result faults must never produce.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.expectations import expected
from harness.outcomes import CellStatus, cell_status, judge, observe
from harness.records import Phase, Record, Status
from harness.report.model import CellKey, Judged, Table, cell_key, cells

SCRIPT = "app-update script"
_SCRIPT_PHASES = {Phase.POST_DEPLOY, Phase.APP_UPDATE}


def actor(record: Record) -> str:
    """Who made the calls of a phase: the tool, or the shared app-update script."""
    return SCRIPT if record.phase in _SCRIPT_PHASES else str(record.tool)


def kinds_injected(record: Record) -> dict[str, int]:
    """Fault kind -> how many faults of it the phase met."""
    found: dict[str, int] = {}
    for by_kind in record.faults_injected.values():
        for kind, n in by_kind.items():
            found[kind] = found.get(kind, 0) + n
    return found


@dataclass(slots=True)
class _Row:
    faults: int = 0
    retries: int = 0
    phases_ok: int = 0
    failures: list[str] = field(default_factory=list)
    cells: set[CellKey] = field(default_factory=set)


def fault_table(records: Sequence[Record]) -> Table:
    """Per tool (and the script), fault kind and plan: faults met, retries seen, how it ended."""
    rows: dict[tuple[str, str, str], _Row] = {}
    for record in records:
        for kind, n in kinds_injected(record).items():
            row = rows.setdefault((actor(record), kind, record.faults), _Row())
            row.faults += n
            row.retries += sum(c.get(kind, 0) for c in record.retries_seen.values())
            if record.status is Status.OK:
                row.phases_ok += 1
            else:
                row.failures.append(f"{record.phase}: {_first_line(record.error)}")
            if record.env_name:
                row.cells.add(cell_key(record))
    by_cell = cells(records)
    body = []
    order = sorted(rows.items(), key=lambda kv: (_actor_order(kv[0][0]), kv[0][1], kv[0][2]))
    for (who, kind, plan), row in order:
        statuses = [_status(by_cell.get(key, [])) for key in sorted(row.cells, key=str)]
        documented = statuses.count(CellStatus.AS_DOCUMENTED)
        wrong = statuses.count(CellStatus.DIFFERS)
        body.append(
            (
                who,
                kind,
                row.faults,
                row.retries,
                row.phases_ok,
                len(row.failures),
                f"{documented} of {len(statuses)}" if statuses else "—",
                _verdict(row, wrong),
                "; ".join(sorted(set(row.failures))[:3]) or "—",
                plan,
            )
        )
    plans = sorted({r.faults for r in records if r.faults})
    return Table(
        "Under injected faults",
        "The embedded emulator answered a fraction of the calls with throttling errors, 5xx, "
        "slow answers or dropped connections (worded as each service words them), reproducibly "
        f"by seed; plans: {'; '.join(plans) or 'none'}. Per tool (and the shared script), "
        "fault kind and plan: faults met, retries of the calls that met them (clients announce "
        "a retry in amz-sdk-request), phases that still finished or failed, and cells that still "
        "came out as documented. Survived: all finished as without faults; failed clearly: a "
        "phase failed with its error recorded; a wrong outcome would be a cell that finished "
        "otherwise than documented.",
        (
            "who",
            "fault",
            "faults injected",
            "retries seen",
            "phases ok",
            "phases failed",
            "cells as documented",
            "verdict",
            "what failed",
            "plan",
        ),
        tuple(body),
    )


def _status(records: Sequence[Record]) -> CellStatus:
    if not records:
        return CellStatus.FAILED
    first = records[0]
    observed = observe(records)
    return cell_status(
        observed, judge(observed, expected(first.tool, first.strategy, first.change_kind))
    )


def _verdict(row: _Row, wrong: int) -> Judged:
    if wrong:
        return Judged(f"wrong outcome in {wrong} cells", agrees=False)
    if row.failures:
        return Judged("failed clearly", agrees=False)
    return Judged("survived", agrees=True)


def _actor_order(who: str) -> int:
    return {"terraform": 0, "cdk": 1, SCRIPT: 2}.get(who, 3)


def _first_line(error: str | None) -> str:
    lines = (error or "").strip().splitlines()
    line = lines[0] if lines else "no error recorded"
    return line if len(line) <= 160 else line[:157] + "..."
