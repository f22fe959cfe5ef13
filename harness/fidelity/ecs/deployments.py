"""The Deployment object of a service, and the service events ECS writes about it.

Shapes and wording follow the ECS API reference (Deployment, ServiceEvent data types) and the
service event messages of the developer guide ("Viewing Amazon ECS service event messages").
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

DEFAULT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
IN_PROGRESS_REASON = "ECS deployment in progress."
FAILED_REASON = "ECS deployment circuit breaker: tasks failed to start."


def new(service: Any, created_at: datetime | None = None) -> dict[str, Any]:
    """A PRIMARY deployment, IN_PROGRESS, of the service's current task definition."""
    now = created_at or utcnow()
    return {
        "id": f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}",
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": now,
        "updatedAt": now,
        "launchType": service.launch_type,
        "platformVersion": service.platform_version,
        "platformFamily": getattr(service, "platform_family", None),
        "networkConfiguration": service.network_configuration or None,
        "capacityProviderStrategy": getattr(service, "capacity_provider_strategy", None),
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": IN_PROGRESS_REASON,
    }


def configuration(service: Any) -> dict[str, Any]:
    return {**DEFAULT_CONFIGURATION, **(getattr(service, "deployment_configuration", None) or {})}


def bounds(service: Any, desired: int) -> tuple[int, int]:
    """(most tasks running or pending, fewest healthy tasks) during a rolling deployment.

    DeploymentConfiguration: maximumPercent is "rounded down to the nearest integer",
    minimumHealthyPercent "rounded up".
    """
    config = configuration(service)
    most = desired * int(config.get("maximumPercent", 200)) // 100
    fewest = math.ceil(desired * int(config.get("minimumHealthyPercent", 100)) / 100)
    return most, fewest


def breaker_threshold(desired: int) -> int:
    """ServiceDeploymentCircuitBreaker.threshold: 0.5 * desired count, between 3 and 200."""
    return min(max(math.ceil(0.5 * desired), 3), 200)


def event(service: Any, message: str, at: datetime | None = None) -> None:
    """Add a service event (newest first), worded ``(service NAME) ...`` as ECS words them."""
    service.events.insert(
        0,
        {
            "id": str(mock_random.uuid4()),
            "createdAt": at or utcnow(),
            "message": f"(service {service.name}) {message}",
        },
    )
