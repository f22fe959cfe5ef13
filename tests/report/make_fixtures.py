"""Writes fixtures/run-a and fixtures/run-b: two runs' records as the comparison writes them.

Regenerate from the repository root: ``.venv/bin/python -m tests.report.make_fixtures``. The tests assert exact values computed from
these files, so regenerate only together with the expected values.

run-a: the whole matrix once, every cell as documented except cdk · unpinned ·
service-property, where v2 was kept (the fidelity layer would be wrong there: the report must
show it). Cells one after another, 42 s each (46 s with a second app update), a 30 s base per
tool before and a 20 s base destroy after; wall time 10 s more than the phases.
run-b: another machine, Terraform only, four cells at 1.5 times the durations.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from harness.expectations import STRATEGIES, VersionOutcome
from harness.records import ChangeKind, Record, RecordWriter, Strategy, Tool

from .records_builder import START, base_records, documented_cell

FIXTURES = Path(__file__).parent / "fixtures"
RUN_A, RUN_B = "20261126T060000Z-aaaa", "20261126T080000Z-bbbb"
DIFFERS = (Tool.CDK, Strategy.UNPINNED, ChangeKind.SERVICE)


def run_a() -> tuple[list[Record], float]:
    records: list[Record] = []
    clock = START + timedelta(seconds=60)
    n = 0
    for tool, strategies in STRATEGIES.items():
        cells: list[Record] = []
        first = clock
        for strategy in strategies:
            for kind in ChangeKind:
                n += 1
                version = VersionOutcome.KEPT if (tool, strategy, kind) == DIFFERS else None
                cell = documented_cell(RUN_A, tool, strategy, kind, env_name=f"c{n}-aaaa",
                                       start=clock, version=version)  # fmt: skip
                clock = datetime.fromisoformat(cell[-1].timestamp)
                cells += cell
        records += base_records(RUN_A, tool, first, clock) + cells
        clock += timedelta(seconds=20 + 30)
    return records, _busy(records) + 10.0


def run_b() -> tuple[list[Record], float]:
    records: list[Record] = []
    clock = datetime(2026, 11, 26, 8, 0, tzinfo=START.tzinfo) + timedelta(seconds=30)
    first, n = clock, 0
    for strategy in STRATEGIES[Tool.TERRAFORM]:
        for kind in (ChangeKind.NONE, ChangeKind.SERVICE):
            n += 1
            cell = documented_cell(RUN_B, Tool.TERRAFORM, strategy, kind, env_name=f"c{n}-bbbb",
                                   start=clock, scale=1.5)  # fmt: skip
            clock = datetime.fromisoformat(cell[-1].timestamp)
            records += cell
    records = base_records(RUN_B, Tool.TERRAFORM, first, clock) + records
    return [_other_machine(r) for r in records], _busy(records) + 10.0


def _other_machine(record: Record) -> Record:
    data = record.to_dict() | {"machine": "laptop arm64 3.11.7", "git_commit": "def5678"}
    return Record.from_dict(data)


def _busy(records: list[Record]) -> float:
    return sum(r.duration_s for r in records)  # the cells of a fixture run never overlap


def write(folder: Path, run_id: str, records: list[Record], wall_s: float) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "records.jsonl").unlink(missing_ok=True)
    with RecordWriter(folder / "records.jsonl") as writer:
        for record in records:
            writer.write(record)
    summary = {"run_id": run_id, "target": "embedded", "wall_s": wall_s, "workers": 1,
               "notes": [] if run_id == RUN_A else ["cdk: not run: driver not available"]}  # fmt: skip
    (folder / "run.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write(FIXTURES / "run-a", RUN_A, *run_a())
    write(FIXTURES / "run-b", RUN_B, *run_b())
