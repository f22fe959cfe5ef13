"""Running cells: the base layers they share, the thread pool, one cell start to destroy."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace

from harness import images
from harness.compare.drivers import DriverFactory, DriverUnavailable, Stoppable
from harness.compare.matrix import VERSIONS, CellResult, CellSpec, CompareOptions
from harness.compare.progress import Progress
from harness.compare.target import RunTarget
from harness.drivers.base import StackDriver
from harness.expectations import STRATEGIES
from harness.recorder import CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, RecordWriter, Tool

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BaseLayer:
    """A tool's deployed base layer, shared by its cells."""

    tool: Tool
    name: str
    driver: StackDriver
    recorder: CellRecorder
    image_repository: str = ""


def deploy_bases(
    options: CompareOptions,
    run_id: str,
    context: RunContext,
    target: RunTarget,
    writer: RecordWriter,
    factory: DriverFactory,
    notes: list[str],
    bases: list[BaseLayer],
) -> None:
    """One base per tool; ``bases`` grows before each deploy so a failed one is still destroyed."""
    from harness.lifecycle import deploy_base

    suffix = run_id.rsplit("-", 1)[-1]
    for tool in options.tools:
        name = f"{'tf' if tool is Tool.TERRAFORM else 'cdk'}-{suffix}"
        endpoint, calls = target.for_key(f"base-{tool}")
        try:
            driver = factory(tool, target.workdir(str(tool)), endpoint)
        except DriverUnavailable as exc:
            notes.append(str(exc))
            continue
        # A base belongs to no cell: its records leave the env name empty (as the scenarios do).
        identity = CellIdentity(tool, driver.tool_version(), driver.engine(),
                                STRATEGIES[tool][0], ChangeKind.NONE, "")  # fmt: skip
        recorder = CellRecorder(context, identity, writer, calls)
        bases.append(BaseLayer(tool, name, driver, recorder))
        try:
            repository = images.publish(endpoint, name, VERSIONS)  # the registry comes first
            deploy_base(driver, recorder, name)
        except Exception as exc:  # its record says what failed; the other tool still runs
            notes.append(f"{tool}: not run: base layer failed ({first_line(exc)})")
            continue
        bases[-1] = replace(bases[-1], image_repository=repository)


def destroy_bases(bases: Sequence[BaseLayer], notes: list[str]) -> None:
    from harness.lifecycle import destroy_base

    for base in bases:
        try:
            destroy_base(base.driver, base.recorder, base.name)
        except Exception as exc:  # keep destroying the others; the record says what failed
            notes.append(f"{base.tool}: base layer {base.name} not destroyed ({first_line(exc)})")
            log.exception("destroying base %s failed", base.name)


def run_cells(
    cells: Sequence[CellSpec],
    options: CompareOptions,
    context: RunContext,
    target: RunTarget,
    writer: RecordWriter,
    factory: DriverFactory,
    stop: threading.Event,
    progress: Progress,
    results: list[CellResult],
) -> None:
    """Run ``cells`` on ``options.workers`` threads; on Ctrl-C cancel the rest, wait for the running."""
    pool = ThreadPoolExecutor(max_workers=max(1, options.workers), thread_name_prefix="cell")
    futures: dict[Future[CellResult], CellSpec] = {}
    try:
        for cell in cells:
            future = pool.submit(_run_one, cell, context, target, writer, factory, stop, progress)
            futures[future] = cell
        for future in as_completed(futures):
            result = future.result()  # re-raises a KeyboardInterrupt raised inside a cell
            results.append(result)
            progress.finished(result)
    except KeyboardInterrupt:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        _drain(futures, results, progress)
        raise
    finally:
        pool.shutdown(wait=True)


def _drain(
    futures: dict[Future[CellResult], CellSpec], results: list[CellResult], progress: Progress
) -> None:
    """Wait for the cells still running: each destroys its app layer on the way out."""
    reported = {r.cell for r in results}
    for future, cell in futures.items():
        if future.cancelled() or cell in reported:
            continue
        try:
            result = future.result()
        except KeyboardInterrupt:
            result = CellResult(cell, "interrupted", "stopped and destroyed")
        results.append(result)
        progress.finished(result)


def _run_one(
    cell: CellSpec,
    context: RunContext,
    target: RunTarget,
    writer: RecordWriter,
    factory: DriverFactory,
    stop: threading.Event,
    progress: Progress,
) -> CellResult:
    """One cell, start to destroy; a failure is a result (its record is written), not a crash."""
    from harness.lifecycle import run_cell

    if stop.is_set():
        return CellResult(cell, "cancelled")
    progress.started(cell)
    endpoint, calls = target.for_key(f"cell-{cell.number}")
    try:
        driver = Stoppable(factory(cell.tool, target.workdir(str(cell.tool)), endpoint), stop)
        identity = CellIdentity(cell.tool, driver.tool_version(), driver.engine(), cell.strategy,
                                cell.kind, cell.env, cell.repetition)  # fmt: skip
        recorder = CellRecorder(context, identity, writer, calls)
        outcome = run_cell(driver, endpoint, recorder, cell.settings(), cell.kind)
    except Exception as exc:
        log.debug("cell %s failed", cell.label, exc_info=True)
        return CellResult(cell, "failed", f"{type(exc).__name__}: {first_line(exc)}")
    exp = outcome.expectation
    same = (outcome.version, outcome.change) == (exp.version, exp.change)
    detail = f"{outcome.version}/{outcome.change} (expected {exp.version}/{exp.change})"
    return CellResult(cell, "as documented" if same else "differs", detail)


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (tool errors carry pages of output after it)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
