"""The live terminal display of a comparison: progress bar, cells running now, results."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from harness.compare.matrix import CellResult, CellSpec
from harness.outcomes import CellStatus

MARKS = {
    CellStatus.AS_DOCUMENTED: "[green]✓",
    CellStatus.DIFFERS: "[yellow]≠",
    CellStatus.FAILED: "[red]✗",
}


class Running:
    """The cells running now and for how long, one a line, redrawn at every refresh."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.lock = threading.Lock()  # cells start and finish on worker threads

    def __rich__(self) -> Text:
        now = time.perf_counter()
        with self.lock:
            lines = [f"  ▸ {label}  {now - t:.0f}s" for label, t in self.started.items()]
        return Text("\n".join(lines), style="cyan")


class RichProgress:
    """A live terminal display: overall progress, the cells running now, each result."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._running = Running()
        self._bar = Progress(
            TextColumn("cells"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        )
        self._task = self._bar.add_task("cells", total=None)
        self._live = Live(Group(self._bar, self._running), console=self.console)

    def __enter__(self) -> RichProgress:
        self._live.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._live.stop()

    def planned(self, cells: Sequence[CellSpec]) -> None:
        self._bar.update(self._task, total=len(cells))

    def started(self, cell: CellSpec) -> None:
        with self._running.lock:
            self._running.started[cell.label] = time.perf_counter()

    def finished(self, result: CellResult) -> None:
        with self._running.lock:
            began = self._running.started.pop(result.cell.label, time.perf_counter())
        mark = MARKS.get(result.status, "[dim]·")
        took = time.perf_counter() - began
        self.console.print(
            f"{mark} {escape(result.cell.label)}[/]: {result.status} "
            f"{escape(result.detail)} ({took:.0f}s)"
        )
        self._bar.advance(self._task)

    def note(self, text: str) -> None:
        self.console.print(f"[bold]{escape(text)}")
