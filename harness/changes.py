"""The infra-update change kinds: how each changes the app settings, and how to see it took effect.

Seeing is done against the running deployment through the naming contract (never a tool's
state), so the answer is the same whichever tool made the change.
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from typing import Any

from harness.contract import WEB, EnvNames
from harness.drivers.base import AppSettings
from harness.endpoint import Endpoint
from harness.records import ChangeKind

CHANGED_RETENTION_DAYS = 14
CHANGED_GRACE_S = 120
CHANGED_LOG_LEVEL = "DEBUG"
CHANGED_WEB_DESIRED_COUNT = 2
CHANGED_TASK_CPU, CHANGED_TASK_MEMORY = 512, 1024
"""A valid Fargate size (0.5 vCPU, 1 GiB) next to the default 256 / 512."""


def ingress_cidr(env: str) -> str:
    """The CIDR the 'security group rule' change lets in: one of its own per environment, so
    environments sharing a base (and its security group) never add the same rule."""
    h = zlib.crc32(env.encode())
    return f"100.64.{h % 256}.{(h >> 8) % 256}/32"


def apply_change(settings: AppSettings, kind: ChangeKind) -> AppSettings:
    """``settings`` with the knob of ``kind`` turned (unchanged for ``none``)."""
    if kind is ChangeKind.NONE:
        return settings
    if kind is ChangeKind.UNRELATED:
        return replace(settings, log_retention_days=CHANGED_RETENTION_DAYS)
    if kind is ChangeKind.SERVICE:
        return replace(settings, web_health_check_grace_s=CHANGED_GRACE_S)
    if kind is ChangeKind.TASK_DEFINITION:
        env = dict(settings.web_environment) | {"DJANGO_LOG_LEVEL": CHANGED_LOG_LEVEL}
        return replace(settings, web_environment=tuple(sorted(env.items())))
    if kind is ChangeKind.DESIRED_COUNT:
        return replace(settings, web_desired_count=CHANGED_WEB_DESIRED_COUNT)
    if kind is ChangeKind.TASK_SIZE:
        return replace(settings, task_cpu=CHANGED_TASK_CPU, task_memory=CHANGED_TASK_MEMORY)
    if kind is ChangeKind.SECURITY_GROUP_RULE:
        return replace(settings, app_ingress_cidr=ingress_cidr(settings.env))
    if kind is ChangeKind.SERVICE_REPLACEMENT:
        renamed = EnvNames(settings.env, settings.base).renamed_service(WEB)
        return replace(settings, web_service_name=renamed)
    raise ValueError(f"unknown change kind {kind!r}")


def change_in_effect(endpoint: Endpoint, names: EnvNames, kind: ChangeKind) -> bool | None:
    """Whether the running deployment shows the change of ``kind`` (None for ``none``)."""
    if kind is ChangeKind.NONE:
        return None
    if kind is ChangeKind.UNRELATED:
        logs = endpoint.client("logs")
        groups = logs.describe_log_groups(logGroupNamePrefix=names.log_group(WEB))["logGroups"]
        return any(g.get("retentionInDays") == CHANGED_RETENTION_DAYS for g in groups)
    if kind is ChangeKind.SECURITY_GROUP_RULE:
        return _rule_in_place(endpoint, names)
    ecs = endpoint.client("ecs")
    if kind is ChangeKind.SERVICE_REPLACEMENT:
        renamed = names.renamed_service(WEB)
        found = ecs.describe_services(cluster=names.cluster, services=[renamed])["services"]
        return any(s["status"] == "ACTIVE" for s in found)
    service = ecs.describe_services(cluster=names.cluster, services=[names.service(WEB)])[
        "services"
    ][0]
    if kind is ChangeKind.SERVICE:
        return bool(service.get("healthCheckGracePeriodSeconds") == CHANGED_GRACE_S)
    if kind is ChangeKind.DESIRED_COUNT:
        return bool(service.get("desiredCount") == CHANGED_WEB_DESIRED_COUNT)
    task_def = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])[
        "taskDefinition"
    ]
    if kind is ChangeKind.TASK_SIZE:
        size = (str(task_def.get("cpu")), str(task_def.get("memory")))
        return size == (str(CHANGED_TASK_CPU), str(CHANGED_TASK_MEMORY))
    container = next(
        c for c in task_def["containerDefinitions"] if c["name"] == names.container(WEB)
    )
    env = {e["name"]: e["value"] for e in container.get("environment", [])}
    return env.get("DJANGO_LOG_LEVEL") == CHANGED_LOG_LEVEL


def _rule_in_place(endpoint: Endpoint, names: EnvNames) -> bool:
    """Whether the base's app security group (found by its tags) lets the env's CIDR in."""
    ec2 = endpoint.client("ec2")
    filters = [
        {"Name": "tag:base", "Values": [names.base]},
        {"Name": "tag:role", "Values": ["app"]},
    ]
    groups: list[dict[str, Any]] = ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
    cidr = ingress_cidr(names.env)
    return any(
        r.get("CidrIp") == cidr
        for g in groups
        for p in g.get("IpPermissions", [])
        for r in p.get("IpRanges", [])
    )
