"""``--stack FILE`` and upstream code: which stacks a comparison drives, and one clear error
for each way a profile can misfit (no tool runs; the contract check uses the emulator)."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import profiles
from harness.cli import compare as compare_cli
from harness.contract import SERVICES
from harness.drivers.base import AppSettings
from harness.endpoint import Endpoint
from harness.errors import UsageError
from harness.paths import REPO_ROOT
from harness.profiles.fit import ContractMisfit, check_services
from harness.profiles.source import prepare
from harness.records import ChangeKind, Strategy, Tool

TF = profiles.BUILTIN[Tool.TERRAFORM]
CDK = profiles.BUILTIN[Tool.CDK]


def options(*argv: str) -> compare_cli.CompareOptions:
    parser = argparse.ArgumentParser()
    compare_cli.add_arguments(parser)
    return compare_cli.options_from(parser.parse_args(list(argv)))


def one_strategy(tmp_path: Path) -> Path:
    """Our Terraform profile with one strategy and without the desired-count change."""
    text = TF.read_text()
    for name in ("plain", "latest-revision", "track-latest", "ssm-tag"):
        text = text.replace(f'[strategies.{name}]\ninputs = {{ strategy = "{name}" }}\n', "")
    text = text.replace('[changes.desired-count]\nsettings = ["web_desired_count"]\n', "")
    path = tmp_path / "one.toml"
    path.write_text(text.replace('name = "harness-terraform"', 'name = "one"'))
    return path


def test_a_stack_alone_runs_its_tool_with_its_strategies_and_change_kinds(tmp_path: Path) -> None:
    opts = options("--stack", str(one_strategy(tmp_path)))
    assert opts.tools == (Tool.TERRAFORM,)
    assert opts.profile(Tool.TERRAFORM).name == "one"
    assert opts.profile(Tool.CDK).path == CDK  # not given: ours
    from harness.compare.matrix import DeployedBase, plan_cells

    cells = plan_cells(opts, "x", [DeployedBase(Tool.TERRAFORM, "b", "repo")])
    assert {c.strategy for c in cells} == {Strategy.IGNORE_CHANGES}
    assert {c.kind for c in cells} == set(ChangeKind) - {ChangeKind.DESIRED_COUNT}


def test_a_strategy_or_change_kind_the_stack_has_not_is_a_usage_error(tmp_path: Path) -> None:
    one = str(one_strategy(tmp_path))
    with pytest.raises(UsageError, match="has no strategy plain; it has ignore-changes"):
        options("--stack", one, "--strategies", "plain")
    with pytest.raises(UsageError, match="has no change kind desired-count"):
        options("--stack", one, "--changes", "none,desired-count")
    with pytest.raises(UsageError, match="is a terraform stack, and --tools is cdk"):
        options("--stack", one, "--tools", "cdk")
    with pytest.raises(UsageError, match="give one per tool"):
        options("--stack", one, "--stack", str(TF))
    with pytest.raises(UsageError, match="not NAME=DIR"):
        options("--stack", one, "--module-source", "vpc")


def test_the_command_line_exits_2_naming_what_to_fix(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness", "compare", "--stack", str(one_strategy(tmp_path)),
         "--strategies", "plain", "--results", str(tmp_path / "r")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "has no strategy plain" in done.stderr
    assert not (tmp_path / "r").exists()


def _git_repo(path: Path, files: dict[str, str]) -> str:
    path.mkdir()
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"}  # fmt: skip
    for argv in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(path), *argv], check=True, env=env)
    out = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def upstream_profile(tmp_path: Path, commit: str, module_commit: str, find: str) -> Path:
    path = tmp_path / "up.toml"
    path.write_text(
        TF.read_text()
        .replace('name = "harness-terraform"', 'name = "up"')
        .replace('tree = "terraform"', 'tree = "."')
        .replace("terraform/envs/", "envs/")
        + f'\n[source]\nrepository = "someone/stack"\ncommit = "{commit}"\n'
        f'[source.modules."acme/vpc/aws"]\nrepository = "acme/vpc"\ncommit = "{module_commit}"\n'
        f'[[edits]]\nfile = "envs/app/main.tf"\nfind = "{find}"\nreplace = "b = 2"\nwhy = "w"\n'
    )
    return path


def test_upstream_code_is_exported_pointed_at_its_modules_and_edited(tmp_path: Path) -> None:
    commit = _git_repo(tmp_path / "stack", {
        "envs/base/main.tf": 'module "vpc" {\n  source = "acme/vpc/aws"\n}\n',
        "envs/app/main.tf": "a = 1\n",
    })  # fmt: skip
    module_commit = _git_repo(tmp_path / "vpc", {"main.tf": "# vpc\n"})
    profile = profiles.load(upstream_profile(tmp_path, commit, module_commit, "a = 1"))
    assert profile.label == f"up (someone/stack@{commit})"
    work = tmp_path / "work"
    stack = prepare(profile, tmp_path / "stack", {"acme/vpc/aws": tmp_path / "vpc"}, work)
    assert (stack.root / "envs/app/main.tf").read_text() == "b = 2\n"
    base = (stack.root / "envs/base/main.tf").read_text()
    assert 'source = "../../.harness-modules/0"' in base
    assert (stack.root / "envs/base/../../.harness-modules/0/main.tf").resolve().is_file()
    assert [e.file for e in stack.applied] == ["envs/base/main.tf", "envs/app/main.tf"]
    assert (tmp_path / "stack/envs/app/main.tf").read_text() == "a = 1\n", "checkout untouched"


def test_each_missing_or_stale_upstream_piece_is_one_usage_error(tmp_path: Path) -> None:
    commit = _git_repo(tmp_path / "stack", {"envs/app/main.tf": "a = 1\na = 1\n",
                                            "envs/base/x.tf": 'source = "acme/vpc/aws"'})  # fmt: skip
    module_commit = _git_repo(tmp_path / "vpc", {"main.tf": ""})
    profile = profiles.load(upstream_profile(tmp_path, commit, module_commit, "a = 1"))
    vpc = {"acme/vpc/aws": tmp_path / "vpc"}
    with pytest.raises(
        UsageError,
        match=re.escape("git clone https://github.com/someone/stack and pass --stack-source"),
    ):
        prepare(profile, None, vpc, tmp_path / "w1")
    with pytest.raises(UsageError, match="--module-source acme/vpc/aws=DIR"):
        prepare(profile, tmp_path / "stack", {}, tmp_path / "w2")
    with pytest.raises(UsageError, match="occurs 2 times, not once"):
        prepare(profile, tmp_path / "stack", vpc, tmp_path / "w3")
    stale = profiles.load(upstream_profile(tmp_path, "0000000", module_commit, "a = 1"))
    with pytest.raises(UsageError, match="has no commit 0000000"):
        prepare(stale, tmp_path / "stack", vpc, tmp_path / "w4")


@pytest.mark.services("ecs")
def test_a_service_the_contract_names_but_the_stack_lacks_is_named(aws_endpoint: Endpoint) -> None:
    profile = profiles.builtin(Tool.TERRAFORM)
    settings = AppSettings("misfit", "dev", Strategy.PLAIN, "repo", "v1")
    ecs = aws_endpoint.client("ecs")
    with pytest.raises(
        ContractMisfit, match=re.escape("no ECS cluster misfit-cluster: fix contract.cluster")
    ):
        check_services(aws_endpoint, profile, settings)
    ecs.create_cluster(clusterName="misfit-cluster")
    try:
        family = ecs.register_task_definition(
            family="misfit-x", containerDefinitions=[{"name": "x", "image": "i", "memory": 64}]
        )["taskDefinition"]["taskDefinitionArn"]
        for name in ("misfit-gunicorn", *(f"misfit-{c}" for c in SERVICES if c != "web")):
            ecs.create_service(cluster="misfit-cluster", serviceName=name, taskDefinition=family)
        with pytest.raises(ContractMisfit) as info:
            check_services(aws_endpoint, profile, settings)
        assert "service misfit-web is not in misfit-cluster (it has misfit-beat, misfit-gunicorn, " \
               "misfit-worker): fix contract.components.web.service" in str(info.value)  # fmt: skip
        ecs.create_service(
            cluster="misfit-cluster", serviceName="misfit-web", taskDefinition=family
        )
        check_services(aws_endpoint, profile, settings)  # fits now
    finally:
        for arn in ecs.list_services(cluster="misfit-cluster")["serviceArns"]:
            ecs.delete_service(cluster="misfit-cluster", service=arn, force=True)
        ecs.delete_cluster(cluster="misfit-cluster")
