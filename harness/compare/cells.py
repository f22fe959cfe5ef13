"""Running cells: the base layers they share, the thread pool, one cell start to destroy."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, replace

from harness import images
from harness.compare.drivers import DriverFactory, DriverUnavailable, Stoppable
from harness.compare.matrix import VERSIONS, CellResult, CellSpec, CompareOptions
from harness.compare.progress import Progress
from harness.compare.target import RunTarget
from harness.drivers.base import StackDriver
from harness.endpoint import Endpoint
from harness.expectations import STRATEGIES
from harness.recorder import CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, RecordWriter, Tool

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BaseLayer:
    """A tool's base layer, shared by its cells; ``image_repository`` is set once it deployed."""

    tool: Tool
    name: str
    driver: StackDriver
    recorder: CellRecorder
    endpoint: Endpoint
    image_repository: str = ""


def deploy_bases(
    options: CompareOptions,
    context: RunContext,
    target: RunTarget,
    writer: RecordWriter,
    factory: DriverFactory,
    stop: threading.Event,
    notes: list[str],
    bases: list[BaseLayer],
) -> None:
    """One base per tool, deployed in parallel (on AWS each takes minutes).

    ``bases`` lists every base before it deploys, so a failed or interrupted one is destroyed
    too. On Ctrl-C the deploys already running finish (a half-created stack cannot be left
    behind), then ``KeyboardInterrupt`` goes on.
    """
    suffix = context.run_id.rsplit("-", 1)[-1]
    for tool in options.tools:
        endpoint, calls = target.for_key(f"base-{tool}")
        try:
            driver = Stoppable(factory(tool, target.workdir(str(tool)), endpoint), stop)
        except DriverUnavailable as exc:
            notes.append(str(exc))
            continue
        # A base belongs to no cell: its records leave the env name empty (as the scenarios do).
        identity = CellIdentity(tool, driver.tool_version(), driver.engine(),
                                STRATEGIES[tool][0], ChangeKind.NONE, "")  # fmt: skip
        recorder = CellRecorder(context, identity, writer, calls)
        name = f"{'tf' if tool is Tool.TERRAFORM else 'cdk'}-{suffix}"
        bases.append(BaseLayer(tool, name, driver, recorder, endpoint))
    if not bases:
        return
    with ThreadPoolExecutor(max_workers=len(bases), thread_name_prefix="base") as pool:
        futures = {pool.submit(_deploy_base, base): i for i, base in enumerate(bases)}
        try:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    bases[index] = replace(bases[index], image_repository=future.result())
                except Exception as exc:  # its record says what failed; the other tool still runs
                    notes.append(
                        f"{bases[index].tool}: not run: base layer failed ({first_line(exc)})"
                    )
        except KeyboardInterrupt:
            stop.set()
            wait(futures)
            raise


def _deploy_base(base: BaseLayer) -> str:
    from harness.lifecycle import deploy_base

    repository = images.publish(base.endpoint, base.name, VERSIONS)  # the registry comes first
    deploy_base(base.driver, base.recorder, base.name)
    return repository


def destroy_bases(bases: Sequence[BaseLayer], notes: list[str]) -> None:
    """Destroy every base, in parallel; a failure is noted and the others still go."""
    if not bases:
        return
    with ThreadPoolExecutor(max_workers=len(bases), thread_name_prefix="base") as pool:
        futures = {pool.submit(_destroy_base, base): base for base in bases}
        for future in as_completed(futures):
            base = futures[future]
            try:
                future.result()
            except Exception as exc:  # the record says what failed
                notes.append(
                    f"{base.tool}: base layer {base.name} not destroyed ({first_line(exc)})"
                )
                log.error("destroying base %s failed: %s", base.name, exc)


def _destroy_base(base: BaseLayer) -> None:
    from harness.lifecycle import destroy_base

    destroy_base(base.driver, base.recorder, base.name)


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
