"""Terraform through the whole lifecycle: each strategy x change kind, the contract, and destroy.

Outcomes are asserted against :func:`harness.expectations.expected` (Terraform's and the AWS
provider's documented behaviour), never against what the emulator happened to do. A cell the
emulator or the stand-in provider cannot reproduce yet is xfail(strict) naming the gap.
"""

# Fixtures are imported from scenarios/_terraform_fixtures.py (kept out of the conftest the
# CDK scenarios share); test parameters naming them "redefine" the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import pytest

from harness.changes import apply_change
from harness.drivers.base import AppSettings
from harness.drivers.terraform import RuntimeFactory, TerraformDriver
from harness.endpoint import Endpoint, Target
from harness.lifecycle import V1, run_cell
from harness.recorder import CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, Strategy, Tool
from scenarios._cells import (
    CHANGE_SHORT,
    assert_as_documented,
    call_counter,
    cell_endpoint,
    matrix,
)
from scenarios._contract_checks import base_leftovers, base_violations, env_violations, leftovers
from scenarios._terraform_fixtures import (  # noqa: F401  (fixtures)
    BASE_KEY,
    TerraformBase,
    tf_base,
    tf_records,
    tf_runtime,
    tf_workdir,
)

# The base and app configurations and the app-update script.
SERVICES = ("ecs", "ecr", "elbv2", "rds", "ec2", "s3", "iam", "logs", "sts")
pytestmark = [pytest.mark.terraform, pytest.mark.slow, pytest.mark.services(*SERVICES)]

STRATEGY_SHORT = {Strategy.PLAIN: "plain", Strategy.IGNORE_CHANGES: "ign"}

# (strategy, kind) -> the fidelity the emulator or the stand-in provider still lacks
NOT_FAITHFUL_YET: dict[tuple[Strategy, ChangeKind], str] = {}


@pytest.mark.parametrize(("strategy", "kind"), matrix(Tool.TERRAFORM, NOT_FAITHFUL_YET))
def test_infra_update_after_app_update(
    request: pytest.FixtureRequest,
    aws_endpoint: Endpoint,
    target: Target,
    tf_base: TerraformBase,
    tf_workdir: object,
    tf_runtime: RuntimeFactory,
    run_context: RunContext,
    tf_records: object,
    strategy: Strategy,
    kind: ChangeKind,
) -> None:
    base = tf_base.ensure(aws_endpoint, call_counter(request, target, BASE_KEY))
    env = f"tf-{STRATEGY_SHORT[strategy]}-{CHANGE_SHORT[kind]}"
    endpoint = cell_endpoint(aws_endpoint, env)
    driver = TerraformDriver(endpoint, base.driver.workdir, tf_runtime)
    identity = CellIdentity(
        Tool.TERRAFORM, driver.tool_version(), driver.engine(), strategy, kind, env
    )
    recorder = CellRecorder(run_context, identity, tf_records, call_counter(request, target, env))
    initial = AppSettings(env, base.name, strategy, base.repository, V1)

    outcome = run_cell(driver, endpoint, recorder, initial, kind)

    assert_as_documented(outcome, recorder)
    assert all(
        "Terraform" in r.tool_version and "hashicorp/aws" in r.engine for r in recorder.records
    )
    assert leftovers(endpoint, env) == []


def test_deployment_follows_the_naming_and_tagging_contract(
    request: pytest.FixtureRequest,
    aws_endpoint: Endpoint,
    target: Target,
    tf_base: TerraformBase,
    tf_runtime: RuntimeFactory,
) -> None:
    base = tf_base.ensure(aws_endpoint, call_counter(request, target, BASE_KEY))
    env = "tf-contract"
    driver = TerraformDriver(aws_endpoint, base.driver.workdir, tf_runtime)
    settings = AppSettings(env, base.name, Strategy.IGNORE_CHANGES, base.repository, V1)
    try:
        driver.deploy_app(settings)
        assert base_violations(aws_endpoint, base.name, "terraform") == []
        assert env_violations(aws_endpoint, env, base.name, "terraform", V1) == []
        assert driver.drift_app(settings).drifted is False
        assert driver.drift_app(apply_change(settings, ChangeKind.SERVICE)).items == (
            'module.app.aws_ecs_service.ignore_changes["web"]',
        )
    finally:
        driver.destroy_app(settings)
    assert leftovers(aws_endpoint, env) == []


def test_destroy_leaves_nothing_behind(aws_endpoint: Endpoint, tf_base: TerraformBase) -> None:
    """Runs last in this module: the base goes, and nothing of it or of any cell stays."""
    tf_base.ensure(aws_endpoint)
    tf_base.destroy()
    assert base_leftovers(aws_endpoint, tf_base.deployed.name if tf_base.deployed else "") == []
    ecs = aws_endpoint.client("ecs")
    clusters = ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
    active = [c["clusterName"] for c in clusters if c["status"] == "ACTIVE"]
    assert [name for name in active if name.startswith("tf-")] == []
