"""Where a run deploys: the endpoint, per-cell access keys for call counting, working folders."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from harness.compare.matrix import CompareOptions
from harness.endpoint import Endpoint, Target
from harness.recorder import CallReader
from harness.records import Record, RecordWriter


@dataclass(slots=True)
class RunTarget:
    """The endpoint of the run and, on the embedded emulator, per-key call counting."""

    endpoint: Endpoint
    folder: Path
    calls: Callable[[str], dict[str, int]] | None = None
    start_s: float | None = None
    notes: tuple[str, ...] = ()
    """What the report should say about the target (e.g. services LocalStack does not serve)."""

    def for_key(self, key: str) -> tuple[Endpoint, CallReader | None]:
        """An endpoint with its own access key (embedded only) and the reader of its calls."""
        if self.calls is None:
            return self.endpoint, None
        counter = self.calls
        return self.endpoint.with_access_key(key), lambda: counter(key)

    def workdir(self, name: str) -> Path:
        path = self.folder / "work" / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def open_target(options: CompareOptions, folder: Path, stack: ExitStack) -> RunTarget:
    """Start the embedded emulator (stopped by ``stack``) or resolve an external target."""
    from harness.external_targets import aws_sandbox, probe_localstack

    if options.target is Target.LOCALSTACK:
        localstack = probe_localstack()
        missing = localstack.missing()
        note = f"localstack does not serve {', '.join(missing)}: cells needing them fail"
        return RunTarget(localstack.endpoint, folder, notes=(note,) if missing else ())
    if options.target is Target.AWS:
        # The run folder is named by the run id: everything the run deploys carries it.
        return RunTarget(aws_sandbox(options.aws_account_id, run_id=folder.name), folder)
    from harness.emulator import Emulator

    emulator = stack.enter_context(Emulator(log_dir=folder))
    return RunTarget(emulator.endpoint, folder, emulator.calls, emulator.start_time_s)


REPO = Path(__file__).resolve().parents[2]


class LockedWriter(RecordWriter):
    """A record writer that parallel cells can share: one whole line at a time."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._lock = threading.Lock()

    def write(self, record: Record) -> None:
        with self._lock:
            super().write(record)
