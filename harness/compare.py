"""The comparison run: every tool x strategy x change kind (x repetition), then the report.

    result = run_comparison(CompareOptions(workers=2), progress=LogProgress())
    result.folder   # results/<run-id>/ with records.jsonl, run.json, report.md, report.html

One base layer per tool, deployed once and shared by that tool's cells (the seed's ad hoc
environments); cells run in parallel threads, each with its own environment name, working
directory and (on the embedded emulator) access key, so API calls are counted per cell.
Ctrl-C cancels cells not started, lets running cells stop at their next tool step and destroy
what they created, destroys the bases and keeps every record written. A tool whose driver
module does not exist yet is skipped with a note in the report, never faked.
"""

from __future__ import annotations

import importlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from harness import images, process
from harness.drivers.base import AppSettings, DriftReport, StackDriver, StepResult
from harness.endpoint import Endpoint, Target
from harness.errors import CommandError, HarnessError
from harness.expectations import STRATEGIES
from harness.recorder import CallReader, CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, Record, RecordWriter, Strategy, Tool
from harness.report import runinfo

log = logging.getLogger(__name__)

V1, VERSIONS = "v1", ["v1", "v2", "v3"]  # what the lifecycle deploys (harness.lifecycle)
DriverFactory = Callable[[Tool, Path, Endpoint], StackDriver]


class DriverUnavailable(HarnessError):
    """The driver of a tool does not exist (yet) in this version of the harness."""


def make_driver(tool: Tool, workdir: Path, endpoint: Endpoint) -> StackDriver:
    """The driver of ``tool`` for ``endpoint``, working in ``workdir`` (shared by the tool's cells).

    A driver module may offer ``create(endpoint, workdir)``; otherwise the driver class is
    built as the scenarios build it. Imported lazily, so a tool whose driver is missing costs
    only its own cells: it raises :class:`DriverUnavailable`, saying what is missing.
    """
    name = f"harness.drivers.{tool}"
    module = _import(name, tool)
    create = getattr(module, "create", None)
    if create is not None:
        driver: StackDriver = create(endpoint, workdir)
        return driver
    if tool is Tool.TERRAFORM and hasattr(module, "TerraformDriver"):
        runtime = _import("harness.terraform.runtime", tool)
        driver = module.TerraformDriver(endpoint, workdir, runtime.for_endpoint)
        return driver
    if tool is Tool.CDK and hasattr(module, "CdkDriver"):
        driver = module.CdkDriver(workdir, endpoint)
        return driver
    raise DriverUnavailable(f"{tool}: not run: driver not available ({name} has no create())")


def _import(name: str, tool: Tool) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise DriverUnavailable(
            f"{tool}: not run: driver not available ({name} does not exist yet)"
        ) from None


@dataclass(frozen=True, slots=True)
class CompareOptions:
    target: Target = Target.EMBEDDED
    aws_account_id: str | None = None
    repeat: int = 1
    tools: tuple[Tool, ...] = tuple(STRATEGIES)
    strategies: tuple[Strategy, ...] = ()
    """Empty: every strategy of each tool."""
    changes: tuple[ChangeKind, ...] = tuple(ChangeKind)
    workers: int = 2
    results: Path = Path("results")


@dataclass(frozen=True, slots=True)
class BaseLayer:
    """A tool's deployed base layer, shared by its cells."""

    tool: Tool
    name: str
    driver: StackDriver
    recorder: CellRecorder
    image_repository: str = ""


@dataclass(frozen=True, slots=True)
class CellSpec:
    number: int
    tool: Tool
    strategy: Strategy
    kind: ChangeKind
    repetition: int
    env: str
    base: str
    image_repository: str

    @property
    def label(self) -> str:
        return f"{self.tool}·{self.strategy}·{self.kind} #{self.repetition} ({self.env})"

    def settings(self) -> AppSettings:
        return AppSettings(self.env, self.base, self.strategy, self.image_repository, V1)


@dataclass(frozen=True, slots=True)
class CellResult:
    cell: CellSpec
    status: str
    """``as documented``, ``differs``, ``failed``, ``interrupted`` or ``cancelled``."""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RunResult:
    folder: Path
    summary: runinfo.RunSummary
    cells: tuple[CellResult, ...]
    report: tuple[Path, ...]


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


