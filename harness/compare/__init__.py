"""The comparison run: every tool x strategy x change kind (x repetition), then the report.

    result = run_comparison(CompareOptions(workers=2), progress=LogProgress())
    result.folder   # results/<run-id>/ with records.jsonl, run.json, report.md, report.html

One base layer per tool, deployed once and shared by that tool's cells (the seed's ad hoc
environments); cells run in parallel threads, each with its own environment name and (on
the embedded emulator) access key, so API calls are counted per cell. A tool's drivers share
one working directory (``work/<tool>``), in which they keep environments apart.
Ctrl-C cancels cells not started, lets running cells stop at their next tool step and destroy
what they created, destroys the bases and keeps every record written. A tool whose driver
module does not exist yet is skipped with a note in the report, never faked.

Modules: ``matrix`` (options, cells), ``drivers`` (which driver, stopping), ``target`` (endpoint,
per-cell keys), ``cells`` (bases and the thread pool), ``progress`` / ``terminal`` (display).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.compare.cells import BaseLayer, deploy_bases, destroy_bases, run_cells
from harness.compare.drivers import (
    DriverFactory,
    DriverUnavailable,
    Stoppable,
    driver_factory,
    make_driver,
)
from harness.compare.matrix import CellResult, CellSpec, CompareOptions, plan_cells
from harness.compare.progress import LogProgress, Progress
from harness.compare.target import LockedWriter, RunTarget, open_target
from harness.drivers.base import StackDriver
from harness.recorder import RunContext, git_commit, new_run_id
from harness.report import runinfo

__all__ = [
    "BaseLayer",
    "CellResult",
    "CellSpec",
    "CompareOptions",
    "DriverFactory",
    "DriverUnavailable",
    "LogProgress",
    "Progress",
    "RunResult",
    "RunTarget",
    "StackDriver",
    "Stoppable",
    "make_driver",
    "plan_cells",
    "run_comparison",
]


@dataclass(frozen=True, slots=True)
class RunResult:
    folder: Path
    summary: runinfo.RunSummary
    cells: tuple[CellResult, ...]
    report: tuple[Path, ...]


def run_comparison(
    options: CompareOptions,
    progress: Progress | None = None,
    factory: DriverFactory | None = None,
    build_report: bool = True,
) -> RunResult:
    """Run the matrix of ``options``; return where its records and report are."""
    factory = factory or driver_factory(options.terraform_provider)  # issue 11
    progress = progress or LogProgress()
    run_id = new_run_id()
    folder = options.results.resolve() / run_id  # tools run in other directories
    folder.mkdir(parents=True)
    began, started = time.perf_counter(), datetime.now(UTC).isoformat(timespec="seconds")
    stop = threading.Event()
    notes: list[str] = []
    results: list[CellResult] = []
    with ExitStack() as stack:
        writer = stack.enter_context(LockedWriter(folder / "records.jsonl"))
        target = open_target(options, folder, stack)
        notes.extend(target.notes)
        context = RunContext(run_id, str(options.target), git_commit())
        bases: list[BaseLayer] = []
        try:
            deploy_bases(options, context, target, writer, factory, stop, notes, bases)
            for text in notes:
                progress.note(text)
            cells = plan_cells(options, run_id.rsplit("-", 1)[-1], bases)
            progress.planned(cells)
            with _stopping_on_interrupt(stop, notes, progress):
                run_cells(cells, options, context, target, writer, factory, stop, progress, results)
        except KeyboardInterrupt:  # during a base deploy
            stop.set()
            notes.append("interrupted (Ctrl-C) while deploying the base layers")
        finally:
            destroy_bases(bases, notes)
        summary = runinfo.RunSummary(
            run_id=run_id,
            target=str(options.target),
            wall_s=round(time.perf_counter() - began, 3),
            workers=options.workers,
            started=started,
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            interrupted=stop.is_set(),
            notes=tuple(notes),
            emulator_start_s=target.start_s,
        )
    runinfo.write(summary, folder)
    report: list[Path] = []
    if build_report:
        from harness.report import build_report as build

        report = build([folder], folder)
    return RunResult(folder, summary, tuple(results), tuple(report))


@contextmanager
def _stopping_on_interrupt(
    stop: threading.Event, notes: list[str], progress: Progress
) -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        stop.set()
        notes.append("interrupted (Ctrl-C): cells not started were cancelled")
        progress.note("interrupted: running cells destroyed what they created; records kept")
