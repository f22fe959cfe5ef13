"""The infra-update change kinds: how each changes the app settings, and how to see it took effect.

Seeing is done against the running deployment through the naming contract (never a tool's
state), so the answer is the same whichever tool made the change.
"""

from __future__ import annotations

from dataclasses import replace

from harness.contract import WEB, EnvNames
from harness.drivers.base import AppSettings
from harness.endpoint import Endpoint
from harness.records import ChangeKind

CHANGED_RETENTION_DAYS = 14
CHANGED_GRACE_S = 120
CHANGED_LOG_LEVEL = "DEBUG"


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
    raise ValueError(f"unknown change kind {kind!r}")


def change_in_effect(endpoint: Endpoint, names: EnvNames, kind: ChangeKind) -> bool | None:
    """Whether the running deployment shows the change of ``kind`` (None for ``none``)."""
    if kind is ChangeKind.NONE:
        return None
    if kind is ChangeKind.UNRELATED:
        logs = endpoint.client("logs")
        groups = logs.describe_log_groups(logGroupNamePrefix=names.log_group(WEB))["logGroups"]
        return any(g.get("retentionInDays") == CHANGED_RETENTION_DAYS for g in groups)
    ecs = endpoint.client("ecs")
    service = ecs.describe_services(cluster=names.cluster, services=[names.service(WEB)])[
        "services"
    ][0]
    if kind is ChangeKind.SERVICE:
        return bool(service.get("healthCheckGracePeriodSeconds") == CHANGED_GRACE_S)
    task_def = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])[
        "taskDefinition"
    ]
    container = next(c for c in task_def["containerDefinitions"] if c["name"] == WEB)
    env = {e["name"]: e["value"] for e in container.get("environment", [])}
    return env.get("DJANGO_LOG_LEVEL") == CHANGED_LOG_LEVEL
