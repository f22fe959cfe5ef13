"""Services whose deployments roll over and settle, keeping every property they were given.

moto 5.2.5 leaves a service's ``runningCount`` at 0 (so the ``services_stable`` waiter never
succeeds), and its UpdateService swaps the task definition without a new deployment (the
PRIMARY deployment keeps naming the old revision); CreateService drops several Fargate
properties. Here, as the ECS API reference describes the Deployment object and UpdateService:

- CreateService starts one PRIMARY deployment, rolloutState IN_PROGRESS, whose tasks are
  running (``runningCount == desiredCount``, rolloutState COMPLETED) after ``deployment_s``;
- a new task definition, ``forceNewDeployment`` or a new network configuration starts a new
  PRIMARY deployment; the previous one turns ACTIVE and drains away when the new one completes;
- a new ``desiredCount`` changes the PRIMARY deployment's target, reached after ``deployment_s``.

State is settled lazily, from the wall clock, whenever a service is described or updated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from moto.core.utils import utcnow
from moto.ecs import models as moto_models
from moto.ecs import responses as moto_responses
from moto.ecs.exceptions import EcsClientException
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from harness.fidelity.ecs.simulation import state

# UpdateService parameters that make ECS start a new deployment (they are part of the
# Deployment object itself), besides a new task definition and forceNewDeployment.
_DEPLOYMENT_PROPERTIES = ("network_configuration", "platform_version", "capacity_provider_strategy")
_DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
_READY_AT = "_harness_ready_at"  # private deployment key: not in the API shape, never serialized

_lock = threading.RLock()

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
models: Any = moto_models
responses: Any = moto_responses


def install() -> None:
    backend = models.EC2ContainerServiceBackend
    backend.create_service = _creating(backend.create_service)
    backend.update_service = _update_service
    backend.describe_services = _settling(backend.describe_services)
    backend.delete_service = _deleting(backend.delete_service)
    backend.describe_clusters = _counting(backend.describe_clusters)
    responses.EC2ContainerServiceResponse.create_service = _keeping(
        responses.EC2ContainerServiceResponse.create_service
    )


# CreateService ---------------------------------------------------------------------------
def _creating(original: Callable[..., Any]) -> Callable[..., Any]:
    """Backend CreateService (also what CloudFormation calls): ECS defaults, a fresh deployment."""

    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        service = original(self, *args, **kwargs)
        with _lock:
            _defaults(service, self.account_id)
            service.deployments = [_new_deployment(service)] if service.deployments else []
            _count(service)
        return service

    return create_service


def _defaults(service: Any, account_id: str) -> None:
    """What DescribeServices shows for properties CreateService was not given."""
    service.health_check_grace_period_seconds = None
    service.enable_execute_command = False
    service.enable_ecs_managed_tags = False
    service.deployment_configuration = dict(_DEFAULT_DEPLOYMENT_CONFIGURATION)
    service.capacity_provider_strategy = None
    service.placement_constraints = []
    service.placement_strategy = []
    # CreateService: "when no value is specified for availabilityZoneRebalancing, Amazon ECS
    # defaults the value to ENABLED" (API reference); a given value is restored by _keeping
    service.availability_zone_rebalancing = "ENABLED"
    if service.launch_type == "FARGATE":
        service.platform_version = service.platform_version or "LATEST"
        service.platform_family = "Linux"
    service.created_at = utcnow()
    service.created_by = f"arn:{get_partition(service.region_name)}:iam::{account_id}:root"


def _keeping(original: Callable[..., Any]) -> Callable[..., Any]:
    """CreateService request handler: keep the parameters moto's backend call leaves out."""

    def create_service(self: Any) -> Any:
        result = original(self)
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        given = {name: self._get_param(key) for key, name in _DROPPED_BY_MOTO.items()}
        with _lock:
            for name, value in given.items():
                if value is not None:
                    setattr(service, name, value)
            if service.deployments:
                service.deployments[0]["capacityProviderStrategy"] = (
                    service.capacity_provider_strategy
                )
        return result

    return create_service


# CreateService parameters moto's response layer does not pass on -> attribute names.
_DROPPED_BY_MOTO = {
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableExecuteCommand": "enable_execute_command",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "deploymentConfiguration": "deployment_configuration",
    "capacityProviderStrategy": "capacity_provider_strategy",
    "placementConstraints": "placement_constraints",
    "placementStrategy": "placement_strategy",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
}


# UpdateService ---------------------------------------------------------------------------
def _update_service(self: Any, service_properties: dict[str, Any]) -> Any:
    """UpdateService (parameters snake_cased, as moto's response layer passes them)."""
    props = dict(service_properties)
    cluster = props.pop("cluster", None) or "default"
    service = self._get_service(cluster, str(props.pop("service")).split("/")[-1])
    task_definition = props.pop("task_definition", None)
    force = bool(props.pop("force_new_deployment", False))
    desired_count = props.pop("desired_count", None)
    with _lock:
        _settle(service)
        redeploy = force
        if task_definition:
            definition = self.describe_task_definition(task_definition)
            if definition.status != "ACTIVE":
                raise EcsClientException(f"TaskDefinition is inactive: {definition.arn}")
            redeploy = redeploy or definition.arn != service.task_definition
            service.task_definition = definition.arn
        for name, value in props.items():
            if value is None:
                continue
            if name == "network_configuration":
                value = service._validate_network(value)
            redeploy = redeploy or (
                name in _DEPLOYMENT_PROPERTIES and value != getattr(service, name, None)
            )
            setattr(service, name, value)
        if desired_count is not None:
            _scale(service, int(desired_count))
        if redeploy and service.deployments:
            _redeploy(service)
        _count(service)
    return service


