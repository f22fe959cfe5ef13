"""CDK through the whole lifecycle: each strategy x change kind, the contract, and destroy.

Outcomes are asserted against :func:`harness.expectations.expected` (CloudFormation's
documented behaviour), never against what the emulator happened to do. A cell the emulator
cannot reproduce yet is xfail(strict) naming the missing fidelity.
"""

# Fixtures are imported from scenarios/_cdk_fixtures.py (kept out of the conftest the
# Terraform scenarios share); test parameters naming them "redefine" the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import pytest

from harness.changes import apply_change
from harness.drivers.base import AppSettings
from harness.endpoint import Endpoint, Target
from harness.lifecycle import V1, run_cell
from harness.recorder import CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, RecordWriter, Strategy, Tool
from scenarios._cdk_fixtures import (  # noqa: F401  (fixtures)
    BASE_KEY,
    CdkBase,
    cdk_base,
    cdk_cli_installed,
    cdk_records,
    cdk_workdir,
)
from scenarios._cells import (
    CHANGE_SHORT,
    assert_as_documented,
    call_counter,
    cell_endpoint,
    matrix,
)
from scenarios._contract_checks import base_leftovers, base_violations, env_violations, leftovers

# The stacks (base, app, the bootstrap stack), the app-update script and the db password in SSM.
SERVICES = (
    "cloudformation",
    "ecs",
    "ecr",
    "elbv2",
    "rds",
    "ec2",
    "s3",
    "iam",
    "logs",
    "ssm",
    "sts",
)
pytestmark = [pytest.mark.cdk, pytest.mark.slow, pytest.mark.services(*SERVICES)]

STRATEGY_SHORT = {Strategy.UNPINNED: "unp", Strategy.PINNED: "pin"}

# (strategy, kind) -> the fidelity the emulator still lacks for that cell
NOT_FAITHFUL_YET: dict[tuple[Strategy, ChangeKind], str] = {}


@pytest.mark.parametrize(("strategy", "kind"), matrix(Tool.CDK, NOT_FAITHFUL_YET))
def test_infra_update_after_app_update(
    request: pytest.FixtureRequest,
    aws_endpoint: Endpoint,
    target: Target,
    cdk_base: CdkBase,
    run_context: RunContext,
    cdk_records: RecordWriter,
    strategy: Strategy,
    kind: ChangeKind,
) -> None:
    base = cdk_base.ensure(aws_endpoint, call_counter(request, target, BASE_KEY))
    env = f"cdk-{STRATEGY_SHORT[strategy]}-{CHANGE_SHORT[kind]}"
    endpoint = cell_endpoint(aws_endpoint, env)
    driver = cdk_base.driver(endpoint)
    identity = CellIdentity(Tool.CDK, driver.tool_version(), driver.engine(), strategy, kind, env)
    recorder = CellRecorder(run_context, identity, cdk_records, call_counter(request, target, env))
    initial = AppSettings(env, base.name, strategy, base.repository, V1)

    outcome = run_cell(driver, endpoint, recorder, initial, kind)

    assert_as_documented(outcome, recorder)
    assert leftovers(endpoint, env) == []
    deploys = [r for r in recorder.records if r.step == "" and r.phase in ("app", "infra-update")]
    assert all("deploy" in r.timings for r in deploys), "deploy timed apart from synth"


def test_deployment_follows_the_naming_and_tagging_contract(
    request: pytest.FixtureRequest,
    aws_endpoint: Endpoint,
    target: Target,
    cdk_base: CdkBase,
) -> None:
    base = cdk_base.ensure(aws_endpoint, call_counter(request, target, BASE_KEY))
    env = "cdk-contract"
    driver = cdk_base.driver(aws_endpoint)
    settings = AppSettings(env, base.name, Strategy.UNPINNED, base.repository, V1)
    try:
        driver.deploy_app(settings)
        found = base_violations(aws_endpoint, base.name, "cdk")
        found += env_violations(aws_endpoint, env, base.name, "cdk", V1)
        assert driver.drift_app(settings).drifted is False
        service_change = driver.drift_app(apply_change(settings, ChangeKind.SERVICE))
        assert service_change.drifted is True
        assert len(service_change.items) == 1
        assert service_change.items[0].startswith("WebService")
    finally:
        driver.destroy_app(settings)
    assert leftovers(aws_endpoint, env) == []
    assert found == []  # last, so that every check above has run


def test_destroy_leaves_nothing_behind(aws_endpoint: Endpoint, cdk_base: CdkBase) -> None:
    """Runs last in this module: the base goes, and nothing of it or of any cell stays."""
    cdk_base.ensure(aws_endpoint)
    cdk_base.destroy()
    assert base_leftovers(aws_endpoint, cdk_base.deployed.name if cdk_base.deployed else "") == []
    stacks = aws_endpoint.client("cloudformation").list_stacks()["StackSummaries"]
    live = [
        s["StackName"]
        for s in stacks
        if s["StackName"].startswith("cdk") and s["StackStatus"] != "DELETE_COMPLETE"
    ]
    assert live == []
