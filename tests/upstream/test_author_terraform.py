"""The seed author's Terraform stack, offline: ad-hoc base and app through ``python -m harness tf``.

``briancaffey/terraform-aws-django`` (commit 0980129) with ``terraform-aws-modules/vpc/aws``
v5.18.1, both from local checkouts (``HARNESS_UPSTREAM_TERRAFORM_AWS_DJANGO`` and
``HARNESS_UPSTREAM_TERRAFORM_AWS_VPC``; skipped, naming them, when absent), edited as
:func:`tests.upstream.checkout.django_edits` says, run with the stand-in hashicorp/aws and
hashicorp/random against the session's endpoint. The done-criterion of #17 for Terraform: each
layer plans, applies, shows no changes on a second plan, and destroys, leaving nothing behind.

What the user brings, as on AWS: a public hosted zone for the domain (the module looks it
up), an ACM certificate for the HTTPS listener, and the two images the app layer runs
(``<account>.dkr.ecr.us-east-1.amazonaws.com/<app_name>-{backend,frontend}:latest``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from harness import process
from harness.endpoint import Endpoint
from harness.paths import REPO_ROOT
from harness.tfprovider import registry
from tests.upstream.checkout import Stack, author_terraform, users_own

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.slow,
    pytest.mark.services(
        "ec2", "elbv2", "rds", "s3", "iam", "logs", "ecs", "sts", "ecr", "elasticache",
        "route53", "ses", "acm", "secretsmanager",
    ),
]  # fmt: skip

DOMAIN = "example.com"
APP = "django"


def harness_tf(cwd: Path, endpoint: Endpoint, *args: str, ok: tuple[int, ...] = (0,),
               timeout: float = 1800) -> process.Completed:  # fmt: skip
    env = process.child_env({"PYTHONPATH": str(REPO_ROOT), "HARNESS_TF_PROVIDER": "standin"})
    env.pop("AWS_ENDPOINT_URL", None)
    argv = [sys.executable, "-m", "harness", "tf", "--endpoint", str(endpoint.url), "--",
            *args, "-no-color"]  # fmt: skip
    return process.run(argv, env=env, cwd=cwd, timeout=timeout, ok_codes=ok)


def lifecycle(path: Path, endpoint: Endpoint, variables: list[str], timings: dict[str, float],
              layer: str) -> None:  # fmt: skip
    """init, plan, apply, a second plan that must show no changes; timed."""
    for step, args, ok in (
        ("init", ["init", "-input=false"], (0,)),
        ("plan", ["plan", "-input=false", *variables, "-out=tfplan"], (0,)),
        ("apply", ["apply", "-input=false", "tfplan"], (0,)),
        ("second plan", ["plan", "-input=false", "-detailed-exitcode", *variables], (0, 2)),
    ):
        started = time.perf_counter()
        done = harness_tf(path, endpoint, *args, ok=ok)
        timings[f"{layer} {step}"] = round(time.perf_counter() - started, 1)
        if step == "second plan":
            assert done.returncode == 0, (
                f"{layer}: drift on the second plan:\n{done.stdout[-4000:]}"
            )


def test_ad_hoc_base_and_app_apply_without_drift_and_destroy(
    tmp_path: Path, aws_endpoint: Endpoint
) -> None:
    if "aws_secretsmanager_secret" not in registry.resources():
        pytest.skip(
            "needs the stand-in's aws_secretsmanager_secret(_version) (#17, added in parallel)"
        )
    stack: Stack = author_terraform(tmp_path)
    certificate = users_own(aws_endpoint, DOMAIN, APP)
    base_vars = [f"-var=certificate_arn={certificate}", f"-var=domain_name={DOMAIN}"]
    app_vars = [f"-var=app_name={APP}", "-var=email_host_user=user", "-var=email_host_password=pw"]
    timings: dict[str, float] = {}
    created: dict[str, int] = {}
    try:
        lifecycle(stack.base, aws_endpoint, base_vars, timings, "base")
        created["base"] = _count(stack.base, aws_endpoint)
        lifecycle(stack.app, aws_endpoint, app_vars, timings, "app")
        created["app"] = _count(stack.app, aws_endpoint)
        services = aws_endpoint.client("ecs").list_services(cluster="default-cluster")
        assert len(services["serviceArns"]) == 4, "web, web-ui, worker, beat"
    finally:
        for layer, path, variables in (("app", stack.app, app_vars),
                                       ("base", stack.base, base_vars)):  # fmt: skip
            if (path / "terraform.tfstate").exists():
                started = time.perf_counter()
                harness_tf(path, aws_endpoint, "destroy", "-auto-approve", "-input=false",
                           *variables)  # fmt: skip
                timings[f"{layer} destroy"] = round(time.perf_counter() - started, 1)
        print(json.dumps({"timings_s": timings, "resources": created,
                          "edits": [e.why for e in stack.edits]}))  # fmt: skip
    for path in (stack.app, stack.base):
        state = json.loads((path / "terraform.tfstate").read_text())
        assert state["resources"] == [] or all(r["mode"] == "data" for r in state["resources"]), (
            f"{path.name}: destroy left resources in the state"
        )
    assert (
        aws_endpoint.client("ec2").describe_vpcs(
            Filters=[{"Name": "tag:Name", "Values": ["default-vpc"]}]
        )["Vpcs"]
        == []
    ), "the VPC is gone"


def _count(path: Path, endpoint: Endpoint) -> int:
    shown = json.loads(harness_tf(path, endpoint, "show", "-json").stdout)

    def walk(module: dict[str, object]) -> int:
        own = [r for r in module.get("resources", []) if r.get("mode") == "managed"]  # type: ignore[union-attr]
        return len(own) + sum(walk(c) for c in module.get("child_modules", []))  # type: ignore[union-attr]

    return walk(shown["values"]["root_module"])
