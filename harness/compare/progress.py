"""What the comparison tells its user while it runs: log lines (CI), or a live terminal display."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from harness.compare.matrix import CellResult, CellSpec

if TYPE_CHECKING:
    from rich.console import Console

log = logging.getLogger(__name__)

MARKS = {"as documented": "[green]✓", "differs": "[yellow]≠", "failed": "[red]✗"}


class Progress(Protocol):
    """What the comparison tells its user while it runs (a terminal display, or log lines)."""

    def planned(self, cells: Sequence[CellSpec]) -> None: ...
    def started(self, cell: CellSpec) -> None: ...
    def finished(self, result: CellResult) -> None: ...
    def note(self, text: str) -> None: ...


class LogProgress:
    """Plain log lines: for CI and anything that is not a terminal."""

    def __init__(self) -> None:
        self._total, self._done, self._began = 0, 0, time.perf_counter()

    def planned(self, cells: Sequence[CellSpec]) -> None:
        self._total = len(cells)
        log.info("%d cells to run", self._total)

    def started(self, cell: CellSpec) -> None:
        log.info("start %s", cell.label)

    def finished(self, result: CellResult) -> None:
        self._done += 1
        elapsed = time.perf_counter() - self._began
        log.info("[%d/%d %.0fs] %s: %s %s", self._done, self._total, elapsed,
                 result.cell.label, result.status, result.detail)  # fmt: skip

    def note(self, text: str) -> None:
        log.info("%s", text)


class RichProgress:
    """A live terminal display: overall progress, the cells running now, the last results."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = console or Console(stderr=True)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )
        self._task = self._bar.add_task("cells", total=None)
        self._running: dict[str, float] = {}

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.stop()

    def _describe(self) -> None:
        now = time.perf_counter()
        running = ", ".join(f"{label} {now - t:.0f}s" for label, t in self._running.items())
        self._bar.update(self._task, description=f"running: {running}" if running else "cells")

    def planned(self, cells: Sequence[CellSpec]) -> None:
        self._bar.update(self._task, total=len(cells))

    def started(self, cell: CellSpec) -> None:
        self._running[cell.label] = time.perf_counter()
        self._describe()

    def finished(self, result: CellResult) -> None:
        from rich.markup import escape

        began = self._running.pop(result.cell.label, time.perf_counter())
        mark = MARKS.get(result.status, "[dim]·")
        took = time.perf_counter() - began
        self.console.print(
            f"{mark} {escape(result.cell.label)}[/]: {result.status} {escape(result.detail)} ({took:.0f}s)"
        )
        self._bar.advance(self._task)
        self._describe()

    def note(self, text: str) -> None:
        from rich.markup import escape

        self.console.print(f"[bold]{escape(text)}")
