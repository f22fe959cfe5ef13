"""Drift detection: each resource's template properties against what its API reports now.

As CloudFormation does (User Guide, "Detect unmanaged configuration changes to stacks and
resources with drift detection"): a resource is IN_SYNC, MODIFIED (with the property
differences), DELETED, or NOT_CHECKED when drift detection does not support its type. Which
types it supports is CloudFormation's list ("Resource type support"): the AWS resource types
it can read, which leaves out custom resources, nested stacks (never drift-checked from their
parent) and wait conditions; those are NOT_CHECKED here too.

Only properties the template sets, and the reader of the type reports, are compared. The
emulator reads ECS services, clusters and task definitions, log groups and SSM parameters. A
type CloudFormation checks but the emulator cannot read is UNKNOWN (one of the API's values:
the status could not be determined), never a claimed IN_SYNC nor a NOT_CHECKED AWS would not
give.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.model import Resource, Stack, now

Reader = Callable[[Stack, Resource], dict[str, Any] | None]
"""The resource's current properties in template shape; None when it no longer exists."""


def _ecs_service(stack: Stack, resource: Resource) -> dict[str, Any] | None:
    ecs = client("ecs", stack.account, stack.region)
    cluster = resource.properties.get("Cluster", "default")
    found = ecs.describe_services(cluster=cluster, services=[resource.physical_id])["services"]
    if not found or found[0]["status"] == "INACTIVE":
        return None
    service = found[0]
    vpc = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    deployment = service.get("deploymentConfiguration", {})
    actual: dict[str, Any] = {
        "TaskDefinition": service.get("taskDefinition"),
        "DesiredCount": service.get("desiredCount"),
        "LaunchType": service.get("launchType"),
        "HealthCheckGracePeriodSeconds": service.get("healthCheckGracePeriodSeconds"),
        "LoadBalancers": [
            {
                "ContainerName": lb.get("containerName"),
                "ContainerPort": lb.get("containerPort"),
                "TargetGroupArn": lb.get("targetGroupArn"),
            }
            for lb in service.get("loadBalancers", [])
        ],
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "AssignPublicIp": vpc.get("assignPublicIp"),
                "SecurityGroups": vpc.get("securityGroups"),
                "Subnets": vpc.get("subnets"),
            }
        },
        "DeploymentConfiguration": _deployment(deployment),
        "EnableECSManagedTags": service.get("enableECSManagedTags"),
        "EnableExecuteCommand": service.get("enableExecuteCommand"),
        "PropagateTags": service.get("propagateTags"),
        "PlatformVersion": service.get("platformVersion"),
    }
    return {k: v for k, v in actual.items() if v is not None}


def _deployment(deployment: dict[str, Any]) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "MaximumPercent": deployment.get("maximumPercent"),
        "MinimumHealthyPercent": deployment.get("minimumHealthyPercent"),
    }
    if "alarms" in deployment:
        alarms = deployment["alarms"]
        shape["Alarms"] = {
            "AlarmNames": alarms.get("alarmNames", []),
            "Enable": alarms.get("enable", False),
            "Rollback": alarms.get("rollback", False),
        }
    if "deploymentCircuitBreaker" in deployment:
        breaker = deployment["deploymentCircuitBreaker"]
        shape["DeploymentCircuitBreaker"] = {
            "Enable": breaker.get("enable", False),
            "Rollback": breaker.get("rollback", False),
        }
    return {k: v for k, v in shape.items() if v is not None}


def _ecs_cluster(stack: Stack, resource: Resource) -> dict[str, Any] | None:
    ecs = client("ecs", stack.account, stack.region)
    found = ecs.describe_clusters(clusters=[resource.physical_id])["clusters"]
    if not found or found[0]["status"] != "ACTIVE":
        return None
    return {"ClusterName": found[0]["clusterName"]}


def _task_definition(stack: Stack, resource: Resource) -> dict[str, Any] | None:
    ecs = client("ecs", stack.account, stack.region)
    try:
        found = ecs.describe_task_definition(taskDefinition=resource.physical_id)["taskDefinition"]
    except Exception:
        return None
    return None if found["status"] != "ACTIVE" else {}


