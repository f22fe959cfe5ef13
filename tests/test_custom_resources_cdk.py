"""CDK's custom resource frameworks deployed by the real CDK CLI on the emulator's Lambda.

The app (``tests/cdk_apps/custom_resources``) uses ``custom_resources.Provider`` (its Node.js
onEvent framework Lambda invoking our Python handler, which answers the next free priority of
an ALB listener: the job of the seed author's ``HighestPriorityRule``) and
``custom_resources.AwsCustomResource`` (a Node.js Lambda making one SDK call). Expectations
from the CDK API reference ("custom-resources module": the Provider framework submits the
user handler's PhysicalResourceId and Data to CloudFormation; AwsCustomResource's
``getResponseField`` reads the SDK call's response) and the ELB API (DescribeRules lists each
rule's Priority, the default rule as "default").

Heavy (a bootstrap, a deploy, an update and a destroy: minutes under load), so opt-in:
``HARNESS_CUSTOM_RESOURCES_CDK=1 pytest tests/test_custom_resources_cdk.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from harness import cdk_cli, process
from harness.emulator import Emulator
from harness.errors import CommandError
from harness.fidelity.lambda_runtime import runner, runtimes

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "tests" / "cdk_apps" / "custom_resources"
STACK = "CustomResources"

pytestmark = [
    pytest.mark.cdk,
    pytest.mark.slow,
    pytest.mark.embedded_only,
    pytest.mark.services(
        "cloudformation", "lambda", "iam", "s3", "ssm", "ec2", "elasticloadbalancing", "sts", "logs"
    ),
    pytest.mark.skipif(
        os.environ.get("HARNESS_CUSTOM_RESOURCES_CDK") != "1",
        reason="heavy (CDK bootstrap, deploy, update, destroy): set HARNESS_CUSTOM_RESOURCES_CDK=1",
    ),
    pytest.mark.skipif(
        not cdk_cli.installed(), reason="the pinned CDK CLI is not installed (npm ci --prefix cdk)"
    ),
]


def _cdk(emulator: Emulator, app: Path, key: str, *args: str) -> process.Completed:
    env = process.child_env(
        {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": "test", "PYTHONPATH": str(ROOT)}
    )
    env.pop("AWS_ENDPOINT_URL", None)
    argv = [sys.executable, "-m", "harness", "cdk", "--endpoint", emulator.url, "--", *args]
    return process.run(argv, env=env, cwd=app, timeout=900)


def _function_logs(emulator: Emulator) -> str:
    """Every function's log (for a failure's message: what the handlers said)."""
    logs = emulator.endpoint.client("logs")
    lines = []
    for group in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]:
        name = group["logGroupName"]
        for event in logs.filter_log_events(logGroupName=name)["events"][-40:]:
            lines.append(f"{name}: {event['message'][:600]}")
    return "\n".join(lines)


def _outputs(cf: Any) -> dict[str, str]:
    stack = cf.describe_stacks(StackName=STACK)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_provider_framework_and_aws_custom_resource_deploy_update_destroy(
    emulator: Emulator, tmp_path: Path
) -> None:
    if not runtimes.resolve("nodejs24.x") or not (runner.NODE_SDK / "@aws-sdk").exists():
        pytest.skip("nodejs24.x and its SDK: npm ci --prefix harness/fidelity/lambda_runtime/node")
    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    key = f"cdk-cr-{uuid.uuid4().hex[:6]}"
    cf = emulator.endpoint.client("cloudformation")

    _cdk(emulator, app, key, "bootstrap")
    try:
        _cdk(emulator, app, key, "deploy", "--require-approval", "never")
    except CommandError as exc:
        raise AssertionError(f"{exc}\n--- function logs ---\n{_function_logs(emulator)}") from exc
    assert cf.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert _outputs(cf) == {"NextPriorityValue": "6", "ReadValue": "set-by-the-stack"}

    _cdk(emulator, app, key, "deploy", "--require-approval", "never", "-c", "extra_rule=9")
    assert cf.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    listener = next(
        r["PhysicalResourceId"]
        for r in cf.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        if r["ResourceType"] == "AWS::ElasticLoadBalancingV2::Listener"
    )
    rules = emulator.endpoint.client("elbv2").describe_rules(ListenerArn=listener)["Rules"]
    assert sorted(r["Priority"] for r in rules) == ["5", "9", "default"]
    assert _outputs(cf)["NextPriorityValue"] == "10", _function_logs(emulator)

    logs = emulator.endpoint.client("logs")
    groups = [
        g["logGroupName"]
        for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    ]
    assert any("NextPriorityProviderframeworkonEvent" in g for g in groups)  # the framework ran

    stack_id = cf.describe_stacks(StackName=STACK)["Stacks"][0]["StackId"]
    _cdk(emulator, app, key, "destroy", "--force")
    final = cf.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
    assert final == "DELETE_COMPLETE"
    print(json.dumps({"stack": STACK, "status": final}))
