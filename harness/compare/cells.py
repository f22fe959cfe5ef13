"""Running a matrix: the base layers its cells share, the thread pool, one cell start to destroy.

A cell of a base-layer change kind (``OWN_BASE_KINDS``) deploys and destroys a base of its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import replace

from harness.compare.drivers import DriverUnavailable
from harness.compare.failure_cells import run_failure_one
from harness.compare.matrix import CellResult, CellSpec, DeployedBase
from harness.compare.run import BaseLayer, Run, first_line
from harness.lifecycle import OWN_BASE_KINDS, run_cell
from harness.outcomes import CellStatus, Observed, cell_status
from harness.records import Tool

log = logging.getLogger(__name__)


def deploy_bases(run: Run, tools: Sequence[Tool], suffix: str) -> list[DeployedBase]:
    """One base per tool, deployed in parallel (on AWS each takes minutes); the ones that deployed.

    Every base is registered with ``run`` before it deploys, so a failed or interrupted one
    is destroyed when the run closes. On Ctrl-C the deploys already running finish (a
    half-created stack cannot be left behind), then ``KeyboardInterrupt`` goes on.
    """
    bases: list[BaseLayer] = []
    for tool in tools:
        try:
            bases.append(run.base(tool, f"{'tf' if tool is Tool.TERRAFORM else 'cdk'}-{suffix}"))
        except DriverUnavailable as exc:
            run.note(str(exc))
    if not bases:
        return []
    deployed: list[DeployedBase] = []
    with ThreadPoolExecutor(max_workers=len(bases), thread_name_prefix="base") as pool:
        futures = {pool.submit(run.deploy_base, base): base for base in bases}
        try:
            for future in as_completed(futures):
                base = futures[future]
                try:
                    deployed.append(future.result())
                except Exception as exc:  # its record says what failed; the other tool still runs
                    run.note(f"{base.tool}: not run: base layer failed ({first_line(exc)})")
        except KeyboardInterrupt:
            run.stop.set()
            wait(futures)
            raise
    order = [base.tool for base in bases]
    return sorted(deployed, key=lambda d: order.index(d.tool))


def run_cells(
    run: Run, cells: Sequence[CellSpec], workers: int, failure_cells: Sequence[CellSpec] = ()
) -> list[CellResult]:
    """Run ``cells`` and ``failure_cells`` (:mod:`.failure_cells`) on ``workers`` threads and
    return their results. The failure cells are handed out first: they take longest (a
    stabilization that times out), and started last they would be the run's tail.

    On Ctrl-C the cells not started are cancelled and the running ones finish destroying what
    they created; ``run.stop`` is then set and the results cover the cells that ran.
    """
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="cell")
    futures: dict[Future[CellResult], CellSpec] = {}
    results: list[CellResult] = []
    # A stack that holds only so many environments on one base at a time (its profile's
    # envs_per_base): no more of its cells run at once.
    limits = {tool: threading.BoundedSemaphore(stack.profile.envs_per_base)
              for tool, stack in run.stacks.items() if stack.profile.envs_per_base}  # fmt: skip
    try:
        jobs = [(c, run_failure_one) for c in failure_cells] + [(c, run_one) for c in cells]
        for cell, runner in jobs:
            futures[pool.submit(_run_limited, runner, run, cell, limits.get(cell.tool))] = cell
        for future in as_completed(futures):
            result = future.result()  # re-raises a KeyboardInterrupt raised inside a cell
            results.append(result)
            run.progress.finished(result)
    except KeyboardInterrupt:
        run.stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        results += _drain(run, futures, {r.cell for r in results})
        run.note("interrupted (Ctrl-C or SIGTERM): cells not started were cancelled")
    finally:
        pool.shutdown(wait=True)
    return results


def _drain(
    run: Run, futures: dict[Future[CellResult], CellSpec], reported: set[CellSpec]
) -> list[CellResult]:
    """Wait for the cells still running: each destroys its app layer on the way out."""
    drained = []
    for future, cell in futures.items():
        if future.cancelled() or cell in reported:
            continue
        try:
            result = future.result()
        except KeyboardInterrupt:
            result = CellResult(cell, CellStatus.INTERRUPTED, "stopped and destroyed")
        drained.append(result)
        run.progress.finished(result)
    return drained


def _run_limited(
    runner: Callable[[Run, CellSpec], CellResult],
    run: Run,
    spec: CellSpec,
    limit: threading.BoundedSemaphore | None,
) -> CellResult:
    if limit is None:
        return runner(run, spec)
    with limit:
        return runner(run, spec)


def run_one(run: Run, spec: CellSpec) -> CellResult:
    """One cell, start to destroy; a failure is a result (its record is written), not a crash."""
    if run.stop.is_set():
        return CellResult(spec, CellStatus.CANCELLED)
    run.progress.started(spec)
    try:
        with own_base(run, spec) as running:
            cell = run.cell(running)
            outcome = run_cell(cell.driver, cell.app, cell.recorder, running.settings(), spec.kind)
    except Exception as exc:
        log.debug("cell %s failed", spec.label, exc_info=True)
        return CellResult(spec, CellStatus.FAILED, f"{type(exc).__name__}: {first_line(exc)}")
    status = cell_status(outcome.observed, outcome.verdict)
    detail = "; ".join(outcome.verdict.disagreements) or _seen(outcome.observed)
    return CellResult(spec, status, detail)


@contextmanager
def own_base(run: Run, spec: CellSpec) -> Iterator[CellSpec]:
    """``spec`` as it runs: on a base of its own, deployed here and destroyed after the block,
    when its change kind is the base's (no other cell may see the change); else as it is."""
    if spec.kind not in OWN_BASE_KINDS:
        yield spec
        return
    base = run.base(spec.tool, f"{spec.env}-b")
    try:
        deployed = run.deploy_base(base)
        yield replace(spec, base=deployed.name, image_repository=deployed.image_repository)
    finally:
        try:
            run.destroy_base(base)
        except Exception as exc:  # its record says what failed; the cell's result stands
            run.note(f"{base.tool}: base layer {base.name} not destroyed ({first_line(exc)})")


def _seen(observed: Observed) -> str:
    return f"{observed.version}/{observed.change}"
