"""What the real tools do to the running app version in an infra update after an app update.

These are the assertions of the scenarios and the "expected" column of the report. They come
from the tools' documented behaviour (sources below), never from what the emulator did; a
scenario whose observation differs fails, which is how the emulator's fidelity is checked.

Setting: the tool deployed version v1; the shared script then registered new task definition
revisions with v2 outside the tool and pointed the services at them; now the tool applies its
configuration again, with one change kind. Outcomes are stated per service (web, worker,
beat): a tool may touch one service and leave the others alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from harness.contract import SERVICES, WEB
from harness.records import ChangeKind, Strategy, Tool


class VersionOutcome(StrEnum):
    KEPT = "kept"
    ROLLED_BACK = "rolled-back"
    MIXED = "mixed"
    """Some services kept the script's version, others were rolled back."""


class ChangeOutcome(StrEnum):
    NOW = "now"
    DEFERRED = "deferred"
    """Registered, but the service runs it only from the next app update on."""
    NOT_APPLIED = "not-applied"
    """Neither the infra update nor the next app update put it into service."""
    NOT_APPLICABLE = "n/a"


def overall(per_service: Mapping[str, VersionOutcome]) -> VersionOutcome | None:
    """One outcome for the fleet: the services' common one, ``mixed`` if they disagree."""
    seen = set(per_service.values())
    if not seen:
        return None
    return seen.pop() if len(seen) == 1 else VersionOutcome.MIXED


@dataclass(frozen=True, slots=True)
class Expectation:
    services: Mapping[str, VersionOutcome]
    """The version outcome of each service (``web``, ``worker``, ``beat``)."""
    change: ChangeOutcome
    drift_after_app_update: bool
    """Whether the tool's own check (plan / cdk diff) reports a difference after the script ran."""
    why: str
    advice: str

    @property
    def version(self) -> VersionOutcome:
        found = overall(self.services)
        assert found is not None  # every expectation names the services
        return found


def _all(outcome: VersionOutcome) -> dict[str, VersionOutcome]:
    return dict.fromkeys(SERVICES, outcome)


def _only_web(outcome: VersionOutcome, others: VersionOutcome) -> dict[str, VersionOutcome]:
    return {s: outcome if s == WEB else others for s in SERVICES}


TF_REFRESH = (
    "Terraform refreshes the service and plans its task_definition back to the revision in "
    "state (hashicorp/terraform-provider-aws#632, #20121)"
)
TF_IGNORE = (
    "ignore_changes makes plan ignore task_definition both ways; an update of other service "
    "arguments does not send it (Terraform docs: lifecycle meta-argument)"
)
TF_TASKDEF_REPLACED = (
    "aws_ecs_task_definition arguments force a new revision, which the ignored service does "
    "not pick up; the script copies the latest revision at the next app update"
)
CFN_DIFF = (
    "CloudFormation leaves resources whose resolved properties did not change untouched "
    "(aws/copilot-cli#1619); cdk diff compares templates, not live state"
)
CFN_SERVICE_UPDATE = (
    "an in-place AWS::ECS::Service update sends every property, TaskDefinition included, so the "
    "changed web service returns to the template's revision; worker and beat did not change and "
    "are not touched (aws/aws-cdk#23564, aws-cloudformation/cloudformation-coverage-roadmap#1529)"
)
CFN_TASKDEF_REPLACED = (
    "AWS::ECS::TaskDefinition properties are create-only: a change registers a new revision "
    "from the template's image and every service using it is updated to it (aws/aws-cdk#14437)"
)
PINNED = (
    "the harness passes the running version in, so the template's image is the running one "
    "(a new revision of the same image); its diff shows that image change after each app update"
)

SAFE_TF_PLAIN = "use ignore_changes on task_definition, or feed the running tag into the apply"
SAFE_TF_IGNORE = "safe for the version; task definition changes wait for the next app update"
SAFE_CDK_UNPINNED = "pin the image tag to the running version before every deploy"
SAFE_CDK_PINNED = "safe: keep reading the running version before each deploy"

KEPT, ROLLED_BACK = VersionOutcome.KEPT, VersionOutcome.ROLLED_BACK


def _change_now(kind: ChangeKind) -> ChangeOutcome:
    return ChangeOutcome.NOT_APPLICABLE if kind is ChangeKind.NONE else ChangeOutcome.NOW


def expected(tool: Tool, strategy: Strategy, kind: ChangeKind) -> Expectation:
    """The documented outcome of one cell of the matrix."""
    if tool is Tool.TERRAFORM and strategy is Strategy.PLAIN:
        return Expectation(_all(ROLLED_BACK), _change_now(kind), True, TF_REFRESH, SAFE_TF_PLAIN)
    if tool is Tool.TERRAFORM and strategy is Strategy.IGNORE_CHANGES:
        if kind is ChangeKind.TASK_DEFINITION:
            deferred = ChangeOutcome.DEFERRED
            return Expectation(_all(KEPT), deferred, False, TF_TASKDEF_REPLACED, SAFE_TF_IGNORE)
        return Expectation(_all(KEPT), _change_now(kind), False, TF_IGNORE, SAFE_TF_IGNORE)
    if tool is Tool.CDK and strategy is Strategy.UNPINNED:
        if kind in (ChangeKind.NONE, ChangeKind.UNRELATED):
            return Expectation(_all(KEPT), _change_now(kind), False, CFN_DIFF, SAFE_CDK_UNPINNED)
        if kind is ChangeKind.SERVICE:
            web_only = _only_web(ROLLED_BACK, KEPT)
            now = ChangeOutcome.NOW
            return Expectation(web_only, now, False, CFN_SERVICE_UPDATE, SAFE_CDK_UNPINNED)
        now = ChangeOutcome.NOW
        return Expectation(_all(ROLLED_BACK), now, False, CFN_TASKDEF_REPLACED, SAFE_CDK_UNPINNED)
    if tool is Tool.CDK and strategy is Strategy.PINNED:
        return Expectation(_all(KEPT), _change_now(kind), True, PINNED, SAFE_CDK_PINNED)
    raise ValueError(f"{strategy} is not a strategy of {tool}")


STRATEGIES: dict[Tool, tuple[Strategy, ...]] = {
    Tool.TERRAFORM: (Strategy.PLAIN, Strategy.IGNORE_CHANGES),
    Tool.CDK: (Strategy.UNPINNED, Strategy.PINNED),
}
