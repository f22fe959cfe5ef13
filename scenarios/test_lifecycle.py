"""Both tools through the whole lifecycle: each strategy x change kind, the contract, and destroy.

The default run (``nox -s tests``) has the article's cells (two strategies per tool x the
first four change kinds) and ``DEFAULT_NEW_CELLS``: every further strategy and every further
change kind once per tool. The rest of the cross product is marked ``matrix`` and deselected
unless ``-m`` names it (``nox -s matrix``; ``nox -s compare`` runs the whole matrix too).

Outcomes are judged against :func:`harness.expectations.expected` (the tools' documented
behaviour) by :func:`harness.outcomes.judge`, the same verdict the comparison and the report
give, never against what the emulator happened to do. A cell the emulator or the stand-in
provider cannot reproduce yet is xfail(strict) naming the missing fidelity. ``-k terraform``
and ``-k cdk`` pick one tool.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from harness.changes import apply_change
from harness.contract import BaseNames
from harness.contract_checks import base_leftovers, base_violations, env_violations, leftovers
from harness.drivers.base import DriftReport
from harness.emulator import Emulator
from harness.endpoint import Endpoint
from harness.expectations import ARTICLE_CHANGE_KINDS, ARTICLE_STRATEGIES, STRATEGIES
from harness.external_targets import REQUIRED_SERVICES
from harness.fidelity.faults import FaultPlan
from harness.lifecycle import V1, run_cell
from harness.records import ChangeKind, Record, Status, Strategy, Tool
from scenarios.fixtures import TOOL_SHORT, ScenarioBases

pytestmark = [pytest.mark.slow, pytest.mark.services(*REQUIRED_SERVICES)]

TOOL_MARKS = {Tool.TERRAFORM: pytest.mark.terraform, Tool.CDK: pytest.mark.cdk}

# (tool, strategy, kind) -> the fidelity the emulator or the stand-in still lacks for that cell
NOT_FAITHFUL_YET: dict[tuple[Tool, Strategy, ChangeKind], str] = {}

T, C, K = Tool, Strategy, ChangeKind
DEFAULT_NEW_CELLS: frozenset[tuple[Tool, Strategy, ChangeKind]] = frozenset(
    {
        # each further strategy once, with a change kind that shows what sets it apart
        (T.TERRAFORM, C.LATEST_REVISION, K.TASK_SIZE),  # rolled back by its own new revision
        (T.TERRAFORM, C.TRACK_LATEST, K.NONE),  # a plain re-apply already rolls back
        (T.TERRAFORM, C.SSM_TAG, K.SECURITY_GROUP_RULE),
        (T.CDK, C.LATEST_REVISION, K.TASK_SIZE),  # kept, the change deferred
        (T.CDK, C.SSM_TAG, K.DESIRED_COUNT),
        (T.CDK, C.HOTSWAP, K.SECURITY_GROUP_RULE),
        # each further change kind once per tool (the three above, and these)
        (T.TERRAFORM, C.IGNORE_CHANGES, K.DESIRED_COUNT),  # never applied
        (T.TERRAFORM, C.IGNORE_CHANGES, K.SERVICE_REPLACEMENT),  # created from the config
        (T.CDK, C.UNPINNED, K.SERVICE_REPLACEMENT),  # the new web service from the template
    }
)
"""The new cells of the default run: every strategy and change kind beyond the article's."""


def in_default_run(tool: Tool, strategy: Strategy, kind: ChangeKind) -> bool:
    article = strategy in ARTICLE_STRATEGIES[tool] and kind in ARTICLE_CHANGE_KINDS
    return article or (tool, strategy, kind) in DEFAULT_NEW_CELLS


