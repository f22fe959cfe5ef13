"""What the tools do when an app update deploys a version that cannot start, and after it.

The failure scenarios (:mod:`harness.failures`), asserted by ``scenarios/test_failures.py`` and
shown in the report's failure section. As in :mod:`harness.expectations`, everything here
comes from the tools' documentation (sources below), never from what the emulator did.

Setting: the tool deployed the good version (v1). Then:

1. **broken app update** (:attr:`FailureKind.BROKEN_APP_UPDATE`): the shared script deploys a
   version whose service tasks cannot start. Neither stack enables the deployment circuit
   breaker, so ECS keeps launching replacement tasks ("Without the circuit breaker, a service
   whose tasks fail to start keeps trying": ECS developer guide, "How the Amazon ECS
   deployment circuit breaker detects failures"), and with ``minimumHealthyPercent`` 100 it
   stops no old task before a new one is healthy (ECS developer guide, "Deploy Amazon ECS
   services by replacing tasks"): the old version keeps serving. The script's stability wait
   (botocore ``ServicesStable``) runs out and the script fails, leaving every service's
   definition on the broken revision.
2. **infra update while failing** (:attr:`FailureKind.INFRA_UPDATE_WHILE_FAILING`): the tool
   applies its configuration again with a change to the web service (its health-check grace
   period), while the deployment still fails.

Versions are stated per service as ``good`` (the tool's v1) or ``broken`` (the script's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.contract import SERVICES, WEB
from harness.expectations import ARTICLE_STRATEGIES
from harness.records import Strategy, Tool

GOOD, BROKEN = "good", "broken"

SCRIPT_GIVES_UP = (
    "the shared script waits for the services to be stable (botocore ServicesStable) and "
    "fails when its wait runs out; ECS, without the circuit breaker, keeps retrying the new "
    "tasks, and with minimumHealthyPercent 100 keeps the old ones serving (ECS developer "
    "guide: deployment circuit breaker; rolling update deployment configuration)"
)
TF_NO_WAIT = (
    "aws_ecs_service does not wait for the deployment unless wait_for_steady_state = true "
    "(default false: Terraform AWS provider docs, aws_ecs_service); the stacks do not set it, "
    "so the apply succeeds as soon as ECS accepted the update"
)
TF_PLAIN = (
    TF_NO_WAIT + "; without ignore_changes the plan puts every service back on the revision in "
    "state, the good one (hashicorp/terraform-provider-aws#632), so ECS rolls the fleet back"
)
TF_IGNORE = (
    TF_NO_WAIT + "; ignore_changes keeps task_definition out of the plan, so the services stay "
    "on the broken revision and keep failing (Terraform docs: lifecycle meta-argument)"
)
TF_UNLOCKED = (
    "Terraform releases the state lock when the command ends, failed or not (Terraform docs, "
    "State Locking: 'Terraform will lock your state for all operations that could write state')"
)
CFN_UNPINNED = (
    "the web service's in-place update sends the template's TaskDefinition, the good revision "
    "(aws-cloudformation/cloudformation-coverage-roadmap#1529), and CloudFormation waits for it "
    "to stabilize (AWS::ECS::Service), which it does; worker and beat did not change and are "
    "not touched (aws/copilot-cli#1619), so they keep failing"
)
CFN_PINNED = (
    "the running (broken) tag is passed in, so every task definition gets a new revision of "
    "the broken image and every service is updated to it; the services never stabilize, the "
    "resource fails once its stabilization wait times out (AWS re:Post, 'Why is my "
    "CloudFormation stack stuck in an IN_PROGRESS state?': based on each resource's "
    "stabilization requirements), and the stack rolls back to the previous template "
    "(UPDATE_ROLLBACK_IN_PROGRESS -> UPDATE_ROLLBACK_COMPLETE: CloudFormation user guide, stack "
    "status codes): the services return to the good revision, the script's version is undone. "
    "UPDATE_ROLLBACK_COMPLETE can be updated again: the tool is not stuck"
)


@dataclass(frozen=True, slots=True)
class FailureExpectation:
    """The documented outcome of the two failure scenarios for one tool and strategy."""

    app_update_fails: bool
    after_app_update: Mapping[str, str]
    """Per service: ``good`` or ``broken`` (the revision the service's definition names)."""
    infra_update_fails: bool
    after_infra_update: Mapping[str, str]
    tool_state: str
    """The stack's status (CDK) or ``unlocked`` (Terraform's state lock) afterwards."""
    stuck: bool
    """Whether the tool refuses its next run until someone intervenes (UPDATE_ROLLBACK_FAILED,
    a state lock left behind)."""
    serving: bool
    """Whether the web service keeps a healthy target through both phases (no downtime)."""
    why: str


def _all(version: str) -> dict[str, str]:
    return dict.fromkeys(SERVICES, version)


STUCK_STATES = ("UPDATE_ROLLBACK_FAILED", "lock held")

FAILURE_STRATEGIES: dict[Tool, tuple[Strategy, ...]] = ARTICLE_STRATEGIES
"""The strategies the failure scenarios have documented expectations for: the article's four.
The other strategies (``harness.expectations.STRATEGIES``) are not run in them yet."""


def expected_failure(tool: Tool, strategy: Strategy) -> FailureExpectation:
    """What the documentation says each tool and strategy does in the failure scenarios."""
    broken = _all(BROKEN)
    if tool is Tool.TERRAFORM and strategy is Strategy.PLAIN:
        why = f"{SCRIPT_GIVES_UP}. {TF_PLAIN}. {TF_UNLOCKED}"
        return FailureExpectation(True, broken, False, _all(GOOD), "unlocked", False, True, why)
    if tool is Tool.TERRAFORM and strategy is Strategy.IGNORE_CHANGES:
        why = f"{SCRIPT_GIVES_UP}. {TF_IGNORE}. {TF_UNLOCKED}"
        return FailureExpectation(True, broken, False, broken, "unlocked", False, True, why)
    if tool is Tool.CDK and strategy is Strategy.UNPINNED:
        web_good = {s: GOOD if s == WEB else BROKEN for s in SERVICES}
        why = f"{SCRIPT_GIVES_UP}. {CFN_UNPINNED}"
        return FailureExpectation(
            True, broken, False, web_good, "UPDATE_COMPLETE", False, True, why
        )
    if tool is Tool.CDK and strategy is Strategy.PINNED:
        why = f"{SCRIPT_GIVES_UP}. {CFN_PINNED}"
        return FailureExpectation(
            True, broken, True, _all(GOOD), "UPDATE_ROLLBACK_COMPLETE", False, True, why
        )
    raise ValueError(f"{strategy} is not a strategy of {tool}")
