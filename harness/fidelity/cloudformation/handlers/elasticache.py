"""AWS::ElastiCache::CacheCluster, SubnetGroup and ParameterGroup through the ElastiCache API.

moto 5.2.5 has no CloudFormation model for any of them (a stack with a Redis cluster, as
``briancaffey/cdk-django``'s base, could not be created). Sources, the AWS resource and
property types reference:

- AWS::ElastiCache::CacheCluster: ``ClusterName`` optional (else CloudFormation generates
  one), ``VpcSecurityGroupIds`` are CreateCacheCluster's ``SecurityGroupIds``; Ref returns
  the cluster name; Fn::GetAtt ``RedisEndpoint.Address``/``.Port`` (Redis OSS) and
  ``ConfigurationEndpoint.Address``/``.Port`` (Memcached).
- AWS::ElastiCache::SubnetGroup: ``CacheSubnetGroupName`` optional, ``Description`` is the
  API's ``CacheSubnetGroupDescription``; Ref returns the name.
- AWS::ElastiCache::ParameterGroup: no name property (CloudFormation generates it), Ref
  returns it; ``CacheParameterGroupFamily``, ``Description``, ``Properties`` (parameter name
  -> value). moto 5.2.5 has no Create/Describe/DeleteCacheParameterGroup: here the group
  exists as the stack's resource only (a cluster naming it is created; DescribeCacheParameterGroups
  does not list it).
"""

from __future__ import annotations

from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import (
    AttributesFromCreate,
    Provisioned,
    ResourceContext,
)
from harness.fidelity.cloudformation.handlers.rds import api_request
from harness.fidelity.cloudformation.model import Resource

NAME_MAX = 40
"""Cluster ids are at most 50 characters (CreateCacheCluster): room for the random suffix."""
CLUSTER_RENAMES = {"ClusterName": "CacheClusterId", "VpcSecurityGroupIds": "SecurityGroupIds"}


def _api(ctx: ResourceContext) -> Any:
    return client("elasticache", ctx.account, ctx.region)


def _renamed(properties: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    return {renames.get(k, k): v for k, v in properties.items()}


class CacheClusterHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = properties.get("ClusterName") or ctx.physical_name(NAME_MAX, lower=True)
        request = api_request(
            _api(ctx), "CreateCacheCluster", _renamed(properties, CLUSTER_RENAMES)
        )
        request["CacheClusterId"] = name
        _api(ctx).create_cache_cluster(**request)
        return Provisioned(name, self._attributes(ctx, name))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        # moto 5.2.5 has no ModifyCacheCluster: the engine records the new properties (what
        # the stack reports); the cluster keeps what it was created with.
        return Provisioned(resource.physical_id, self._attributes(ctx, resource.physical_id))

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _api(ctx).delete_cache_cluster(CacheClusterId=resource.physical_id)

    def _attributes(self, ctx: ResourceContext, name: str) -> dict[str, Any]:
        cluster = _api(ctx).describe_cache_clusters(CacheClusterId=name, ShowCacheNodeInfo=True)[
            "CacheClusters"
        ][0]
        nodes = cluster.get("CacheNodes") or [{}]
        node = nodes[0].get("Endpoint") or {}
        if cluster.get("Engine") == "memcached":
            config = cluster.get("ConfigurationEndpoint") or node
            return {
                "ConfigurationEndpoint.Address": config.get("Address"),
                "ConfigurationEndpoint.Port": str(config.get("Port")),
            }
        return {
            "RedisEndpoint.Address": node.get("Address"),
            "RedisEndpoint.Port": str(node.get("Port")),
        }


SUBNET_GROUP_RENAMES = {"Description": "CacheSubnetGroupDescription"}


class SubnetGroupHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = properties.get("CacheSubnetGroupName") or ctx.physical_name(255, lower=True)
        request = api_request(
            _api(ctx), "CreateCacheSubnetGroup", _renamed(properties, SUBNET_GROUP_RENAMES)
        )
        request["CacheSubnetGroupName"] = name
        _api(ctx).create_cache_subnet_group(**request)
        return Provisioned(name)

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return Provisioned(resource.physical_id)  # moto 5.2.5: no ModifyCacheSubnetGroup

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _api(ctx).delete_cache_subnet_group(CacheSubnetGroupName=resource.physical_id)


class ParameterGroupHandler(AttributesFromCreate):
    """The group as the stack's resource only (moto 5.2.5 has no parameter group API)."""

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        return Provisioned(ctx.physical_name(255, lower=True))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return Provisioned(resource.physical_id)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        return None
