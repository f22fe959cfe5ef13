"""What a comparison run knows about itself beyond its records: wall time, workers, notes.

Written by ``harness.compare`` as ``run.json`` beside ``records.jsonl``; optional for the
report (records alone still make a report, only without the overhead figure).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import RecordError

RUN_FILE = "run.json"


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    target: str
    wall_s: float
    """From the start of the comparison (emulator start included) to the last destroy."""
    workers: int = 1
    started: str = ""
    finished: str = ""
    interrupted: bool = False
    notes: tuple[str, ...] = ()
    """What was not run and why, e.g. ``cdk: not run: driver not available (...)``."""
    emulator_start_s: float | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RunSummary:
        try:
            return cls(**{**raw, "notes": tuple(raw.get("notes", ()))})
        except TypeError as exc:
            raise RecordError(f"malformed {RUN_FILE} ({exc}): {raw}") from exc


def write(summary: RunSummary, folder: Path) -> Path:
    path = folder / RUN_FILE
    path.write_text(json.dumps(summary.to_dict(), indent=2, sort_keys=True) + "\n")
    return path


def load(paths: list[Path]) -> list[RunSummary]:
    """The run summaries beside the given results (folders, or records files in them)."""
    found = []
    for path in paths:
        file = (path if path.is_dir() else path.parent) / RUN_FILE
        if file.exists():
            found.append(RunSummary.from_dict(json.loads(file.read_text())))
    return found
