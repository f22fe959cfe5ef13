"""What the comparison tells its user while it runs; here the plain log lines (CI, pipes).

The live terminal display is in ``terminal.py`` (it imports rich).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Protocol

from harness.compare.matrix import CellResult, CellSpec

log = logging.getLogger(__name__)


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
