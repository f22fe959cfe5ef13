"""The comparison run with a fake driver: parallel cells, failures, Ctrl-C, missing drivers."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from harness import compare, process, records
from harness.changes import ingress_cidr
from harness.compare import CellResult, CellSpec, CompareOptions, DeployedBase, DriverUnavailable
from harness.drivers.base import AppSettings
from harness.endpoint import Endpoint, Target
from harness.errors import CommandError
from harness.expectations import ARTICLE_STRATEGIES
from harness.outcomes import CellStatus
from harness.paths import REPO_ROOT
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.report import runinfo

from .fake_driver import World, app_side, factory


class Events:
    """A Progress that remembers what it was told."""

    def __init__(self, interrupt_after: int | None = None) -> None:
        self.planned_cells: list[CellSpec] = []
        self.started_cells: list[str] = []
        self.results: list[CellResult] = []
        self.notes: list[str] = []
        self.interrupt_after = interrupt_after

    def planned(self, cells: Sequence[CellSpec]) -> None:
        self.planned_cells = list(cells)

    def started(self, cell: CellSpec) -> None:
        self.started_cells.append(cell.env)

    def finished(self, result: CellResult) -> None:
        self.results.append(result)
        if self.interrupt_after is not None and len(self.results) == self.interrupt_after:
            raise KeyboardInterrupt  # Ctrl-C reaching the main thread while it waits

    def note(self, text: str) -> None:
        self.notes.append(text)


@pytest.fixture
def world() -> World:
    return World()


def run_fake(
    world: World,
    opts: CompareOptions,
    events: Events,
    fake: compare.DriverFactory,
    build_report: bool = True,
) -> compare.RunResult:
    """The comparison on fake drivers and the fake application side of ``world``."""
    return compare.run_comparison(opts, events, fake, build_report, app_side=app_side(world))


# The fake driver models the article's strategies (two per tool).
ARTICLE = tuple(s for strategies in ARTICLE_STRATEGIES.values() for s in strategies)


def options(tmp_path: Path, **values: object) -> CompareOptions:
    base: dict[str, object] = {
        "tools": (Tool.TERRAFORM,),
        "strategies": (Strategy.PLAIN,),
        "changes": (ChangeKind.NONE, ChangeKind.SERVICE),
        "workers": 2,
        "results": tmp_path,
        "failure_scenarios": False,  # they need the emulator's hooks (tests/test_failures.py)
    }
    return CompareOptions(**(base | values))  # type: ignore[arg-type]


def by_env(run: compare.RunResult) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in records.load([run.folder]):
        grouped.setdefault(record.env_name, []).append(record)
    return grouped


def steps(cell_records: list[Record]) -> list[tuple[str, str, str]]:
    return [(str(r.phase), r.step, str(r.status)) for r in cell_records]


def test_cells_run_in_parallel_and_write_records_and_report(tmp_path: Path, world: World) -> None:
    events = Events()
    run = run_fake(world, options(tmp_path), events, factory(world, delay_s=0.5))
    assert world.most_active == 2
    assert [r.status for r in run.cells] == [CellStatus.AS_DOCUMENTED] * 2
    grouped = by_env(run)
    envs = [c.env for c in events.planned_cells]
    assert len(set(envs)) == 2
    assert set(grouped) == {"", *envs}
    for env in envs:
        assert steps(grouped[env])[-1] == ("destroy", "app", "ok")
        sampled = {(str(r.phase), r.step): r.min_healthy_targets for r in grouped[env]}
        assert sampled[("app-update", "")] == sampled[("infra-update", "")] == 1
        assert sampled[("app", "")] is None  # the first deploy is not sampled
        app = next(r for r in grouped[env] if r.phase is Phase.APP)
        assert app.api_calls == {"logs:CreateLogGroup": 1}  # this cell's calls only
        assert app.tool_version == "fake-terraform 1.0"
    base = [(str(r.phase), r.step) for r in grouped[""]]
    assert base == [("base", ""), ("destroy", "base")]
    assert world.envs == {}
    assert sorted(world.deregistered) == sorted(envs)
    assert world.bases == set()
    summary = runinfo.load([run.folder])[0]
    assert summary.run_id == run.folder.name
    assert summary.workers == 2
    assert not summary.interrupted
    assert summary.wall_s > 0
    assert "| terraform · plain |" in (run.folder / "report.md").read_text()
    assert (run.folder / "report.html").exists()


def test_a_failing_cell_keeps_its_failed_record_and_is_destroyed(
    tmp_path: Path, world: World
) -> None:
    def fail_service_drift(method: str, name: str, settings: AppSettings | None) -> None:
        if (
            method == "drift_app"
            and settings
            and settings.web_health_check_grace_s == 60
            and "c2-" in name
        ):
            raise CommandError(["terraform", "plan"], 1, "Error: boom")

    run = run_fake(world, options(tmp_path), Events(), factory(world, fail_service_drift))
    statuses = {r.cell.env.split("-")[0]: r.status for r in run.cells}
    assert statuses == {"c1": CellStatus.AS_DOCUMENTED, "c2": CellStatus.FAILED}
    failed = next(records for env, records in by_env(run).items() if env.startswith("c2-"))
    assert steps(failed) == [
        ("app", "", "ok"),
        ("post-deploy", "", "ok"),
        ("drift", "after-deploy", "failed"),
        ("destroy", "app", "ok"),
    ]
    assert "Error: boom" in (failed[2].error or "")
    assert world.envs == {}
    assert world.bases == set()
    assert "failed in drift (after-deploy)" in (run.folder / "report.md").read_text()


def test_ctrl_c_inside_a_cell_destroys_and_keeps_records(tmp_path: Path, world: World) -> None:
    def interrupt_first_deploy(method: str, name: str, settings: AppSettings | None) -> None:
        if method == "deploy_app" and name.startswith("c1-"):
            raise KeyboardInterrupt

    opts = options(tmp_path, workers=1, changes=tuple(ChangeKind)[:3])
    run = run_fake(world, opts, Events(), factory(world, interrupt_first_deploy))
    grouped = by_env(run)
    first = next(rs for env, rs in grouped.items() if env.startswith("c1-"))
    assert steps(first) == [("app", "", "interrupted"), ("destroy", "app", "ok")]
    assert not any(env.startswith("c3-") for env in grouped)  # cancelled before it started
    assert all(steps(rs)[-1][:2] == ("destroy", "app") for env, rs in grouped.items() if env)
    assert not any(r.phase is Phase.INFRA_UPDATE for rs in grouped.values() for r in rs)
    assert steps(grouped[""])[-1] == ("destroy", "base", "ok")
    assert world.envs == {}
    assert world.bases == set()
    assert run.summary.interrupted
    assert any("interrupted" in note for note in run.summary.notes)
    assert (run.folder / "report.html").exists()


def test_ctrl_c_in_the_main_thread_cancels_pending_cells(tmp_path: Path, world: World) -> None:
    opts = options(tmp_path, workers=1, changes=tuple(ChangeKind)[:3])
    events = Events(interrupt_after=1)
    run = run_fake(world, opts, events, factory(world))
    grouped = by_env(run)
    first = next(rs for env, rs in grouped.items() if env.startswith("c1-"))
    assert steps(first)[-1] == ("destroy", "app", "ok")
    assert any(r.phase is Phase.INFRA_UPDATE for r in first)  # it had finished
    assert not any(env.startswith("c3-") for env in grouped)
    assert world.envs == {}
    assert world.bases == set()
    assert run.summary.interrupted


CDK_MISSING = "cdk: not run: the pinned CDK CLI is not installed: run npm ci --prefix cdk"


def test_a_tool_that_cannot_run_is_skipped_with_a_note(tmp_path: Path, world: World) -> None:
    fake = factory(world)

    def only_terraform(tool: Tool, workdir: Path, endpoint: Endpoint) -> compare.StackDriver:
        if tool is Tool.CDK:
            raise DriverUnavailable(CDK_MISSING)
        return fake(tool, workdir, endpoint)

    opts = options(
        tmp_path, tools=(Tool.TERRAFORM, Tool.CDK), strategies=ARTICLE, changes=(ChangeKind.NONE,)
    )
    run = run_fake(world, opts, Events(), only_terraform)
    assert {r.cell.tool for r in run.cells} == {Tool.TERRAFORM}
    assert len(run.cells) == 2  # plain and ignore-changes
    assert run.summary.notes == (CDK_MISSING,)
    assert {r.tool for r in records.load([run.folder])} == {Tool.TERRAFORM}
    assert "cdk: not run: the pinned CDK CLI" in (run.folder / "report.md").read_text()


def test_repetitions_multiply_the_cells(tmp_path: Path, world: World) -> None:
    run = run_fake(world, options(tmp_path, repeat=2), Events(), factory(world), build_report=False)
    assert sorted((r.cell.repetition, r.cell.kind) for r in run.cells) == [
        (0, ChangeKind.NONE), (0, ChangeKind.SERVICE), (1, ChangeKind.NONE), (1, ChangeKind.SERVICE),
    ]  # fmt: skip
    assert not (run.folder / "report.md").exists()


def test_make_driver_says_how_to_install_a_missing_cdk_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from harness import cdk_cli

    monkeypatch.setattr(cdk_cli, "TOOLS_DIR", tmp_path / "no-cdk")
    endpoint = Endpoint(Target.EMBEDDED, "http://localhost:1")
    with pytest.raises(
        DriverUnavailable, match=r"^cdk: not run: the pinned CDK CLI is not installed"
    ):
        compare.make_driver(Tool.CDK, tmp_path, endpoint)


def test_make_driver_builds_each_tool_s_driver(tmp_path: Path) -> None:
    from harness.drivers.terraform import TerraformDriver

    endpoint = Endpoint(Target.EMBEDDED, "http://localhost:1")
    driver = compare.make_driver(Tool.TERRAFORM, tmp_path, endpoint)
    assert isinstance(driver, TerraformDriver)
    assert (driver.endpoint, driver.workdir) == (endpoint, tmp_path)


def test_plan_covers_the_filtered_matrix_with_unique_env_names() -> None:
    bases = [
        DeployedBase(Tool.TERRAFORM, "tf-x", "repo-tf"),
        DeployedBase(Tool.CDK, "cdk-x", "repo-cdk"),
        DeployedBase(Tool.CDK, "cdk-failed", ""),
    ]
    cells = compare.plan_cells(
        CompareOptions(strategies=(Strategy.PLAIN, Strategy.PINNED)), "x", bases
    )
    assert [(c.tool, c.strategy, c.kind) for c in cells[:3]] == [  # the tools take turns
        (Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.NONE),
        (Tool.CDK, Strategy.PINNED, ChangeKind.NONE),
        (Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.UNRELATED),
    ]
    assert [c.number for c in cells] == list(range(1, len(cells) + 1))
    assert len(cells) == 2 * len(ChangeKind)
    assert len({c.env for c in cells}) == len(cells)
    assert all(c.settings().image_tag == "v1" for c in cells)
    assert cells[-1].settings().image_repository == "repo-cdk"
    assert cells[-2].settings().image_repository == "repo-tf"


def test_plan_lets_the_tool_with_more_cells_finish_alone() -> None:
    bases = [
        DeployedBase(Tool.TERRAFORM, "tf-x", "repo-tf"),
        DeployedBase(Tool.CDK, "cdk-x", "repo-cdk"),
    ]
    opts = CompareOptions(
        strategies=(Strategy.PLAIN, Strategy.IGNORE_CHANGES, Strategy.PINNED), repeat=2
    )
    cells = compare.plan_cells(opts, "x", bases)
    kinds = len(ChangeKind)
    assert len(cells) == 2 * 3 * kinds
    first_rep = [c.tool for c in cells if c.repetition == 0]
    assert first_rep[: 2 * kinds] == [Tool.TERRAFORM, Tool.CDK] * kinds
    assert first_rep[2 * kinds :] == [Tool.TERRAFORM] * kinds


def test_status_of_records_is_never_faked(tmp_path: Path, world: World) -> None:
    run = run_fake(world, options(tmp_path, changes=(ChangeKind.NONE,)), Events(), factory(world))
    assert all(r.status is Status.OK for r in records.load([run.folder]))
    assert {r.run_id for r in records.load([run.folder])} == {run.folder.name}


def test_first_line_of_an_error() -> None:
    from harness.compare.run import first_line

    assert first_line(RuntimeError("apply failed\n--- output ---\nmore")) == "apply failed"
    assert first_line(KeyError("")) == "''"
    assert first_line(RuntimeError()) == "RuntimeError"


def test_bases_of_both_tools_deploy_in_parallel(tmp_path: Path, world: World) -> None:
    opts = options(
        tmp_path, tools=(Tool.TERRAFORM, Tool.CDK), strategies=ARTICLE, changes=(ChangeKind.NONE,)
    )
    run = run_fake(world, opts, Events(), factory(world, delay_s=0.6), build_report=False)
    assert world.most_bases_active == 2
    assert len(run.cells) == 4
    base_records = [r for r in records.load([run.folder]) if r.env_name == ""]
    assert sorted((str(r.tool), str(r.phase)) for r in base_records) == [
        ("cdk", "base"), ("cdk", "destroy"), ("terraform", "base"), ("terraform", "destroy"),
    ]  # fmt: skip
    assert world.bases == set()


def test_a_base_layer_change_runs_on_a_base_of_its_own(tmp_path: Path, world: World) -> None:
    steps: list[tuple[str, str]] = []

    def remember(method: str, name: str, settings: AppSettings | None) -> None:
        if method != "drift_app":
            steps.append((method, name))

    opts = options(tmp_path, changes=(ChangeKind.NONE, ChangeKind.SECURITY_GROUP_RULE))
    run = run_fake(world, opts, Events(), factory(world, remember), build_report=False)
    sg = next(r for r in run.cells if r.cell.kind is ChangeKind.SECURITY_GROUP_RULE)
    none = next(r for r in run.cells if r.cell.kind is ChangeKind.NONE)
    env, own = sg.cell.env, f"{sg.cell.env}-b"
    assert sg.status is not CellStatus.FAILED, sg.detail
    # deployed before the cell, again with the rule in the infra update (then the app layer, as
    # a pipeline would), destroyed after the cell's app layer
    assert [s for s in steps if s[1] in (env, own)] == [
        ("deploy_base", own), ("deploy_app", env), ("deploy_base", own), ("deploy_app", env),
        ("destroy_app", env), ("destroy_base", own),
    ]  # fmt: skip
    assert world.base_rules[own] == ingress_cidr(env)
    assert world.base_rules[sg.cell.base] == ""  # the shared base never had the rule
    assert ("deploy_base", own) not in [s for s in steps if s[1] == none.cell.env]
    assert world.bases == set()


def test_a_failed_base_skips_its_tool_and_is_destroyed(tmp_path: Path, world: World) -> None:
    def cdk_base_fails(method: str, name: str, settings: AppSettings | None) -> None:
        if method == "deploy_base" and name.startswith("cdk-"):
            raise CommandError(["cdk", "deploy"], 1, "DeploymentError: Resource updates failed")

    opts = options(
        tmp_path, tools=(Tool.TERRAFORM, Tool.CDK), strategies=ARTICLE, changes=(ChangeKind.NONE,)
    )
    run = run_fake(world, opts, Events(), factory(world, cdk_base_fails))
    assert {r.cell.tool for r in run.cells} == {Tool.TERRAFORM}
    assert run.summary.notes == (
        "cdk: not run: base layer failed (command exited with 1: cdk deploy)",
    )
    cdk = [
        (str(r.phase), r.step, str(r.status))
        for r in records.load([run.folder])
        if r.tool is Tool.CDK
    ]
    assert cdk == [("base", "", "failed"), ("destroy", "base", "ok")]
    assert "Phases that did not finish" in (run.folder / "report.md").read_text()


def test_ctrl_c_during_the_base_deploys_destroys_them(tmp_path: Path, world: World) -> None:
    def interrupt_cdk_base(method: str, name: str, settings: AppSettings | None) -> None:
        if method == "deploy_base" and name.startswith("cdk-"):
            raise KeyboardInterrupt

    opts = options(
        tmp_path, tools=(Tool.TERRAFORM, Tool.CDK), strategies=ARTICLE, changes=(ChangeKind.NONE,)
    )
    run = run_fake(world, opts, Events(), factory(world, interrupt_cdk_base, delay_s=0.2))
    assert run.cells == ()
    assert run.summary.interrupted
    assert run.summary.notes == ("interrupted (Ctrl-C or SIGTERM) while deploying the base layers",)
    phases = {(str(r.tool), str(r.phase)): str(r.status) for r in records.load([run.folder])}
    assert phases[("cdk", "base")] == "interrupted"
    # terraform's base either finished or, not started yet when Ctrl-C came, was refused
    assert phases[("terraform", "base")] in {"ok", "interrupted"}
    assert phases[("cdk", "destroy")] == phases[("terraform", "destroy")] == "ok"
    assert world.bases == set()


def test_records_name_the_harness_commit_and_whether_it_was_dirty() -> None:
    import re

    from harness.recorder import git_commit

    head = process.run(["git", "rev-parse", "--short=7", "HEAD"], cwd=REPO_ROOT).stdout.strip()
    assert re.fullmatch(rf"(.+-g)?{head}(-dirty)?", git_commit())


def test_a_real_sigint_stops_the_run_cleanly(tmp_path: Path, world: World) -> None:
    """SIGINT as a terminal sends it: delivered to the main thread while cells run."""
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach only the main thread")
    sent = threading.Event()

    def sigint_during_first_deploy(method: str, name: str, settings: AppSettings | None) -> None:
        if method == "deploy_app" and name.startswith("c1-") and not sent.is_set():
            sent.set()
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)  # still deploying while the main thread handles Ctrl-C

    opts = options(tmp_path, workers=1, changes=tuple(ChangeKind)[:3])
    run = run_fake(world, opts, Events(), factory(world, sigint_during_first_deploy))
    assert sent.is_set()
    assert run.summary.interrupted
    grouped = by_env(run)
    first = next(rs for env, rs in grouped.items() if env.startswith("c1-"))
    assert steps(first)[0] == ("app", "", "ok")  # the deploy under way finished...
    assert steps(first)[-1] == ("destroy", "app", "ok")  # ...and was destroyed
    assert any(s[2] == "interrupted" for s in steps(first))  # the next step was refused
    assert set(grouped) == {"", first[0].env_name}  # the other cells never started
    assert world.envs == {}
    assert world.bases == set()


def test_localstack_target_notes_what_it_does_not_serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from contextlib import ExitStack

    from harness import external_targets as targets
    from harness.compare.run import open_target

    endpoint = Endpoint(Target.LOCALSTACK, "http://localhost:4566")
    served = {s: "available" for s in targets.REQUIRED_SERVICES if s not in {"ecs", "rds"}}
    monkeypatch.setattr(targets, "probe_localstack", lambda: targets.LocalStack(endpoint, served))
    with ExitStack() as stack:
        target = open_target(Target.LOCALSTACK, None, tmp_path, stack)
    assert target.endpoint is endpoint
    assert target.calls is None  # calls are counted only by the embedded emulator
    assert target.notes == ("localstack does not serve ecs, rds: cells needing them fail",)
    assert target.for_key("cell-1") == (endpoint, None)


def test_aws_target_is_refused_without_the_account_id(tmp_path: Path) -> None:
    from contextlib import ExitStack

    from harness.compare.run import open_target
    from harness.errors import TargetError

    with ExitStack() as stack, pytest.raises(TargetError, match="--aws-account-id"):
        open_target(Target.AWS, None, tmp_path, stack)


def test_a_relative_results_folder_becomes_absolute(
    tmp_path: Path, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tools run in other directories: every path handed to them must be absolute."""
    monkeypatch.chdir(tmp_path)
    opts = options(tmp_path, results=Path("results"), changes=(ChangeKind.NONE,))
    run = run_fake(world, opts, Events(), factory(world))
    assert run.folder.is_absolute()
    assert run.folder.parent == tmp_path / "results"


def test_drivers_keep_absolute_working_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.drivers.terraform import TerraformDriver
    from harness.endpoint import Endpoint, Target

    monkeypatch.chdir(tmp_path)
    driver = TerraformDriver(Endpoint(Target.EMBEDDED, "http://localhost:1"), Path("work/tf"))
    assert driver.workdir == tmp_path / "work" / "tf"
