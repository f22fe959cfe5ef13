"""One run: what its bases and cells share, and the one place that hands them out.

    with Run(context, target, writer) as run:
        base = run.base(Tool.TERRAFORM, "tf-ab12")   # destroyed when the run closes
        cell = run.cell(spec)                        # driver, recorder, app side, endpoint
        run_cell(cell.driver, cell.app, cell.recorder, spec.settings(), spec.kind)

``run_comparison`` and the scenario fixtures both build their bases and cells here, so a
record written by either says the same things the same way. On the embedded emulator each
base and cell gets an access key of its own, so its API calls are counted apart.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from harness.app_side import AppSide, ContractAppSide
from harness.compare.drivers import DriverFactory, Stoppable, make_driver
from harness.compare.matrix import CellSpec, DeployedBase
from harness.compare.progress import LogProgress, Progress
from harness.drivers.base import StackDriver
from harness.endpoint import Endpoint, Target
from harness.errors import TargetError
from harness.expectations import STRATEGIES
from harness.fidelity.faults import FaultPlan
from harness.hotswap import HotswapAppSide, Hotswapper
from harness.profiles import BUILTIN, builtin
from harness.profiles.fit import check_services
from harness.profiles.source import Stack, local
from harness.recorder import CallReader, CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, RecordWriter, Strategy, Tool

if TYPE_CHECKING:
    from harness.emulator import Emulator

log = logging.getLogger(__name__)

AppSideFactory = Callable[[Endpoint], AppSide]


@dataclass(slots=True)
class RunTarget:
    """The endpoint of the run and, on the embedded emulator, per-key call counting."""

    endpoint: Endpoint
    folder: Path
    """Working folders of the tools go under ``folder/work``."""
    calls: Callable[[str], CallReader] | None = None
    """Access key -> reader of its calls (embedded emulator only)."""
    start_s: float | None = None
    notes: tuple[str, ...] = ()
    """What the report should say about the target (e.g. services LocalStack does not serve)."""

    def for_key(self, key: str) -> tuple[Endpoint, CallReader | None]:
        """An endpoint with its own access key (embedded only) and the reader of its calls."""
        if self.calls is None:
            return self.endpoint, None
        return self.endpoint.with_access_key(key), self.calls(key)

    def workdir(self, name: str) -> Path:
        path = self.folder / "work" / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def open_target(
    target: Target,
    aws_account_id: str | None,
    folder: Path,
    stack: ExitStack,
    faults: FaultPlan | None = None,
    endpoint: str | None = None,
) -> RunTarget:
    """Start the embedded emulator (stopped by ``stack``), attach to the one at ``endpoint``,
    or resolve an external target; ``faults`` only on the embedded emulator (it injects them)."""
    from harness.external_targets import aws_sandbox, probe_localstack

    if faults is not None and target is not Target.EMBEDDED:
        raise TargetError(f"fault injection needs the embedded emulator, not --target {target}")

    if target is Target.LOCALSTACK:
        localstack = probe_localstack()
        missing = localstack.missing()
        note = f"localstack does not serve {', '.join(missing)}: cells needing them fail"
        return RunTarget(localstack.endpoint, folder, notes=(note,) if missing else ())
    if target is Target.AWS:
        # The run folder is named by the run id: everything the run deploys carries it.
        return RunTarget(aws_sandbox(aws_account_id, run_id=folder.name), folder)
    from harness.emulator import Emulator

    if endpoint:
        return embedded_target(Emulator.attach(endpoint), folder)
    emulator = stack.enter_context(Emulator(log_dir=folder))
    if faults is not None:
        emulator.set_faults(faults)
    return embedded_target(emulator, folder)


def embedded_target(emulator: Emulator, folder: Path) -> RunTarget:
    """A target on a running :class:`~harness.emulator.Emulator` (counts calls per key)."""

    def reader(key: str) -> CallReader:
        return lambda: emulator.call_counts(key)

    return RunTarget(emulator.endpoint, folder, reader, emulator.start_time_s)


@dataclass(frozen=True, slots=True)
class Cell:
    """What one cell (or a base layer) works with."""

    driver: StackDriver
    recorder: CellRecorder
    app: AppSide
    endpoint: Endpoint


@dataclass(slots=True)
class BaseLayer:
    """A tool's base layer, shared by its cells; ``image_repository`` is set once it deployed."""

    tool: Tool
    name: str
    cell: Cell
    image_repository: str = ""
    destroyed: bool = False


