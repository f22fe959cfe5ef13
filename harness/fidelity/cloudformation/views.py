"""Stacks, resources and change sets as CloudFormation's API describes them."""

from __future__ import annotations

import json
from typing import Any

from harness.fidelity.cloudformation.model import ChangeSet, Resource, Stack


def stack(s: Stack) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "StackId": s.stack_id,
        "StackName": s.name,
        "CreationTime": s.created,
        "StackStatus": s.status,
        "DisableRollback": s.disable_rollback,
        "NotificationARNs": s.notification_arns,
        "Capabilities": s.capabilities,
        "Outputs": s.outputs,
        "Parameters": parameters(s.template, s.parameters, s.resolved_parameters),
        "Tags": s.tags,
        "EnableTerminationProtection": s.termination_protection,
        "RollbackConfiguration": {},
        "DriftInformation": _drift(s),
    }
    optional = {
        "StackStatusReason": s.status_reason,
        "ChangeSetId": s.change_set_id,
        "Description": s.template.get("Description"),
        "LastUpdatedTime": s.last_updated,
        "DeletionTime": s.deleted,
        "RoleARN": s.role_arn,
    }
    answer.update({k: v for k, v in optional.items() if v})
    return answer


def _drift(s: Stack) -> dict[str, Any]:
    info: dict[str, Any] = {"StackDriftStatus": s.drift_status}
    if s.drift_checked:
        info["LastCheckTimestamp"] = s.drift_checked
    return info


def parameters(
    template: dict[str, Any], values: dict[str, str], resolved: dict[str, Any]
) -> list[dict[str, Any]]:
    answer = []
    for key, value in values.items():
        spec = template.get("Parameters", {}).get(key, {})
        item: dict[str, Any] = {
            "ParameterKey": key,
            "ParameterValue": "****" if spec.get("NoEcho") else value,
        }
        if str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value<"):
            item["ResolvedValue"] = _text(resolved.get(key, ""))
        answer.append(item)
    return answer


def summary(s: Stack) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "StackId": s.stack_id,
        "StackName": s.name,
        "CreationTime": s.created,
        "StackStatus": s.status,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    }
    for key, value in (
        ("LastUpdatedTime", s.last_updated),
        ("DeletionTime", s.deleted),
        ("TemplateDescription", s.template.get("Description")),
        ("StackStatusReason", s.status_reason),
    ):
        if value:
            answer[key] = value
    return answer


def resource(s: Stack, r: Resource, detail: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "StackName": s.name,
        "StackId": s.stack_id,
        "LogicalResourceId": r.logical_id,
        "PhysicalResourceId": r.physical_id,
        "ResourceType": r.type,
        "ResourceStatus": r.status,
        "DriftInformation": _resource_drift(s, r),
    }
    if r.status_reason:
        answer["ResourceStatusReason"] = r.status_reason
    if detail:
        answer["LastUpdatedTimestamp"] = r.updated
        answer["Metadata"] = json.dumps(r.metadata)
    else:
        answer["Timestamp"] = r.updated
    return answer


def resource_summary(s: Stack, r: Resource) -> dict[str, Any]:
    return {
        "LogicalResourceId": r.logical_id,
        "PhysicalResourceId": r.physical_id,
        "ResourceType": r.type,
        "LastUpdatedTimestamp": r.updated,
        "ResourceStatus": r.status,
        "DriftInformation": _resource_drift(s, r),
    }


def _resource_drift(s: Stack, r: Resource) -> dict[str, Any]:
    """The resource's status at the last drift detection (NOT_CHECKED before any)."""
    found = s.resource_drift.get(r.logical_id)
    if found is None:
        return {"StackResourceDriftStatus": "NOT_CHECKED"}
    return {
        "StackResourceDriftStatus": found["StackResourceDriftStatus"],
        "LastCheckTimestamp": found["Timestamp"],
    }


def change_set(c: ChangeSet) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "ChangeSetName": c.name,
        "ChangeSetId": c.change_set_id,
        "StackId": c.stack_id,
        "StackName": c.stack_name,
        "Parameters": parameters(c.template, c.parameters, c.resolved_parameters),
        "CreationTime": c.created,
        "ExecutionStatus": c.execution_status,
        "Status": c.status,
        "NotificationARNs": c.notification_arns,
        "RollbackConfiguration": {},
        "Capabilities": c.capabilities,
        "Tags": c.tags,
        "Changes": c.changes,
        "IncludeNestedStacks": False,
    }
    if c.status_reason:
        answer["StatusReason"] = c.status_reason
    if c.description:
        answer["Description"] = c.description
    return answer


def change_set_summary(c: ChangeSet) -> dict[str, Any]:
    answer = {
        k: v
        for k, v in change_set(c).items()
        if k
        in (
            "StackId",
            "StackName",
            "ChangeSetId",
            "ChangeSetName",
            "ExecutionStatus",
            "Status",
            "StatusReason",
            "CreationTime",
            "Description",
            "IncludeNestedStacks",
        )
    }
    return answer


def _text(value: Any) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)
