"""Turns each phase of a cell into a :class:`~harness.records.Record`, also when it fails.

    with recorder.phase(Phase.APP) as note:
        result = driver.deploy_app(settings)
        note.timings = result.timings
        note.version_after = running_version(...)

The record is written when the block ends: ``ok``, ``failed`` (the exception's message is
kept, the exception re-raised) or ``interrupted`` (Ctrl-C). API calls are those the emulator
served for this cell's access key during the block (its own, and those CloudFormation made
for it, apart).
"""

from __future__ import annotations

import logging
import platform
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from harness import process
from harness.errors import HarnessError
from harness.paths import REPO_ROOT
from harness.records import (
    CallCounts,
    ChangeKind,
    FailureKind,
    Phase,
    Record,
    RecordWriter,
    Status,
    Strategy,
    Tool,
)

log = logging.getLogger(__name__)

CallReader = Callable[[], CallCounts]
"""Reads the calls counted so far for one caller (embedded emulator only)."""


def new_run_id() -> str:
    """A run id that sorts by time and does not collide: ``20261126T064537Z-aae9``."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def git_commit() -> str:
    """The harness's commit, ``-dirty`` when it has uncommitted changes ("" outside git)."""
    argv = ["git", "describe", "--always", "--dirty", "--abbrev=7"]
    try:
        # No index refresh (an optional lock): parallel runs would race for .git/index.lock.
        env = process.child_env({"GIT_OPTIONAL_LOCKS": "0"})
        return process.run(argv, cwd=REPO_ROOT, env=env, timeout=30).stdout.strip()
    except HarnessError:
        return ""


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every record of one run shares."""

    run_id: str
    target: str
    git_commit: str = ""
    faults: str = ""
    """The emulator's fault plan for the whole run ("" when off), said by every record."""
    machine: str = field(
        default_factory=lambda: (
            f"{platform.node()} {platform.machine()} {platform.python_version()}"
        )
    )


@dataclass(frozen=True, slots=True)
class CellIdentity:
    """Which cell of the matrix the records belong to."""

    tool: Tool
    tool_version: str
    engine: str
    strategy: Strategy
    change_kind: ChangeKind
    env_name: str
    repetition: int = 0
    stack: str = ""
    """The stack profile's label (``harness.profiles``)."""


@dataclass(slots=True)
class PhaseNote:
    """What the code inside ``phase()`` learns, copied into the record at the end."""

    timings: dict[str, float] = field(default_factory=dict)
    version_before: str | None = None
    version_after: str | None = None
    versions_after: dict[str, str] = field(default_factory=dict)
    version_expected: str | None = None
    infra_change_applied: bool | None = None
    min_healthy_targets: int | None = None
    drift_detected: bool | None = None
    drift: tuple[str, ...] = ()
    failure_kind: FailureKind | None = None
    tool_state: str | None = None
    live_drift_detected: bool | None = None
    live_drift: dict[str, list[str]] = field(default_factory=dict)


class CellRecorder:
    """Writes one record per phase of one cell; keeps them in memory for assertions."""

    def __init__(
        self,
        context: RunContext,
        cell: CellIdentity,
        writer: RecordWriter | None = None,
        calls: CallReader | None = None,
    ) -> None:
        self.context, self.cell, self.writer, self._calls = context, cell, writer, calls
        self.records: list[Record] = []

    @contextmanager
    def phase(self, phase: Phase, step: str = "") -> Iterator[PhaseNote]:
        note = PhaseNote()
        before = self._calls() if self._calls else CallCounts()
        began = time.perf_counter()
        status, error = Status.OK, None
        try:
            yield note
        except KeyboardInterrupt:
            status, error = Status.INTERRUPTED, "interrupted (Ctrl-C or SIGTERM)"
            raise
        except Exception as exc:
            status, error = Status.FAILED, f"{type(exc).__name__}: {exc}"
            raise
        finally:
            duration = time.perf_counter() - began
            self._write(phase, step, note, status, error, duration, self._calls_since(before))

    def _calls_since(self, before: CallCounts) -> CallCounts:
        if self._calls is None:
            return CallCounts()
        try:
            now = self._calls()
        except Exception:  # the emulator may be gone after a crash; the record matters more
            log.warning("could not read API call counts", exc_info=True)
            return CallCounts()
        return now.since(before)

    def _write(
        self,
        phase: Phase,
        step: str,
        note: PhaseNote,
        status: Status,
        error: str | None,
        duration: float,
        calls: CallCounts,
    ) -> None:
        ctx, cell = self.context, self.cell
        record = Record(
            run_id=ctx.run_id,
            tool=cell.tool,
            tool_version=cell.tool_version,
            engine=cell.engine,
            target=ctx.target,
            strategy=cell.strategy,
            change_kind=cell.change_kind,
            phase=phase,
            status=status,
            duration_s=round(duration, 4),
            env_name=cell.env_name,
            repetition=cell.repetition,
            step=step,
            timings={k: round(v, 4) for k, v in note.timings.items()},
            api_calls=calls.own,
            api_calls_on_behalf=calls.on_behalf,
            api_busy_s=round(calls.busy_s, 4) if self._calls is not None else None,
            error=error,
            version_before=note.version_before,
            version_after=note.version_after,
            versions_after=dict(note.versions_after),
            version_expected=note.version_expected,
            infra_change_applied=note.infra_change_applied,
            min_healthy_targets=note.min_healthy_targets,
            drift_detected=note.drift_detected,
            drift=note.drift,
            failure_kind=note.failure_kind,
            tool_state=note.tool_state,
            live_drift_detected=note.live_drift_detected,
            live_drift={k: list(v) for k, v in note.live_drift.items()},
            faults=ctx.faults,
            faults_injected=calls.faults_injected,
            retries_seen=calls.retries,
            stack=cell.stack,
            git_commit=ctx.git_commit,
            machine=ctx.machine,
        )
        self.records.append(record)
        if self.writer is not None:
            self.writer.write(record)
