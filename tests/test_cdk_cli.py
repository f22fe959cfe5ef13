"""The pinned CDK CLI (``harness/cdk_cli.py``) and ``python -m harness cdk``.

Unit tests need nothing installed. The lifecycle test drives the real CLI (``npm ci --prefix
cdk``) through ``python -m harness cdk`` against the embedded emulator, with a stock
``aws_ecs_patterns`` app nobody here tuned for it (tests/cdk_apps/fargate_service): bootstrap,
deploy, an unrelated update that must keep every physical id, and destroy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from harness import cdk_cli, process
from harness.__main__ import build_parser
from harness.cli import cdk as cdk_command
from harness.emulator import Emulator
from harness.endpoint import Endpoint, Target
from harness.errors import CommandNotFound
from harness.paths import REPO_ROOT

ROOT = REPO_ROOT
APP = ROOT / "tests" / "cdk_apps" / "fargate_service"
STACK = "StockFargateService"

needs_cli = pytest.mark.skipif(
    not cdk_cli.installed(), reason="the pinned CDK CLI is not installed (npm ci --prefix cdk)"
)


# unit ------------------------------------------------------------------------------------------
def test_locate_says_how_to_install_when_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandNotFound, match="npm ci --prefix"):
        cdk_cli.locate(tmp_path)
    assert not cdk_cli.installed(tmp_path)


def test_env_points_cdk_at_the_endpoint_with_the_pinned_node_first() -> None:
    cli = cdk_cli.CdkCli(Path("/opt/node/bin/node"), Path("/opt/cdk/bin/cdk"), "2.0.0")
    endpoint = Endpoint(Target.EMBEDDED, "http://localhost:4599", region="eu-west-1")
    env = cli.env(endpoint, {"EXTRA": "1"})
    assert env["AWS_ENDPOINT_URL"] == "http://localhost:4599"
    assert env["AWS_REGION"] == env["CDK_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_ACCESS_KEY_ID"] == "test"
    assert env["PATH"].split(":")[:2] == ["/opt/node/bin", str(Path(sys.executable).parent)]
    assert env["CDK_S3_FORCE_PATH_STYLE"] == "1"
    assert env["EXTRA"] == "1"
    assert cli.argv(["deploy", "--all"]) == [
        "/opt/node/bin/node",
        "/opt/cdk/bin/cdk",
        "deploy",
        "--all",
    ]


def test_each_emulated_endpoint_has_its_own_cli_home_and_aws_keeps_the_users() -> None:
    # The CLI caches the account per access key: LocalStack's 000000000000 for "test" must not
    # be what it believes at the emulator (123456789012), where bootstrapping would then fail.
    cli = cdk_cli.CdkCli(Path("/opt/node/bin/node"), Path("/opt/cdk/bin/cdk"), "2.0.0")
    one = cli.env(Endpoint(Target.EMBEDDED, "http://localhost:4599"))["CDK_HOME"]
    other = cli.env(Endpoint(Target.LOCALSTACK, "http://localhost:4566"))["CDK_HOME"]
    assert one != other
    assert cli.env(Endpoint(Target.EMBEDDED, "http://localhost:4599"))["CDK_HOME"] == one
    real = cli.env(Endpoint(Target.AWS, None, credentials={"AWS_ACCESS_KEY_ID": "AKIA1"}))
    assert real.get("CDK_HOME") == os.environ.get("CDK_HOME")


def test_cli_passes_everything_after_the_double_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    parser, _ = build_parser()
    args = parser.parse_args(["cdk", "--endpoint", "http://localhost:1", "--", "deploy", "--all"])
    assert args.endpoint == "http://localhost:1"
    assert args.cdk_args == ["--", "deploy", "--all"]
    no_endpoint = parser.parse_args(["cdk", "--", "ls"])
    assert cdk_command.run(no_endpoint) == 2


def test_cli_keeps_the_callers_access_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "cell-7")
    endpoint = cdk_command.endpoint_from("http://localhost:1", "us-east-1")
    assert endpoint.credentials["AWS_ACCESS_KEY_ID"] == "cell-7"


@needs_cli
def test_locate_finds_the_pinned_versions() -> None:
    pins = json.loads((ROOT / "cdk" / "package.json").read_text())["devDependencies"]
    cli = cdk_cli.locate()
    assert cli.version == pins["aws-cdk"]
    node = process.run([str(cli.node), "--version"]).stdout.strip()
    assert node == f"v{pins['node']}"


# the real CLI against the emulator -----------------------------------------------------------
class HarnessCdk:
    """``python -m harness cdk -- ...`` in a copy of the stock app; timings per command."""

    def __init__(self, emulator: Emulator, app: Path) -> None:
        self.emulator, self.app = emulator, app
        self.key = f"cdk-test-{uuid.uuid4().hex[:6]}"
        self.timings: dict[str, dict[str, float]] = {}

    def __call__(self, label: str, *args: str) -> process.Completed:
        env = process.child_env(
            {
                "AWS_ACCESS_KEY_ID": self.key,
                "AWS_SECRET_ACCESS_KEY": "test",
                "PYTHONPATH": str(ROOT),
            }
        )
        env.pop("AWS_ENDPOINT_URL", None)
        before = self.emulator.control("cloudformation/timing")["total_seconds"]
        began = time.perf_counter()
        argv = [
            sys.executable,
            "-m",
            "harness",
            "cdk",
            "--endpoint",
            self.emulator.url,
            "--",
            *args,
        ]
        done = process.run(argv, env=env, cwd=self.app, timeout=600)
        after = self.emulator.control("cloudformation/timing")["total_seconds"]
        synth = re.search(r"Synthesis time: ([\d.]+)s", done.stdout + done.stderr)
        self.timings[label] = {
            "total_s": round(time.perf_counter() - began, 2),
            "synth_s": float(synth.group(1)) if synth else 0.0,
            "cloudformation_s": round(after - before, 2),
        }
        return done


def physical_ids(cf: Any) -> dict[str, str]:
    summaries = cf.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}


@pytest.mark.cdk
@pytest.mark.slow
@needs_cli
def test_stock_fargate_app_deploys_updates_and_destroys(
    emulator: Emulator, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The issue's done criterion: a stock aws_ecs_patterns ApplicationLoadBalancedFargateService
    app bootstraps, deploys through ``python -m harness cdk``, survives an unrelated update
    (a tag on another resource) with every physical id unchanged and no call to the ECS
    service (aws/copilot-cli#1619), shows no drift (``cdk drift``), and is destroyed cleanly."""
    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    cdk = HarnessCdk(emulator, app)
    cf, ecs = emulator.endpoint.client("cloudformation"), emulator.endpoint.client("ecs")

    cdk("bootstrap", "bootstrap")
    version = emulator.endpoint.client("ssm").get_parameter(Name="/cdk-bootstrap/hnb659fds/version")
    assert int(version["Parameter"]["Value"]) >= 6

    cdk(
        "deploy",
        "deploy",
        "--require-approval",
        "never",
        "--outputs-file",
        str(tmp_path / "out.json"),
    )
    assert cf.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    ids = physical_ids(cf)
    service = ecs.describe_services(
        cluster=ids["EcsDefaultClusterMnL3mNNYN926A5246"], services=[ids["Service9571FDD8"]]
    )["services"][0]
    assert service["launchType"] == "FARGATE"
    assert service["loadBalancers"][0]["containerPort"] == 80
    assert len(service["networkConfiguration"]["awsvpcConfiguration"]["subnets"]) == 2
    outputs = json.loads((tmp_path / "out.json").read_text())[STACK]
    assert outputs["ServiceName"] == service["serviceName"]

    before = emulator.calls_by_cloudformation()
    cdk("update", "deploy", "--require-approval", "never", "-c", "extra_tag=unrelated")
    assert cf.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    assert physical_ids(cf) == ids
    after = emulator.calls_by_cloudformation()
    assert before.get("ecs:CreateService", 0) >= 1  # counted at all (the deploy created it)
    assert after.get("ecs:UpdateService", 0) == before.get("ecs:UpdateService", 0)
    tags = emulator.endpoint.client("s3").get_bucket_tagging(Bucket=ids["Notes5BB3582F"])["TagSet"]
    assert {"Key": "extra", "Value": "unrelated"} in tags

    drift = cdk("drift", "drift")  # CloudFormation drift detection, through the real CLI
    assert "Number of resources with drift: 0" in drift.stdout + drift.stderr

    stack_id = cf.describe_stacks(StackName=STACK)["Stacks"][0]["StackId"]
    cdk("destroy", "destroy", "--force")
    assert cf.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    vpcs = emulator.endpoint.client("ec2").describe_vpcs(VpcIds=[])["Vpcs"]
    assert ids["EcsDefaultClusterMnL3mNNYNVpc7788A521"] not in {v["VpcId"] for v in vpcs}
    for label, timing in cdk.timings.items():
        request.node.user_properties.append((f"cdk_{label}", json.dumps(timing)))
