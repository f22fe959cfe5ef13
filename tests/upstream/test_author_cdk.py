"""The seed author's CDK stack, offline: the ecs example's base and app through ``python -m harness cdk``.

``briancaffey/cdk-django`` (commit 7decfee, TypeScript) from a local checkout
(``HARNESS_UPSTREAM_CDK_DJANGO``; skipped, naming it, when absent), synthesized with the
pinned TypeScript toolchain and deployed and destroyed with the real CDK CLI against the
session's endpoint: bootstrap, synth (ts-node, type-checked; the CLI answers the example's
lookups, hosted zone and availability zones, from the endpoint), deploy base, deploy app,
destroy app, destroy base. The done-criterion of #17 for CDK: the example deploys and
destroys. Prints the phase timings.

What the user brings, as on AWS: a public hosted zone for the domain (``HostedZone.fromLookup``),
an ACM certificate for the HTTPS listener (``CERTIFICATE_ARN``), and the two images the app
runs (``<account>.dkr.ecr.<region>.amazonaws.com/<COMPANY_NAME>-{backend,frontend}:latest``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from harness import cdk_cli, cdk_synth, process
from harness.endpoint import Endpoint
from harness.paths import REPO_ROOT
from tests.upstream.checkout import users_own
from tests.upstream.checkout_cdk import APP_COMMAND, APP_STACK, BASE_STACK, author_cdk

pytestmark = [
    pytest.mark.cdk,
    pytest.mark.slow,
    pytest.mark.services(
        "cloudformation", "ec2", "elbv2", "rds", "s3", "iam", "logs", "ecs", "sts", "ecr",
        "elasticache", "route53", "acm", "secretsmanager", "ssm",
    ),
]  # fmt: skip

DOMAIN = "example.com"
COMPANY = "abc"
BASE, APP = "dev", "alpha"
"""The example's defaults (BASE_NAME, APP_NAME): its stack names, and the config files it reads."""
SERVICES = {f"{APP}-{name}" for name in ("gunicorn", "web-ui", "default", "beat")}


def harness_cdk(cwd: Path, endpoint: Endpoint, env: dict[str, str], *args: str) -> float:
    """``python -m harness cdk -- <args>``; its seconds (fails with the CLI's own output)."""
    child = process.child_env({"PYTHONPATH": str(REPO_ROOT), **env})
    child.pop("AWS_ENDPOINT_URL", None)
    argv = [sys.executable, "-m", "harness", "cdk", "--endpoint", str(endpoint.url), "--",
            *args, "--no-notices"]  # fmt: skip
    began = time.perf_counter()
    done = process.run(argv, env=child, cwd=cwd, timeout=1800, ok_codes=range(256))
    assert done.returncode == 0, (
        f"cdk {' '.join(args[:2])}:\n{process.tail(done.stdout + done.stderr, 60)}"
    )
    return round(time.perf_counter() - began, 1)


def served(root: Path, endpoint: Endpoint, env: dict[str, str], tmp: Path) -> list[float]:
    """Two syntheses by the harness's synth server (its Node worker); their seconds. The
    lookups are in cdk.context.json by now (the CLI's synth wrote them)."""
    server = cdk_synth.SynthServer(cdk_cli.locate(), root, app=APP_COMMAND)
    assert server.typescript
    try:
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            return [round(server.synth(tmp / f"served-{i}", {}, endpoint), 1) for i in (1, 2)]
    finally:
        server.stop()


def test_ecs_example_base_and_app_deploy_and_destroy(
    tmp_path: Path, aws_endpoint: Endpoint
) -> None:
    stack = author_cdk(tmp_path)
    env = {"CERTIFICATE_ARN": users_own(aws_endpoint, DOMAIN, COMPANY), "DOMAIN_NAME": DOMAIN,
           "COMPANY_NAME": COMPANY, "BASE_NAME": BASE, "APP_NAME": APP}  # fmt: skip
    account = aws_endpoint.client("sts").get_caller_identity()["Account"]
    out = tmp_path / "cdk.out"
    run = lambda *args: harness_cdk(stack.root, aws_endpoint, env, *args)  # noqa: E731
    timings: dict[str, float] = {}
    deployed: list[str] = []
    cfn = aws_endpoint.client("cloudformation")
    try:
        timings["bootstrap"] = run("bootstrap", f"aws://{account}/{aws_endpoint.region}")
        timings["synth"] = run("synth", "--app", APP_COMMAND, "--quiet", "-o", str(out))
        timings["synth server (first, second)"] = served(stack.root, aws_endpoint, env, tmp_path)
        for logical in (BASE_STACK, APP_STACK):  # the Node worker writes what cdk synth writes
            name = f"{logical}.template.json"
            assert json.loads((tmp_path / "served-1" / name).read_text()) == json.loads(
                (out / name).read_text()
            ), name
        for phase, logical in (("deploy base", BASE_STACK), ("deploy app", APP_STACK)):
            deployed.append(logical)
            timings[phase] = run("deploy", "--app", str(out), logical, "--exclusively",
                                 "--require-approval", "never")  # fmt: skip
        resources = cfn.list_stack_resources(StackName=BASE)["StackResourceSummaries"]
        vpc = next(
            r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::EC2::VPC"
        )
        ecs = aws_endpoint.client("ecs")
        arns = ecs.list_services(cluster=f"{APP}-cluster")["serviceArns"]
        assert {arn.rsplit("/", 1)[-1] for arn in arns} == SERVICES
        assert cfn.describe_stacks(StackName=APP)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    finally:
        for phase, logical in (("destroy app", APP_STACK), ("destroy base", BASE_STACK)):
            if logical in deployed:
                timings[phase] = run("destroy", "--app", str(out), logical, "--exclusively",
                                     "--force")  # fmt: skip
        print(json.dumps({"timings_s": timings, "edits": [e.why for e in stack.edits]}))
    for name in (APP, BASE):
        with pytest.raises(cfn.exceptions.ClientError, match="does not exist"):
            cfn.describe_stacks(StackName=name)
    clusters = aws_endpoint.client("ecs").describe_clusters(clusters=[f"{APP}-cluster"])
    assert all(c["status"] == "INACTIVE" for c in clusters["clusters"]), "the cluster is gone"
    ec2 = aws_endpoint.client("ec2")
    with pytest.raises(ec2.exceptions.ClientError, match=r"InvalidVpcID\.NotFound"):
        ec2.describe_vpcs(VpcIds=[vpc])
