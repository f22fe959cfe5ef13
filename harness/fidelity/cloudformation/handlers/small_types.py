"""AWS::Logs::LogStream and AWS::ECS::ClusterCapacityProviderAssociations through their APIs.

moto 5.2.5 has no CloudFormation model for either (``briancaffey/cdk-django``'s app stack
uses both). Sources, the AWS resource and property types reference:

- AWS::Logs::LogStream: ``LogGroupName`` (required), ``LogStreamName`` (optional, else
  generated); Ref returns the stream name. Both properties require replacement.
- AWS::ECS::ClusterCapacityProviderAssociations: ``Cluster``, ``CapacityProviders``,
  ``DefaultCapacityProviderStrategy`` (each ``CapacityProvider``, ``Weight``, ``Base``), set
  with PutClusterCapacityProviders; Ref returns the cluster name. Deleting it leaves the
  cluster with no capacity providers (PutClusterCapacityProviders with empty lists).
"""

from __future__ import annotations

from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import (
    AttributesFromCreate,
    Provisioned,
    ResourceContext,
)
from harness.fidelity.cloudformation.model import Resource


class LogStreamHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = properties.get("LogStreamName") or ctx.physical_name(512)
        client("logs", ctx.account, ctx.region).create_log_stream(
            logGroupName=properties["LogGroupName"], logStreamName=name
        )
        return Provisioned(name)

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return Provisioned(resource.physical_id)  # both properties require replacement

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        logs = client("logs", ctx.account, ctx.region)
        try:
            logs.delete_log_stream(
                logGroupName=resource.properties["LogGroupName"], logStreamName=resource.physical_id
            )
        except logs.exceptions.ResourceNotFoundException:
            return None  # its group went first (deleting a group deletes its streams)


def _strategy(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = {"CapacityProvider": "capacityProvider", "Weight": "weight", "Base": "base"}
    return [
        {keys[k]: (int(v) if k != "CapacityProvider" else v) for k, v in item.items() if k in keys}
        for item in items
    ]


class CapacityProviderAssociationsHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        cluster = str(properties["Cluster"])
        client("ecs", ctx.account, ctx.region).put_cluster_capacity_providers(
            cluster=cluster,
            capacityProviders=list(properties.get("CapacityProviders") or []),
            defaultCapacityProviderStrategy=_strategy(
                properties.get("DefaultCapacityProviderStrategy") or []
            ),
        )
        return Provisioned(cluster)

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return self.create(ctx, properties)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        ecs = client("ecs", ctx.account, ctx.region)
        try:
            ecs.put_cluster_capacity_providers(
                cluster=resource.physical_id,
                capacityProviders=[],
                defaultCapacityProviderStrategy=[],
            )
        except ecs.exceptions.ClusterNotFoundException:
            return None