def _log_group(stack: Stack, resource: Resource) -> dict[str, Any] | None:
    logs = client("logs", stack.account, stack.region)
    groups = logs.describe_log_groups(logGroupNamePrefix=resource.physical_id)["logGroups"]
    match = [g for g in groups if g["logGroupName"] == resource.physical_id]
    if not match:
        return None
    actual = {"LogGroupName": match[0]["logGroupName"]}
    if "retentionInDays" in match[0]:
        actual["RetentionInDays"] = match[0]["retentionInDays"]
    return actual


def _parameter(stack: Stack, resource: Resource) -> dict[str, Any] | None:
    ssm = client("ssm", stack.account, stack.region)
    try:
        found = ssm.get_parameter(Name=resource.physical_id)["Parameter"]
    except Exception:
        return None
    return {"Name": found["Name"], "Type": found["Type"], "Value": found["Value"]}


READERS: dict[str, Reader] = {
    "AWS::ECS::Service": _ecs_service,
    "AWS::ECS::Cluster": _ecs_cluster,
    "AWS::ECS::TaskDefinition": _task_definition,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::SSM::Parameter": _parameter,
}

# Types CloudFormation's drift detection does not check ("Resource type support"; nested stacks:
# DetectStackDrift "doesn't detect drift on any nested stacks"). Custom resources are any
# ``Custom::`` type as well.
NOT_CHECKED_TYPES = frozenset(
    {
        "AWS::CloudFormation::CustomResource",
        "AWS::CloudFormation::Stack",
        "AWS::CloudFormation::WaitCondition",
        "AWS::CloudFormation::WaitConditionHandle",
        "AWS::CDK::Metadata",
    }
)


def checked_on_aws(resource_type: str) -> bool:
    """Whether CloudFormation's drift detection checks resources of this type."""
    return not (resource_type.startswith("Custom::") or resource_type in NOT_CHECKED_TYPES)


# Properties the readers do not report (identity, or not comparable in this shape).
IGNORED = {"AWS::ECS::Service": {"Cluster", "ServiceName"}, "AWS::ECS::TaskDefinition": None}


def differences(expected: Any, actual: Any, path: str = "") -> list[dict[str, Any]]:
    """Property differences the way CloudFormation lists them (PropertyPath, values, type)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[dict[str, Any]] = []
        for key, value in expected.items():
            # A key the reader does not report cannot be compared (it is not known removed).
            if key in actual:
                found += differences(value, actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=False))
            for d in differences(e, a, f"{path}/{i}")
        ]
    if _scalar(expected) == _scalar(actual):
        return []
    return [_difference(path, expected, actual, "NOT_EQUAL")]


def detect(stack: Stack, resource: Resource) -> dict[str, Any]:
    """One resource's StackResourceDrift."""
    reader = READERS.get(resource.type)
    answer: dict[str, Any] = {
        "StackId": stack.stack_id,
        "LogicalResourceId": resource.logical_id,
        "PhysicalResourceId": resource.physical_id,
        "ResourceType": resource.type,
        "Timestamp": now(),
    }
    if reader is None:
        status = "UNKNOWN" if checked_on_aws(resource.type) else "NOT_CHECKED"
        return {**answer, "StackResourceDriftStatus": status}
    expected = _comparable(resource)
    actual = reader(stack, resource)
    answer["ExpectedProperties"] = json.dumps(expected, sort_keys=True)
    if actual is None:
        return {**answer, "StackResourceDriftStatus": "DELETED"}
    found = differences(expected, actual) if resource.type != "AWS::ECS::TaskDefinition" else []
    answer["ActualProperties"] = json.dumps({**expected, **actual}, sort_keys=True, default=str)
    answer["PropertyDifferences"] = found
    answer["StackResourceDriftStatus"] = "MODIFIED" if found else "IN_SYNC"
    return answer


def _comparable(resource: Resource) -> dict[str, Any]:
    ignored = IGNORED.get(resource.type, set())
    if ignored is None:
        return dict(resource.properties)
    return {k: v for k, v in resource.properties.items() if k not in ignored and k != "Tags"}


def _difference(path: str, expected: Any, actual: Any, kind: str) -> dict[str, Any]:
    return {
        "PropertyPath": path,
        "ExpectedValue": _text(expected),
        "ActualValue": _text(actual),
        "DifferenceType": kind,
    }


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        return str(value)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)