def matrix() -> list[object]:
    """``(tool, strategy, kind)`` of every cell; one listed in ``NOT_FAITHFUL_YET`` is
    xfail(strict); one outside the default run is marked ``matrix``."""
    params = []
    for tool, strategies in STRATEGIES.items():
        for strategy in strategies:
            for kind in ChangeKind:
                gap = NOT_FAITHFUL_YET.get((tool, strategy, kind))
                marks = [TOOL_MARKS[tool]]
                marks += [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
                marks += [] if in_default_run(tool, strategy, kind) else [pytest.mark.matrix]
                param_id = f"{tool}-{strategy}-{kind}"
                params.append(pytest.param(tool, strategy, kind, marks=marks, id=param_id))
    return params


def by_tool() -> list[object]:
    return [pytest.param(tool, marks=[TOOL_MARKS[tool]], id=str(tool)) for tool in STRATEGIES]


def names_the_tool(tool: Tool, records: list[Record]) -> bool:
    """Every record says which tool and which pieces ran (CDK: deploys timed apart from synth)."""
    if tool is Tool.TERRAFORM:
        return all("Terraform" in r.tool_version and "hashicorp/aws" in r.engine for r in records)
    deploys = [r for r in records if r.step == "" and r.phase in ("app", "infra-update")]
    return all("aws-cdk" in r.tool_version and "deploy" in r.timings for r in deploys)


@pytest.mark.parametrize(("tool", "strategy", "kind"), matrix())
def test_infra_update_after_app_update(
    scenario_bases: ScenarioBases, tool: Tool, strategy: Strategy, kind: ChangeKind
) -> None:
    spec = scenario_bases.cell(tool, strategy, kind)
    cell = scenario_bases.open(spec)

    outcome = run_cell(cell.driver, cell.app, cell.recorder, spec.settings(), spec.kind)

    records = cell.recorder.records
    assert [r.status for r in records] == [Status.OK] * len(records)
    assert outcome.verdict.disagreements == (), outcome.expectation.why
    assert names_the_tool(tool, records)
    assert leftovers(cell.endpoint, spec.env) == []


# What the tool's own check lists when only the web service's grace period changed.
SERVICE_CHANGE_DRIFT: dict[Tool, tuple[Strategy, Callable[[DriftReport], bool]]] = {
    Tool.TERRAFORM: (
        Strategy.IGNORE_CHANGES,
        lambda d: d.items == ('module.app.aws_ecs_service.ignore_changes["web"]',),
    ),
    Tool.CDK: (
        Strategy.UNPINNED,
        lambda d: len(d.items) == 1 and d.items[0].startswith("WebService"),
    ),
}


@pytest.mark.parametrize("tool", by_tool())
def test_deployment_follows_the_naming_and_tagging_contract(
    scenario_bases: ScenarioBases, tool: Tool
) -> None:
    scenario_bases.ours_only(tool)
    strategy, lists_the_web_service = SERVICE_CHANGE_DRIFT[tool]
    spec = scenario_bases.cell(tool, strategy, ChangeKind.NONE, env=f"{TOOL_SHORT[tool]}-contract")
    cell, settings = scenario_bases.open(spec), spec.settings()
    try:
        cell.driver.deploy_app(settings)
        found = base_violations(cell.endpoint, spec.base, str(tool))
        found += env_violations(cell.endpoint, spec.env, spec.base, str(tool), V1)
        unchanged = cell.driver.drift_app(settings)
        service_change = cell.driver.drift_app(apply_change(settings, ChangeKind.SERVICE))
    finally:
        cell.driver.destroy_app(settings)
    assert leftovers(cell.endpoint, spec.env) == []
    assert unchanged.drifted is False
    assert service_change.drifted is True
    assert lists_the_web_service(service_change), service_change.items
    assert found == []


LIGHT_FAULTS = "throttle:0.15,5xx:0.1,drop:0.05"


@pytest.mark.parametrize("tool", by_tool())
def test_the_tool_applies_its_base_again_under_faults(
    scenario_bases: ScenarioBases, emulator: Emulator, tool: Tool
) -> None:
    """The tool applies the unchanged base again (Terraform: refresh, plan, apply; CDK: synth,
    change set, nothing to do) under a light fault mix on the base's own calls: it ends as
    without faults, nothing replaced, because the tool retried every fault it met (Terraform's
    provider: botocore standard mode, 25 retries; the CDK CLI: the JS SDK v3's standard retry
    strategy, 7 attempts). The cheap real-tool run: no environment to deploy and destroy."""
    scenario_bases.ours_only(tool)
    base = scenario_bases.ensure(tool)
    endpoint, key = base.cell.endpoint, base.cell.endpoint.credentials["AWS_ACCESS_KEY_ID"]
    before = _base_ids(endpoint, base.name)
    emulator.set_faults(replace(FaultPlan.parse(LIGHT_FAULTS, seed=3), callers=(key,)))
    try:
        base.cell.driver.deploy_base(base.name)
        seen = emulator.faults(key)
    finally:
        emulator.set_faults(None)
    assert _base_ids(endpoint, base.name) == before
    assert base_violations(endpoint, base.name, str(tool)) == []
    assert seen["injected"], "no fault met: the test would prove nothing"
    # every faulted call was retried: its retries after our faults match them one for one
    retried = {
        call: {k: n for k, n in causes.items() if k != "none"}
        for call, causes in seen["retries"].items()
    }
    assert {c: r for c, r in retried.items() if r} == seen["injected"]


def _base_ids(endpoint: Endpoint, base: str) -> tuple[list[str], list[str]]:
    """The base's VPC and load balancer: a re-apply that replaced them would change these."""
    names = BaseNames(base)
    vpcs = endpoint.client("ec2").describe_vpcs(
        Filters=[{"Name": "tag:Name", "Values": [names.vpc]}]
    )["Vpcs"]
    albs = endpoint.client("elbv2").describe_load_balancers()["LoadBalancers"]
    return sorted(v["VpcId"] for v in vpcs), sorted(
        a["LoadBalancerArn"] for a in albs if a["VpcId"] in {v["VpcId"] for v in vpcs}
    )


@pytest.mark.parametrize("tool", by_tool())
def test_destroy_leaves_nothing_behind(scenario_bases: ScenarioBases, tool: Tool) -> None:
    """Runs last in this module: the base goes, and nothing of it or of any cell stays."""
    scenario_bases.ours_only(tool)
    base = scenario_bases.ensure(tool)
    endpoint = base.cell.endpoint
    scenario_bases.run.destroy_base(base)
    assert base_leftovers(endpoint, base.name) == []
    assert _live_environments(endpoint, tool) == []


def _live_environments(endpoint: Endpoint, tool: Tool) -> list[str]:
    if tool is Tool.CDK:
        stacks = endpoint.client("cloudformation").list_stacks()["StackSummaries"]
        return [
            s["StackName"]
            for s in stacks
            if s["StackName"].startswith("cdk") and s["StackStatus"] != "DELETE_COMPLETE"
        ]
    ecs = endpoint.client("ecs")
    clusters = ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
    active = [c["clusterName"] for c in clusters if c["status"] == "ACTIVE"]
    return [name for name in active if name.startswith("tf-")]
