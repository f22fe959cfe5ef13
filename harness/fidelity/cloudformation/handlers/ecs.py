"""AWS::ECS::Cluster, TaskDefinition and Service: every template property sent to the ECS API.

moto's own CloudFormation handlers drop the Fargate properties (launch type, network
configuration, load balancers, cpu/memory, roles). These call the ECS API with the whole
desired state, as CloudFormation's ECS resource provider does: an in-place update of a
service sends every property, including TaskDefinition, even unchanged ones
(aws-cloudformation/cloudformation-coverage-roadmap#1529).
"""

from __future__ import annotations

import time
from typing import Any

from harness.fidelity.cloudformation import operations
from harness.fidelity.cloudformation.errors import ResourceFailed
from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import (
    AttributesFromCreate,
    Provisioned,
    ResourceContext,
)
from harness.fidelity.cloudformation.handlers.shapes import api_tags, camel
from harness.fidelity.cloudformation.model import Resource


def _ecs(ctx: ResourceContext) -> Any:
    return client("ecs", ctx.account, ctx.region)


def _retag(ctx: ResourceContext, arn: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    before = {t["Key"]: t["Value"] for t in old.get("Tags", [])}
    after = {t["Key"]: t["Value"] for t in new.get("Tags", [])}
    removed = sorted(set(before) - set(after))
    if removed:
        _ecs(ctx).untag_resource(resourceArn=arn, tagKeys=removed)
    changed = [{"key": k, "value": v} for k, v in after.items() if before.get(k) != v]
    if changed:
        _ecs(ctx).tag_resource(resourceArn=arn, tags=changed)


class ClusterHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        request = camel({k: v for k, v in properties.items() if k != "Tags"})
        request["clusterName"] = properties.get("ClusterName") or ctx.physical_name()
        if properties.get("Tags"):
            request["tags"] = api_tags(properties["Tags"])
        cluster = _ecs(ctx).create_cluster(**request)["cluster"]
        return Provisioned(cluster["clusterName"], {"Arn": cluster["clusterArn"]})

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        request: dict[str, Any] = {
            k: camel(properties[k])
            for k in ("Settings", "Configuration", "ServiceConnectDefaults")
            if k in properties
        }
        if request:
            _ecs(ctx).update_cluster(cluster=resource.physical_id, **_lower_keys(request))
        _retag(ctx, resource.attributes["Arn"], resource.properties, properties)
        return Provisioned(resource.physical_id, resource.attributes)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _ecs(ctx).delete_cluster(cluster=resource.physical_id)


class TaskDefinitionHandler(AttributesFromCreate):
    """Every property but Tags is create-only: a change registers a new revision."""

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        request = camel({k: v for k, v in properties.items() if k != "Tags"})
        request["family"] = properties.get("Family") or ctx.physical_name()
        if properties.get("Tags"):
            request["tags"] = api_tags(properties["Tags"])
        arn = _ecs(ctx).register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]
        return Provisioned(arn, {"TaskDefinitionArn": arn})

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        _retag(ctx, resource.physical_id, resource.properties, properties)
        return Provisioned(resource.physical_id, resource.attributes)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _ecs(ctx).deregister_task_definition(taskDefinition=resource.physical_id)


# Service properties that update_service takes (the rest are create-only or tags).
_SERVICE_UPDATABLE = (
    "DesiredCount",
    "TaskDefinition",
    "CapacityProviderStrategy",
    "DeploymentConfiguration",
    "NetworkConfiguration",
    "PlacementConstraints",
    "PlacementStrategies",
    "PlatformVersion",
    "HealthCheckGracePeriodSeconds",
    "EnableExecuteCommand",
    "EnableECSManagedTags",
    "LoadBalancers",
    "PropagateTags",
    "ServiceRegistries",
    "ServiceConnectConfiguration",
    "VolumeConfigurations",
    "AvailabilityZoneRebalancing",
)


class ServiceHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        request = camel(
            {k: v for k, v in properties.items() if k not in ("Tags", "PlacementStrategies")}
        )
        request["serviceName"] = properties.get("ServiceName") or ctx.physical_name()
        request.setdefault("desiredCount", 1)  # CloudFormation's default when none is given
        if "PlacementStrategies" in properties:
            request["placementStrategy"] = camel(properties["PlacementStrategies"])
        if properties.get("Tags"):
            request["tags"] = api_tags(properties["Tags"])
        service = _ecs(ctx).create_service(**request)["service"]
        _wait_stable(ctx, service["clusterArn"], service["serviceArn"])
        return Provisioned(
            service["serviceArn"],
            {"ServiceArn": service["serviceArn"], "Name": service["serviceName"]},
        )

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        # The whole desired state, changed or not: this is what rolls back an image that was
        # deployed outside CloudFormation (awslabs/ecs-refarch-continuous-deployment#33).
        request = {k: properties[k] for k in _SERVICE_UPDATABLE if k in properties}
        api = camel({k: v for k, v in request.items() if k != "PlacementStrategies"})
        if "PlacementStrategies" in request:
            api["placementStrategy"] = camel(request["PlacementStrategies"])
        # Without DesiredCount in the template an update keeps the running count.
        cluster = properties.get("Cluster", "default")
        _ecs(ctx).update_service(cluster=cluster, service=resource.physical_id, **api)
        _wait_stable(ctx, cluster, resource.physical_id)
        _retag(ctx, resource.physical_id, resource.properties, properties)
        return Provisioned(resource.physical_id, resource.attributes)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        cluster = resource.properties.get("Cluster", "default")
        _ecs(ctx).update_service(cluster=cluster, service=resource.physical_id, desiredCount=0)
        _ecs(ctx).delete_service(cluster=cluster, service=resource.physical_id, force=True)
        # As CloudFormation's ECS provider: DELETE_COMPLETE once the service is INACTIVE (its
        # tasks stopped and their network interfaces released, so the subnets can go next).
        deadline = time.monotonic() + operations.stabilize_timeout_s(ctx.stack_name)
        while time.monotonic() < deadline:
            found = _ecs(ctx).describe_services(cluster=cluster, services=[resource.physical_id])
            if all(s.get("status") == "INACTIVE" for s in found["services"]):
                return
            operations.pause(0.05)
        raise ResourceFailed(f"Service {resource.physical_id} did not drain in time")


def _wait_stable(ctx: ResourceContext, cluster: str, service: str) -> None:
    """Return once the service is stable, as CloudFormation waits before *_COMPLETE.

    Stable as botocore's ServicesStable waiter defines it: one deployment, and as many
    running tasks as desired. A failed rollout fails the resource (the stack rolls back), as
    does one that never settles (tasks that never start, no circuit breaker) once the
    stabilization timeout has passed: hours on AWS, compressed here (:mod:`..operations`).
    """
    timeout_s = operations.stabilize_timeout_s(ctx.stack_name)
    deadline = time.monotonic() + timeout_s
    while True:
        found = _ecs(ctx).describe_services(cluster=cluster, services=[service])["services"][0]
        deployments = found.get("deployments", [])
        if any(d.get("rolloutState") == "FAILED" for d in deployments):
            raise ResourceFailed(
                f"ECS deployment failed: {deployments[0].get('rolloutStateReason', '')}"
            )
        if len(deployments) <= 1 and found.get("runningCount") == found.get("desiredCount"):
            return
        if time.monotonic() > deadline:
            raise ResourceFailed(
                f"Service {service} did not stabilize within {timeout_s:g}s (compressed)"
            )
        operations.pause(0.05)


def _lower_keys(request: dict[str, Any]) -> dict[str, Any]:
    return {k[:1].lower() + k[1:]: v for k, v in request.items()}
