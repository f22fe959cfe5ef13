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
from dataclasses import dataclass, replace
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

TF_LATEST = (
    "the service points at family:max(resource revision, data.aws_ecs_task_definition revision): "
    "the data source reads the family's latest ACTIVE revision, the script's, so plans keep it "
    "(hashicorp/terraform#13005, hashicorp/terraform-provider-aws#632)"
)
TF_LATEST_REPLACED = (
    "a changed aws_ecs_task_definition is replaced (ForceNew) from the configured image; the data "
    "source depends on it, is read after it, and the new revision is the maximum: every service "
    "runs the configured image again (hashicorp/terraform#13005)"
)
TF_TRACK_LATEST = (
    "track_latest = true (provider 5.37.0, hashicorp/terraform-provider-aws#30154) makes Read "
    "follow the family's latest ACTIVE revision, the script's; its container_definitions (image "
    "v2) differ from the configuration (v1), which forces a new revision from the configuration "
    "that every service is pointed at (terraform-aws-modules/terraform-aws-ecs#171)"
)
TF_SSM = (
    "the image tag is read from the SSM parameter the pipeline writes (data aws_ssm_parameter): "
    "the configuration now says the running tag, so the task definitions are replaced with it "
    "and the services keep the version; plan shows that replacement after each app update"
)
TF_IGNORE_COUNT = (
    "desired_count is in ignore_changes: the change is never sent, and the script does not set "
    "counts (Terraform docs: lifecycle meta-argument)"
)
TF_REPLACED_SERVICE = (
    "a ForceNew argument of aws_ecs_service (name) replaces the service; the new one is created "
    "from the configuration, task_definition included: ignore_changes only ignores updates"
)
CFN_LATEST = (
    "TaskDefinitionRevision.LATEST renders the service's TaskDefinition as the bare family "
    "(aws/aws-cdk#27036): an update of the service makes ECS pick the latest ACTIVE revision, the "
    "script's (UpdateService API reference)"
)
CFN_LATEST_TASKDEF = (
    "with TaskDefinitionRevision.LATEST the service's TaskDefinition is the family, which a new "
    "revision does not change: CloudFormation does not update the services (diff-based), and the "
    "script copies the new latest revision at the next app update (aws/aws-cdk#26983)"
)
CFN_SSM = (
    "the image tag is an AWS::SSM::Parameter::Value<String> parameter, resolved at every deploy "
    "(CloudFormation docs: SSM parameter types); the CDK CLI never skips a stack with SSM "
    "parameters; the resolved image changed, so the task definitions are replaced with the running "
    "tag and every service updated to them; cdk diff compares templates, which did not change"
)
CFN_HOTSWAP = (
    "cdk deploy --hotswap updates the task definitions and services through the ECS API and "
    "leaves the CloudFormation template as it was (CloudFormation drift; aws/aws-cdk-cli#885): "
    "cdk diff shows the image change, and the next normal deploy from the same code (the new "
    "tag) puts it through CloudFormation, replacing the task definitions with the running tag"
)
CFN_REPLACED_SERVICE = (
    "ServiceName is create-only in the AWS::ECS::Service schema: CloudFormation creates a new web "
    "service from the template (its TaskDefinition included) and deletes the old one"
)
TF_BASE_RULE = (
    "the rule is a resource of the base's root module, applied first; the app's root module reads "
    "the base only through terraform_remote_state outputs, which the rule does not change "
    "(Terraform docs: the terraform_remote_state data source), so the pipeline's app apply after "
    "it plans what it plans with no change"
)
CFN_BASE_RULE = (
    "the rule is the base stack's own AWS::EC2::SecurityGroupIngress, deployed first; the group "
    "and the id the app stack imports stay, so the app stack's template does not change and its "
    "deploy (--exclusively) does what it does with no change (cdk deploy reference: an unchanged "
    "template is skipped unless --force; aws/aws-cdk#6346)"
)

SAFE_TF_PLAIN = "use ignore_changes on task_definition, or feed the running tag into the apply"
SAFE_TF_IGNORE = "safe for the version; task definition changes wait for the next app update"
SAFE_TF_LATEST = "safe until a task definition change: then it rolls back; pair it with ssm-tag"
SAFE_TF_TRACK = "not safe alone: it tracks the revision, not the image; use it with ssm-tag"
SAFE_SSM = "safe: every apply builds from the running tag (one more rollout per apply)"
SAFE_CDK_UNPINNED = "pin the image tag to the running version before every deploy"
SAFE_CDK_PINNED = "safe: keep reading the running version before each deploy"
SAFE_CDK_LATEST = "safe for the version; task definition changes wait for the next app update"
SAFE_HOTSWAP = "keeps the version only if the code says the new tag; the stack drifts in between"

KEPT, ROLLED_BACK = VersionOutcome.KEPT, VersionOutcome.ROLLED_BACK
NOW, DEFERRED = ChangeOutcome.NOW, ChangeOutcome.DEFERRED

TASK_DEFINITION_KINDS = frozenset({ChangeKind.TASK_DEFINITION, ChangeKind.TASK_SIZE})
"""Change kinds that register a new task definition revision (create-only / ForceNew)."""
WEB_SERVICE_KINDS = frozenset(
    {ChangeKind.SERVICE, ChangeKind.DESIRED_COUNT, ChangeKind.SERVICE_REPLACEMENT}
)
"""Change kinds that change (or replace) the web service alone."""


def _change_now(kind: ChangeKind) -> ChangeOutcome:
    return ChangeOutcome.NOT_APPLICABLE if kind is ChangeKind.NONE else ChangeOutcome.NOW


