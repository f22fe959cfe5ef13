"""Services whose deployments roll over and settle, keeping every property they were given.

moto 5.2.5 leaves a service's ``runningCount`` at 0 (so the ``services_stable`` waiter never
succeeds), and its UpdateService swaps the task definition without a new deployment (the
PRIMARY deployment keeps naming the old revision); CreateService drops several Fargate
properties. Here, as the ECS API reference describes the Deployment object and UpdateService:

- CreateService starts one PRIMARY deployment, rolloutState IN_PROGRESS, and its tasks;
- a new task definition, ``forceNewDeployment`` or a new network configuration starts a new
  PRIMARY deployment; the previous one turns ACTIVE and drains away as its tasks are replaced;
- a new ``desiredCount`` changes the PRIMARY deployment's target;
- DeleteService drains the service (DRAINING until its tasks stopped, then INACTIVE).

Tasks, counts and rollout states come from :mod:`.scheduler`, brought up to now whenever
the ECS API shows services, tasks or clusters (and ELB shows target health).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.utils import utcnow
from moto.ecs import models as moto_models
from moto.ecs import responses as moto_responses
from moto.ecs.exceptions import EcsClientException
from moto.utilities.utils import get_partition

from harness.fidelity.ecs import deployments, scheduler, targets

# UpdateService parameters that make ECS start a new deployment (they are part of the
# Deployment object itself), besides a new task definition and forceNewDeployment.
_DEPLOYMENT_PROPERTIES = ("network_configuration", "platform_version", "capacity_provider_strategy")
# Backend calls that show services, tasks or clusters: the scheduler catches up first.
_OBSERVERS = (
    "describe_services",
    "list_services",
    "describe_tasks",
    "list_tasks",
    "stop_task",
    "describe_clusters",
    "delete_service",
)
_lock = scheduler.lock

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
models: Any = moto_models
responses: Any = moto_responses


def install() -> None:
    backend = models.EC2ContainerServiceBackend
    backend.create_service = _creating(backend.create_service)
    backend.update_service = _update_service
    for name in _OBSERVERS:
        setattr(backend, name, _settling(getattr(backend, name)))
    backend.delete_service = _deleting(backend.delete_service)
    backend.describe_clusters = _counting(backend.describe_clusters)
    targets.install(_settle_region)
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
            service.deployments = [deployments.new(service)] if service.deployments else []
            scheduler.begin(service, self)
        return service

    return create_service


def _defaults(service: Any, account_id: str) -> None:
    """What DescribeServices shows for properties CreateService was not given."""
    service.health_check_grace_period_seconds = None
    service.enable_execute_command = False
    service.enable_ecs_managed_tags = False
    service.deployment_configuration = dict(deployments.DEFAULT_CONFIGURATION)
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
            scheduler.advance(service, self.ecs_backend)
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
        scheduler.advance(service, self)
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
            service.desired_count = int(desired_count)
        if redeploy and service.deployments:
            _redeploy(service)
        scheduler.advance(service, self)
    return service


def _redeploy(service: Any) -> None:
    for deployment in service.deployments:
        if deployment["status"] == "PRIMARY":
            deployment["status"] = "ACTIVE"
            deployment["updatedAt"] = utcnow()
    service.deployments.insert(0, deployments.new(service))


# observing --------------------------------------------------------------------------------
def _settling(original: Callable[..., Any]) -> Callable[..., Any]:
    def observed(self: Any, *args: Any, **kwargs: Any) -> Any:
        scheduler.settle(self)
        return original(self, *args, **kwargs)

    observed.__name__ = original.__name__
    return observed


def _settle_region(account_id: str, region: str) -> None:
    # dict.get, not []: moto's backend dicts create (or claim) every known region.
    regions = models.ecs_backends.get(account_id)
    backend = None if regions is None else regions.get(region)
    if backend is not None:
        scheduler.settle(backend)


def _deleting(original: Callable[..., Any]) -> Callable[..., Any]:
    """DeleteService (API reference): "the service status moves from ACTIVE to DRAINING" while
    the scheduler stops its tasks, and to INACTIVE once they are stopped."""

    def delete_service(self: Any, cluster_name: str, service_name: str, force: bool) -> Any:
        with _lock:
            service = original(self, cluster_name, service_name, force)
            if scheduler.run_of(service) is not None:
                service.status = "DRAINING"
            scheduler.advance(service, self)
        return service

    return delete_service


def _counting(original: Callable[..., Any]) -> Callable[..., Any]:
    """DescribeClusters: running, pending and active-service counts from what exists (Cluster
    data type: runningTasksCount "in the RUNNING state", pendingTasksCount "in the PENDING
    state", activeServicesCount "in an ACTIVE state")."""

    def describe_clusters(self: Any, *args: Any, **kwargs: Any) -> Any:
        clusters, failures = original(self, *args, **kwargs)
        with _lock:
            for cluster in clusters:
                tasks = list(self.tasks.get(cluster.name, {}).values())
                statuses = [t.last_status for t in tasks]
                cluster.running_tasks_count = statuses.count("RUNNING")
                cluster.pending_tasks_count = statuses.count("PENDING") + statuses.count(
                    "PROVISIONING"
                )
                cluster.active_services_count = sum(
                    s.cluster_name == cluster.name and s.status == "ACTIVE"
                    for s in self.services.values()
                )
        return clusters, failures

    return describe_clusters