@dataclass
class Run:
    """What a whole run shares: context, target, records, drivers, progress and stop signal."""

    context: RunContext
    target: RunTarget
    writer: RecordWriter
    drivers: DriverFactory = make_driver
    app_side: AppSideFactory = ContractAppSide
    progress: Progress = field(default_factory=LogProgress)
    stop: threading.Event = field(default_factory=threading.Event)
    notes: list[str] = field(default_factory=list)
    bases: list[BaseLayer] = field(default_factory=list)
    """Every base handed out: each is destroyed when the run closes (unless already)."""
    stacks: Mapping[Tool, Stack] = field(default_factory=dict)
    """The stack each tool drives (its profile and code); a tool not in it drives ours."""

    def stack(self, tool: Tool) -> Stack:
        return self.stacks.get(tool) or local(builtin(tool))

    def note(self, text: str) -> None:
        """Something the report and the user should know about this run."""
        self.notes.append(text)
        self.progress.note(text)

    def base(self, tool: Tool, name: str) -> BaseLayer:
        """The base layer ``name`` of ``tool``: not deployed yet, destroyed at close."""
        # A base belongs to no cell: its records leave the env name empty.
        cell = self._cell(tool, f"base-{tool}", STRATEGIES[tool][0], ChangeKind.NONE, "", 0)
        base = BaseLayer(tool, name, cell)
        self.bases.append(base)
        return base

    def cell(self, spec: CellSpec) -> Cell:
        """Driver, recorder, app side and endpoint of one cell of the matrix."""
        cell = self._cell(spec.tool, spec.env, spec.strategy, spec.kind, spec.env, spec.repetition)
        inner = getattr(cell.driver, "driver", cell.driver)  # the tool's driver, not Stoppable
        if spec.strategy is Strategy.HOTSWAP and isinstance(inner, Hotswapper):
            app = HotswapAppSide(cell.app, inner, spec.settings())
            return Cell(cell.driver, cell.recorder, app, cell.endpoint)
        return cell

    def _cell(
        self, tool: Tool, key: str, strategy: Strategy, kind: ChangeKind, env: str, repetition: int
    ) -> Cell:
        endpoint, calls = self.target.for_key(key)
        stack = self.stack(tool)
        check = None
        if stack.profile.path != BUILTIN[tool]:  # ours: harness.contract_checks (scenarios)
            # With a key of its own: the check's calls are not the tool's.
            checker = endpoint.with_access_key(f"{key}-contract") if calls else endpoint
            check = functools.partial(check_services, checker, stack.profile)
        tool_driver = self.drivers(tool, self.target.workdir(str(tool)), endpoint)
        driver = Stoppable(tool_driver, self.stop, check)
        identity = CellIdentity(tool, driver.tool_version(), driver.engine(), strategy,
                                kind, env, repetition, stack.label)  # fmt: skip
        recorder = CellRecorder(self.context, identity, self.writer, calls)
        app = self.app_side(endpoint)
        if isinstance(app, ContractAppSide):  # the stack's names, not ours
            app = ContractAppSide(endpoint, stack.profile.contract)
        return Cell(driver, recorder, app, endpoint)

    def deploy_base(self, base: BaseLayer) -> DeployedBase:
        """Publish the app's image tags to ``base``'s registry, then deploy it (its record says
        how it went). The registry comes first: the stacks reference the image."""
        from harness import images
        from harness.lifecycle import VERSIONS, deploy_base

        base.image_repository = images.publish(base.cell.endpoint, base.name, VERSIONS)
        deploy_base(base.cell.driver, base.cell.recorder, base.name)
        return DeployedBase(base.tool, base.name, base.image_repository)

    def destroy_base(self, base: BaseLayer) -> None:
        """Destroy ``base`` now (its record says how it went); a no-op the second time."""
        from harness.lifecycle import destroy_base

        if base.destroyed:
            return
        base.destroyed = True
        destroy_base(base.cell.driver, base.cell.recorder, base.name)

    def close(self) -> None:
        """Destroy every base not destroyed yet, in parallel; a failure is noted, not raised."""
        pending = [b for b in self.bases if not b.destroyed]
        if not pending:
            return
        with ThreadPoolExecutor(max_workers=len(pending), thread_name_prefix="base") as pool:
            futures = {pool.submit(self.destroy_base, base): base for base in pending}
            for future in as_completed(futures):
                base = futures[future]
                try:
                    future.result()
                except Exception as exc:  # the record says what failed
                    self.note(
                        f"{base.tool}: base layer {base.name} not destroyed ({first_line(exc)})"
                    )
                    log.error("destroying base %s failed: %s", base.name, exc)

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (tool errors carry pages of output after it)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