def _scale(service: Any, desired_count: int) -> None:
    service.desired_count = desired_count
    primary = service.deployments[0] if service.deployments else None
    if primary is not None and primary["desiredCount"] != desired_count:
        primary["desiredCount"] = desired_count
        primary["pendingCount"] = max(desired_count - primary["runningCount"], 0)
        primary["updatedAt"] = utcnow()
        primary[_READY_AT] = time.monotonic() + state.timing().deployment_s


def _redeploy(service: Any) -> None:
    for deployment in service.deployments:
        if deployment["status"] == "PRIMARY":
            deployment["status"] = "ACTIVE"
            deployment["updatedAt"] = utcnow()
    service.deployments.insert(0, _new_deployment(service))


def _new_deployment(service: Any) -> dict[str, Any]:
    now = utcnow()
    deployment_id = f"ecs-svc/{mock_random.randint(0, 10**19)}"
    return {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": service.desired_count,
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
        "rolloutStateReason": "ECS deployment in progress.",
        _READY_AT: time.monotonic() + state.timing().deployment_s,
    }


# settling --------------------------------------------------------------------------------
def _settling(original: Callable[..., Any]) -> Callable[..., Any]:
    def describe_services(self: Any, *args: Any, **kwargs: Any) -> Any:
        services, failures = original(self, *args, **kwargs)
        with _lock:
            for service in services:
                _settle(service)
        return services, failures

    return describe_services


def _settle(service: Any) -> None:
    """Bring ``service`` to what the clock says: tasks started, old deployments drained."""
    if not service.deployments or service.status != "ACTIVE":
        return
    primary = service.deployments[0]
    if primary.get(_READY_AT, 0.0) > time.monotonic():
        _count(service)
        return
    changed = len(service.deployments) > 1
    service.deployments[1:] = []
    if primary["runningCount"] != primary["desiredCount"] or primary["pendingCount"]:
        primary.update(runningCount=primary["desiredCount"], pendingCount=0, updatedAt=utcnow())
        changed = True
    if primary["rolloutState"] == "IN_PROGRESS":
        primary["rolloutState"] = "COMPLETED"
        primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
        _event(
            service, f"(service {service.name}) (deployment {primary['id']}) deployment completed."
        )
        changed = True
    if changed:
        _event(service, f"(service {service.name}) has reached a steady state.")
    _count(service)


def _count(service: Any) -> None:
    service.running_count = sum(d["runningCount"] for d in service.deployments)
    service.pending_count = sum(d["pendingCount"] for d in service.deployments)


def _event(service: Any, message: str) -> None:
    service.events.insert(
        0, {"id": str(mock_random.uuid4()), "createdAt": utcnow(), "message": message}
    )


# deletion and the cluster's counts --------------------------------------------------------
# moto keeps a cluster's task counts incrementally, and this layer changes service counts as
# deployments settle, so the two drift apart: after DeleteService the cluster showed negative
# running and positive pending counts, and the INACTIVE service still ``runningCount 1``.
# The ECS API reference (Cluster: runningTasksCount, pendingTasksCount, activeServicesCount;
# DeleteService: its tasks are stopped) has them counted from what runs, so they are.
def _deleting(original: Callable[..., Any]) -> Callable[..., Any]:
    def delete_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            service = original(self, *args, **kwargs)
            service.desired_count = service.running_count = service.pending_count = 0
            for deployment in service.deployments:
                deployment.update(desiredCount=0, runningCount=0, pendingCount=0)
            return service

    return delete_service


def _counting(original: Callable[..., Any]) -> Callable[..., Any]:
    def describe_clusters(self: Any, *args: Any, **kwargs: Any) -> Any:
        clusters, failures = original(self, *args, **kwargs)
        with _lock:
            for cluster in clusters:
                _recount(self, cluster)
        return clusters, failures

    return describe_clusters


def _recount(backend: Any, cluster: Any) -> None:
    """The cluster's counts from its ACTIVE services and its tasks started outside a service."""
    services = [s for s in backend.services.values() if s.cluster_name == cluster.name]
    active = [s for s in services if s.status == "ACTIVE"]
    for service in active:
        _settle(service)
    standalone = [
        t
        for t in backend.tasks.get(cluster.name, {}).values()
        if not str(getattr(t, "group", "") or "").startswith("service:")
    ]
    statuses = [t.last_status for t in standalone]
    cluster.active_services_count = len(active)
    cluster.running_tasks_count = sum(s.running_count for s in active) + statuses.count("RUNNING")
    cluster.pending_tasks_count = sum(s.pending_count for s in active) + statuses.count("PENDING")
