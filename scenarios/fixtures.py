"""Fixtures of the lifecycle scenarios (a pytest plugin, loaded by the root ``conftest.py``).

The scenarios build their bases and cells through the same :class:`~harness.compare.run.Run`
as ``nox -s compare``, so their records are the comparison's records: one run id and one
``records.jsonl`` for the whole session, under ``results/scenarios/<run-id>/`` (or
``$HARNESS_RESULTS_DIR``). Each tool's base is deployed at its first use and destroyed when
the module ends (or by ``test_destroy_leaves_nothing_behind``, which checks it).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import compare as compare_cli
from harness.compare import prepare_stacks
from harness.compare.drivers import DriverUnavailable, driver_factory
from harness.compare.matrix import CellSpec, CompareOptions
from harness.compare.run import BaseLayer, Cell, Run, RunTarget, embedded_target
from harness.emulator import Emulator
from harness.endpoint import Endpoint, Target
from harness.errors import ProviderUnavailable, UsageError
from harness.external_targets import REQUIRED_SERVICES
from harness.paths import REPO_ROOT
from harness.profiles import BUILTIN
from harness.recorder import RunContext, git_commit, new_run_id
from harness.records import ChangeKind, RecordWriter, Strategy, Tool
from harness.terraform.providers import ProviderChoice, select

log = logging.getLogger(__name__)

BASE_NAMES = {Tool.TERRAFORM: "tfbase", Tool.CDK: "cdkbase"}
TOOL_SHORT = {Tool.TERRAFORM: "tf", Tool.CDK: "cdk"}
STRATEGY_SHORT = {
    Strategy.PLAIN: "plain",
    Strategy.IGNORE_CHANGES: "ign",
    Strategy.UNPINNED: "unp",
    Strategy.PINNED: "pin",
    Strategy.LATEST_REVISION: "lat",
    Strategy.TRACK_LATEST: "trk",
    Strategy.SSM_TAG: "ssm",
    Strategy.HOTSWAP: "hot",
}
CHANGE_SHORT = {
    ChangeKind.NONE: "none",
    ChangeKind.UNRELATED: "unrel",
    ChangeKind.SERVICE: "svc",
    ChangeKind.TASK_DEFINITION: "td",
    ChangeKind.DESIRED_COUNT: "cnt",
    ChangeKind.SECURITY_GROUP_RULE: "sg",
    ChangeKind.SERVICE_REPLACEMENT: "repl",
    ChangeKind.TASK_SIZE: "size",
}
"""Short names for environment names (they become parts of AWS resource names)."""


@pytest.fixture(scope="session")
def run_context(target: Target) -> RunContext:
    """One run id for every scenario of the session, so their records make one report."""
    return RunContext(new_run_id(), str(target), git_commit())


@pytest.fixture(scope="session")
def results_root(run_context: RunContext) -> Path:
    """``results/scenarios/<run-id>/`` (or under ``$HARNESS_RESULTS_DIR``)."""
    root = Path(os.environ.get("HARNESS_RESULTS_DIR", REPO_ROOT / "results" / "scenarios"))
    return root / run_context.run_id


@pytest.fixture(scope="session")
def stack_options(request: pytest.FixtureRequest) -> CompareOptions:
    """``--stack FILE`` (``--stack-source``, ``--module-source``): the stacks the scenarios
    drive, as ``python -m harness compare`` reads them (a bad profile: a usage error)."""
    config = request.config
    argv = [arg for path in config.getoption("--stack") for arg in ("--stack", path)]
    if config.getoption("--stack-source"):
        argv += ["--stack-source", config.getoption("--stack-source")]
    argv += [a for m in config.getoption("--module-source") for a in ("--module-source", m)]
    parser = argparse.ArgumentParser()
    compare_cli.add_arguments(parser)
    args = parser.parse_args(argv)
    args.tools = ",".join(t.value for t in Tool)  # the scenarios choose their tools
    try:
        return compare_cli.options_from(args)
    except UsageError as exc:
        pytest.exit(f"--stack: {exc}", returncode=4)


class ScenarioBases:
    """Each tool's base layer, deployed at first use; the run destroys them at its close."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.deployed: dict[Tool, BaseLayer] = {}

    def ensure(self, tool: Tool) -> BaseLayer:
        if tool not in self.deployed:
            try:
                base = self.run.base(tool, BASE_NAMES[tool])
            except DriverUnavailable as exc:
                pytest.skip(str(exc))
            self.deployed[tool] = base
            self.run.deploy_base(base)
        return self.deployed[tool]

    def ours_only(self, tool: Tool) -> None:
        """Skip a check of our own stacks' naming contract (``harness/contract.py``) when
        ``tool`` drives another stack."""
        stack = self.run.stack(tool)
        if stack.profile.path != BUILTIN[tool]:
            pytest.skip(f"checks our {tool} stack's names; --stack runs {stack.label}")

    def cell(self, tool: Tool, strategy: Strategy, kind: ChangeKind, env: str = "") -> CellSpec:
        """The spec of one scenario cell on ``tool``'s base (deployed if need be); skipped
        when the stack has not the strategy or change kind."""
        profile = self.run.stack(tool).profile
        if strategy not in profile.strategies:
            pytest.skip(f"stack {profile.name} has no strategy {strategy} ({profile.path})")
        if kind not in profile.changes:
            pytest.skip(f"stack {profile.name} has no change kind {kind} ({profile.path})")
        base = self.ensure(tool)
        env = env or f"{TOOL_SHORT[tool]}-{STRATEGY_SHORT[strategy]}-{CHANGE_SHORT[kind]}"
        return CellSpec(0, tool, strategy, kind, 0, env, base.name, base.image_repository)

    def open(self, spec: CellSpec) -> Cell:
        return self.run.cell(spec)


@pytest.fixture(scope="module")
def scenario_bases(
    target: Target,
    terraform_provider: ProviderChoice,
    _embedded: Emulator | None,
    _external_endpoint: tuple[Endpoint, list[str]] | None,
    run_context: RunContext,
    results_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
    stack_options: CompareOptions,
) -> Iterator[ScenarioBases]:
    """The module's run and the bases of its tools; every base is destroyed at the end.

    Terraform runs with the ``hashicorp/aws`` that ``--terraform-provider`` selects (the
    stand-in by default); a real one asked for but absent skips, saying so.
    """
    try:
        select(terraform_provider)
    except ProviderUnavailable as exc:
        pytest.skip(f"--terraform-provider {terraform_provider}: {exc}")
    folder = tmp_path_factory.mktemp("scenarios")
    try:
        stacks = prepare_stacks(stack_options, folder / "source")
    except UsageError as exc:
        pytest.exit(f"--stack: {exc}", returncode=4)
    if _embedded is not None:
        run_target = embedded_target(_embedded, folder)
    else:
        assert _external_endpoint is not None
        endpoint, missing = _external_endpoint
        lacking = sorted(set(REQUIRED_SERVICES) & set(missing))
        if lacking:
            pytest.skip(f"{target} does not serve {', '.join(lacking)}")
        run_target = RunTarget(endpoint, folder)
    with RecordWriter(results_root / "records.jsonl") as writer:
        factory = driver_factory(terraform_provider, stacks)
        run = Run(run_context, run_target, writer, factory, stacks=stacks)
        try:
            yield ScenarioBases(run)
        finally:
            # test_destroy_leaves_nothing_behind destroys and asserts; this only cleans up after
            # a run that deselected it, and notes (never raises) what it could not destroy.
            run.close()
            for text in run.notes:
                log.error("%s", text)