class LockedWriter(RecordWriter):
    """A record writer that parallel cells can share: one whole line at a time."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._lock = threading.Lock()

    def write(self, record: Record) -> None:
        with self._lock:
            super().write(record)


class Stoppable:
    """A driver that refuses to start another step once the run is stopping (Ctrl-C).

    Tools run in their own process group, so Ctrl-C reaches only our main thread; a running
    cell sees it here, at its next step, as the ``KeyboardInterrupt`` the recorder marks
    ``interrupted``. Destroys always go through: they clean up.
    """

    def __init__(self, driver: StackDriver, stop: threading.Event) -> None:
        self.driver, self.stop, self.tool = driver, stop, driver.tool

    def _check(self) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt

    def tool_version(self) -> str:
        return self.driver.tool_version()

    def engine(self) -> str:
        return self.driver.engine()

    def deploy_base(self, base: str) -> StepResult:
        self._check()
        return self.driver.deploy_base(base)

    def deploy_app(self, settings: AppSettings) -> StepResult:
        self._check()
        return self.driver.deploy_app(settings)

    def drift_app(self, settings: AppSettings) -> DriftReport:
        self._check()
        return self.driver.drift_app(settings)

    def destroy_app(self, settings: AppSettings) -> StepResult:
        return self.driver.destroy_app(settings)

    def destroy_base(self, base: str) -> StepResult:
        return self.driver.destroy_base(base)


@dataclass(slots=True)
class RunTarget:
    """The endpoint of the run and, on the embedded emulator, per-key call counting."""

    endpoint: Endpoint
    folder: Path
    calls: Callable[[str], dict[str, int]] | None = None
    start_s: float | None = None

    def for_key(self, key: str) -> tuple[Endpoint, CallReader | None]:
        """An endpoint with its own access key (embedded only) and the reader of its calls."""
        if self.calls is None:
            return self.endpoint, None
        creds = {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": "test"}
        counter = self.calls
        return replace(self.endpoint, credentials=creds), lambda: counter(key)

    def workdir(self, name: str) -> Path:
        path = self.folder / "work" / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def open_target(options: CompareOptions, folder: Path, stack: ExitStack) -> RunTarget:
    """Start the embedded emulator (stopped by ``stack``) or resolve an external target."""
    from harness.targets import aws_sandbox, probe_localstack

    if options.target is Target.LOCALSTACK:
        return RunTarget(probe_localstack().endpoint, folder)
    if options.target is Target.AWS:
        return RunTarget(aws_sandbox(options.aws_account_id), folder)
    from harness.emulator import Emulator

    emulator = stack.enter_context(Emulator(log_dir=folder))
    return RunTarget(emulator.endpoint, folder, emulator.calls, emulator.start_time_s)


def git_commit() -> str:
    try:
        return process.run(["git", "rev-parse", "--short", "HEAD"], timeout=10).stdout.strip()
    except CommandError:
        return ""


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def plan_cells(options: CompareOptions, suffix: str, bases: Sequence[BaseLayer]) -> list[CellSpec]:
    """The matrix, repetitions innermost-last so a partial run still covers every cell once."""
    cells: list[CellSpec] = []
    for repetition in range(options.repeat):
        for base in (b for b in bases if b.image_repository):  # bases that deployed
            for strategy in STRATEGIES[base.tool]:
                if options.strategies and strategy not in options.strategies:
                    continue
                for kind in options.changes:
                    n = len(cells) + 1
                    cells.append(CellSpec(n, base.tool, strategy, kind, repetition,
                                          f"c{n}-{suffix}", base.name, base.image_repository))  # fmt: skip
    return cells


def run_comparison(
    options: CompareOptions,
    progress: Progress | None = None,
    factory: DriverFactory = make_driver,
    build_report: bool = True,
) -> RunResult:
    """Run the matrix of ``options``; return where its records and report are."""
    progress = progress or LogProgress()
    run_id = new_run_id()
    folder = options.results / run_id
    folder.mkdir(parents=True)
    began, started = time.perf_counter(), datetime.now(UTC).isoformat(timespec="seconds")
    stop, notes, results = threading.Event(), list[str](), list[CellResult]()
    with ExitStack() as stack:
        writer = stack.enter_context(LockedWriter(folder / "records.jsonl"))
        target = open_target(options, folder, stack)
        context = RunContext(run_id, str(options.target), git_commit())
        bases: list[BaseLayer] = []
        try:
            _deploy_bases(options, run_id, context, target, writer, factory, notes, bases)
            for text in notes:
                progress.note(text)
            cells = plan_cells(options, run_id.rsplit("-", 1)[-1], bases)
            progress.planned(cells)
            with _stopping_on_interrupt(stop, notes, progress):
                _run_cells(cells, options.workers, context, target, writer, factory, stop,
                           progress, results)  # fmt: skip
        except KeyboardInterrupt:  # during a base deploy
            stop.set()
            notes.append("interrupted (Ctrl-C) while deploying the base layers")
        finally:
            _destroy_bases(bases, notes)
        summary = runinfo.RunSummary(
            run_id, str(options.target), round(time.perf_counter() - began, 3), options.workers,
            started, datetime.now(UTC).isoformat(timespec="seconds"), stop.is_set(),
            tuple(notes), target.start_s,
        )  # fmt: skip
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


def _deploy_bases(
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
            notes.append(f"{tool}: not run: base layer failed ({str(exc).splitlines()[0]})")
            continue
        bases[-1] = replace(bases[-1], image_repository=repository)


def _destroy_bases(bases: Sequence[BaseLayer], notes: list[str]) -> None:
    from harness.lifecycle import destroy_base

    for base in bases:
        try:
            destroy_base(base.driver, base.recorder, base.name)
        except Exception as exc:  # keep destroying the others; the record says what failed
            notes.append(f"{base.tool}: base layer {base.name} not destroyed ({exc})")
            log.exception("destroying base %s failed", base.name)


def _run_cells(
    cells: Sequence[CellSpec],
    workers: int,
    context: RunContext,
    target: RunTarget,
    writer: RecordWriter,
    factory: DriverFactory,
    stop: threading.Event,
    progress: Progress,
    results: list[CellResult],
) -> None:
    """Run ``cells`` on ``workers`` threads; on Ctrl-C cancel the rest and wait for the running."""
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="cell")
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
        return CellResult(cell, "failed", f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    exp = outcome.expectation
    same = (outcome.version, outcome.change) == (exp.version, exp.change)
    detail = f"{outcome.version}/{outcome.change} (expected {exp.version}/{exp.change})"
    return CellResult(cell, "as documented" if same else "differs", detail)
