"""The comparison run: every tool x strategy x change kind (x repetition), then the report.

    result = run_comparison(CompareOptions(workers=2), progress=LogProgress())
    result.folder   # results/<run-id>/ with records.jsonl, run.json, report.md, report.html

One base layer per tool, deployed once and shared by that tool's cells (the seed's ad hoc
environments); cells run in parallel threads, each with its own environment name and (on
the embedded emulator) access key, so API calls are counted per cell. A tool's drivers share
one working directory (``work/<tool>``), in which they keep environments apart.
Ctrl-C cancels cells not started, lets running cells stop at their next tool step and destroy
what they created, destroys the bases and keeps every record written.

Modules: ``run`` (what a run shares; hands out bases and cells), ``matrix`` (options, cells),
``drivers`` (which driver, stopping), ``cells`` (bases and the thread pool), ``progress`` /
``terminal`` (display).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.app_side import ContractAppSide
from harness.compare.cells import deploy_bases, run_cells
from harness.compare.drivers import (
    DriverFactory,
    DriverUnavailable,
    Stoppable,
    driver_factory,
    make_driver,
)
from harness.compare.failure_cells import plan_failure_cells
from harness.compare.matrix import CellResult, CellSpec, CompareOptions, DeployedBase, plan_cells
from harness.compare.progress import LogProgress, Progress
from harness.compare.run import AppSideFactory, Run, RunTarget, open_target
from harness.drivers.base import StackDriver
from harness.errors import ResultsError
from harness.profiles.source import Stack, local, prepare
from harness.profiles.tfvars import check_fits
from harness.recorder import RunContext, git_commit, new_run_id
from harness.records import RecordWriter, Tool
from harness.report import runinfo

__all__ = [
    "CellResult",
    "CellSpec",
    "CompareOptions",
    "DeployedBase",
    "DriverFactory",
    "DriverUnavailable",
    "LogProgress",
    "Progress",
    "Run",
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
    app_side: AppSideFactory = ContractAppSide,
) -> RunResult:
    """Run the matrix of ``options``; return where its records and report are.

    The stacks' code is made ready and each profile checked against it before anything else
    runs (:class:`~harness.errors.UsageError` saying what to fix)."""
    run_id = new_run_id()
    folder = options.results.resolve() / run_id  # absolute: tools run elsewhere
    created = make_run_folder(folder)
    try:
        stacks = prepare_stacks(options, folder / "work" / "source")
        factory = factory or driver_factory(options.terraform_provider, stacks)
        return _run(options, progress, factory, build_report, app_side, run_id, folder, stacks)
    except BaseException:
        _drop_if_empty(folder, created)
        raise


def prepare_stacks(options: CompareOptions, workdir: Path) -> dict[Tool, Stack]:
    """The stack of each tool of the run: its code ready (upstream code exported and edited
    under ``workdir``), its profile checked against it."""
    stacks = {}
    for tool in options.tools:
        profile = options.profile(tool)
        if tool in options.profiles:
            stack = prepare(profile, options.stack_source, options.module_sources, workdir)
        else:
            stack = local(profile)
        check_fits(profile, stack.root)
        stacks[tool] = stack
    return stacks


def make_run_folder(folder: Path) -> Path:
    """Create the run's folder (:class:`ResultsError` saying why it cannot be written); the
    outermost folder created for it."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True)
        probe = folder / ".writable"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ResultsError(
            f"cannot write the results folder {folder.parent} ({exc.strerror or exc}): "
            "choose another with --results DIR"
        ) from None
    return missing[-1] if missing else folder


def _drop_if_empty(folder: Path, created: Path) -> None:
    """A run that failed before writing any record leaves no folder behind (there is only an
    empty records file and the emulator's log, whose tail the error already shows), nor the
    folders created for it."""
    records = folder / "records.jsonl"
    if records.exists() and records.stat().st_size:
        return
    shutil.rmtree(folder, ignore_errors=True)
    for parent in folder.parents:
        if not parent.is_relative_to(created) or any(parent.iterdir()):
            break
        parent.rmdir()


def _run(
    options: CompareOptions,
    progress: Progress | None,
    factory: DriverFactory,
    build_report: bool,
    app_side: AppSideFactory,
    run_id: str,
    folder: Path,
    stacks: Mapping[Tool, Stack],
) -> RunResult:
    began, started = time.perf_counter(), datetime.now(UTC).isoformat(timespec="seconds")
    results: list[CellResult] = []
    with ExitStack() as stack:
        writer = stack.enter_context(RecordWriter(folder / "records.jsonl"))
        target = open_target(
            options.target,
            options.aws_account_id,
            folder,
            stack,
            faults=options.faults,
            endpoint=options.endpoint,
        )
        faults = options.faults.describe() if options.faults else ""
        context = RunContext(run_id, str(options.target), git_commit(), faults)
        run = Run(context, target, writer, factory, app_side, progress or LogProgress(),
                  stacks=stacks)  # fmt: skip
        with run:  # destroys the bases, also after a failure or Ctrl-C
            for text in target.notes:
                run.note(text)
            for tool, chosen in stacks.items():
                if chosen.applied:
                    run.note(f"{tool}: stack {chosen.label}, {len(chosen.applied)} edit(s) to the "
                             f"upstream code: " + "; ".join(e.why for e in chosen.applied))  # fmt: skip
                written = [f.path for k in ("base", "app") for f in chosen.profile.layer(k).files]
                if written:  # files a CDK profile writes into the app dir before each synthesis
                    run.note(f"{tool}: stack {chosen.label} writes {', '.join(written)} into its "
                             "app dir before each synthesis (the profile's layer files)")  # fmt: skip
            try:
                bases = deploy_bases(run, options.tools, run_id.rsplit("-", 1)[-1])
            except KeyboardInterrupt:
                run.note("interrupted (Ctrl-C or SIGTERM) while deploying the base layers")
                bases = []
            if not run.stop.is_set():
                suffix = run_id.rsplit("-", 1)[-1]
                cells = plan_cells(options, suffix, bases)
                extra = plan_failure_cells(options, suffix, bases, len(cells) + 1)
                run.progress.planned([*cells, *extra])
                results = run_cells(run, cells, options.workers, extra)
        summary = runinfo.RunSummary(
            run_id=run_id,
            target=str(options.target),
            wall_s=round(time.perf_counter() - began, 3),
            workers=options.workers,
            started=started,
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            interrupted=run.stop.is_set(),
            notes=tuple(run.notes),
            emulator_start_s=target.start_s,
        )
    runinfo.write(summary, folder)
    report: list[Path] = []
    if build_report:
        from harness.report import build_report as build

        report = build([folder], folder)
    return RunResult(folder, summary, tuple(results), tuple(report))