def expected(tool: Tool, strategy: Strategy, kind: ChangeKind) -> Expectation:
    """The documented outcome of one cell of the matrix."""
    if tool is Tool.TERRAFORM:
        return _terraform(strategy, kind)
    if tool is Tool.CDK:
        return _cdk(strategy, kind)
    raise ValueError(f"unknown tool {tool!r}")


def _base_layer_change(unchanged: Expectation, why: str) -> Expectation:
    """A base-layer change (the security group rule): the app layer's deploy after it does what
    it does with no change (``unchanged``), and the rule is in place at once."""
    return replace(unchanged, change=ChangeOutcome.NOW, why=f"{why}: {unchanged.why}")


def _terraform(strategy: Strategy, kind: ChangeKind) -> Expectation:
    if kind is ChangeKind.SECURITY_GROUP_RULE:
        return _base_layer_change(_terraform(strategy, ChangeKind.NONE), TF_BASE_RULE)
    now = _change_now(kind)
    if strategy is Strategy.PLAIN:
        return Expectation(_all(ROLLED_BACK), now, True, TF_REFRESH, SAFE_TF_PLAIN)
    if strategy is Strategy.IGNORE_CHANGES:
        if kind in TASK_DEFINITION_KINDS:
            return Expectation(_all(KEPT), DEFERRED, False, TF_TASKDEF_REPLACED, SAFE_TF_IGNORE)
        if kind is ChangeKind.DESIRED_COUNT:
            not_applied = ChangeOutcome.NOT_APPLIED
            return Expectation(_all(KEPT), not_applied, False, TF_IGNORE_COUNT, SAFE_TF_IGNORE)
        if kind is ChangeKind.SERVICE_REPLACEMENT:
            web = _only_web(ROLLED_BACK, KEPT)
            return Expectation(web, now, False, TF_REPLACED_SERVICE, SAFE_TF_IGNORE)
        return Expectation(_all(KEPT), now, False, TF_IGNORE, SAFE_TF_IGNORE)
    if strategy is Strategy.LATEST_REVISION:
        if kind in TASK_DEFINITION_KINDS:
            return Expectation(_all(ROLLED_BACK), now, False, TF_LATEST_REPLACED, SAFE_TF_LATEST)
        return Expectation(_all(KEPT), now, False, TF_LATEST, SAFE_TF_LATEST)
    if strategy is Strategy.TRACK_LATEST:
        return Expectation(_all(ROLLED_BACK), now, True, TF_TRACK_LATEST, SAFE_TF_TRACK)
    if strategy is Strategy.SSM_TAG:
        return Expectation(_all(KEPT), now, True, TF_SSM, SAFE_SSM)
    raise ValueError(f"{strategy} is not a strategy of terraform")


def _cdk(strategy: Strategy, kind: ChangeKind) -> Expectation:
    if kind is ChangeKind.SECURITY_GROUP_RULE:
        return _base_layer_change(_cdk(strategy, ChangeKind.NONE), CFN_BASE_RULE)
    now = _change_now(kind)
    if strategy is Strategy.UNPINNED:
        if kind in TASK_DEFINITION_KINDS:
            return Expectation(
                _all(ROLLED_BACK), now, False, CFN_TASKDEF_REPLACED, SAFE_CDK_UNPINNED
            )
        if kind in WEB_SERVICE_KINDS:
            why = (
                CFN_REPLACED_SERVICE
                if kind is ChangeKind.SERVICE_REPLACEMENT
                else CFN_SERVICE_UPDATE
            )
            return Expectation(_only_web(ROLLED_BACK, KEPT), now, False, why, SAFE_CDK_UNPINNED)
        return Expectation(_all(KEPT), now, False, CFN_DIFF, SAFE_CDK_UNPINNED)
    if strategy is Strategy.PINNED:
        return Expectation(_all(KEPT), now, True, PINNED, SAFE_CDK_PINNED)
    if strategy is Strategy.LATEST_REVISION:
        if kind in TASK_DEFINITION_KINDS:
            return Expectation(_all(KEPT), DEFERRED, False, CFN_LATEST_TASKDEF, SAFE_CDK_LATEST)
        return Expectation(_all(KEPT), now, False, CFN_LATEST, SAFE_CDK_LATEST)
    if strategy is Strategy.SSM_TAG:
        return Expectation(_all(KEPT), now, False, CFN_SSM, SAFE_SSM)
    if strategy is Strategy.HOTSWAP:
        return Expectation(_all(KEPT), now, True, CFN_HOTSWAP, SAFE_HOTSWAP)
    raise ValueError(f"{strategy} is not a strategy of cdk")


STRATEGIES: dict[Tool, tuple[Strategy, ...]] = {
    Tool.TERRAFORM: (
        Strategy.PLAIN,
        Strategy.IGNORE_CHANGES,
        Strategy.LATEST_REVISION,
        Strategy.TRACK_LATEST,
        Strategy.SSM_TAG,
    ),
    Tool.CDK: (
        Strategy.UNPINNED,
        Strategy.PINNED,
        Strategy.LATEST_REVISION,
        Strategy.SSM_TAG,
        Strategy.HOTSWAP,
    ),
}
"""Every strategy of each tool; the first two of each are the article's."""
ARTICLE_STRATEGIES: dict[Tool, tuple[Strategy, ...]] = {t: s[:2] for t, s in STRATEGIES.items()}
ARTICLE_CHANGE_KINDS: tuple[ChangeKind, ...] = tuple(ChangeKind)[:4]
"""The article's four change kinds (none, unrelated, service, task definition)."""
