"""Conformance: the types briancaffey/cdk-django's example needs that moto has no model for.

Sources, the AWS resource and property types reference: AWS::ElastiCache::CacheCluster
("Ref returns the resource name"; Fn::GetAtt ``RedisEndpoint.Address``, ``RedisEndpoint.Port``),
AWS::ElastiCache::SubnetGroup (Ref: the name; ``Description``, ``SubnetIds``),
AWS::ElastiCache::ParameterGroup (Ref: the name), AWS::Logs::LogStream (Ref: the stream
name), AWS::ECS::ClusterCapacityProviderAssociations (Ref: the cluster name; the cluster's
capacity providers and default strategy are the template's, as DescribeClusters reports them).
ElastiCache's CreateCacheCluster reference: Redis OSS listens on 6379 unless ``Port`` says
otherwise. Deleting the stack deletes each of them.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from harness import cfn_wait
from harness.endpoint import Endpoint

pytestmark = pytest.mark.services("cloudformation", "ec2", "elasticache", "logs", "ecs")


def template(suffix: str) -> dict[str, Any]:
    vpc = {"Ref": "Vpc"}
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.60.0.0/16"}},
            "S1": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": vpc,
                    "CidrBlock": "10.60.1.0/24",
                    "AvailabilityZone": "us-east-1a",
                },
            },
            "S2": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": vpc,
                    "CidrBlock": "10.60.2.0/24",
                    "AvailabilityZone": "us-east-1b",
                },
            },
            "Sg": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "redis", "VpcId": vpc},
            },
            "CacheSubnets": {
                "Type": "AWS::ElastiCache::SubnetGroup",
                "Properties": {
                    "Description": "Subnet group for ElastiCache",
                    "SubnetIds": [{"Ref": "S1"}, {"Ref": "S2"}],
                },
            },
            "CacheParameters": {
                "Type": "AWS::ElastiCache::ParameterGroup",
                "Properties": {
                    "CacheParameterGroupFamily": "redis7",
                    "Description": "params",
                    "Properties": {},
                },
            },
            "Redis": {
                "Type": "AWS::ElastiCache::CacheCluster",
                "Properties": {
                    "CacheNodeType": "cache.t4g.micro",
                    "Engine": "redis",
                    "EngineVersion": "7.0",
                    "NumCacheNodes": 1,
                    "CacheSubnetGroupName": {"Ref": "CacheSubnets"},
                    "CacheParameterGroupName": {"Ref": "CacheParameters"},
                    "VpcSecurityGroupIds": [{"Fn::GetAtt": ["Sg", "GroupId"]}],
                    "Tags": [{"Key": "env", "Value": suffix}],
                },
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": f"/ecs/{suffix}/gunicorn/"},
            },
            "Stream": {
                "Type": "AWS::Logs::LogStream",
                "Properties": {"LogGroupName": {"Ref": "Logs"}, "LogStreamName": "gunicorn"},
            },
            "Cluster": {
                "Type": "AWS::ECS::Cluster",
                "Properties": {"ClusterName": f"{suffix}-cluster"},
            },
            "Providers": {
                "Type": "AWS::ECS::ClusterCapacityProviderAssociations",
                "Properties": {
                    "Cluster": {"Ref": "Cluster"},
                    "CapacityProviders": ["FARGATE", "FARGATE_SPOT"],
                    "DefaultCapacityProviderStrategy": [{"CapacityProvider": "FARGATE"}],
                },
            },
        },
        "Outputs": {
            **{
                f"Ref{lid}": {"Value": {"Ref": lid}}
                for lid in ("CacheSubnets", "CacheParameters", "Redis", "Stream", "Providers")
            },
            "Address": {"Value": {"Fn::GetAtt": ["Redis", "RedisEndpoint.Address"]}},
            "Port": {"Value": {"Fn::GetAtt": ["Redis", "RedisEndpoint.Port"]}},
        },
    }


def test_cache_cluster_log_stream_and_capacity_providers_are_created_and_deleted(
    aws_endpoint: Endpoint,
) -> None:
    cf = aws_endpoint.client("cloudformation")
    suffix = uuid.uuid4().hex[:8]
    name = f"cdkdjango-{suffix}"
    cf.create_stack(StackName=name, TemplateBody=json.dumps(template(suffix)))
    cfn_wait.stack(cf, name, "create")
    stack = cf.describe_stacks(StackName=name)["Stacks"][0]
    try:
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        out = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        cache = aws_endpoint.client("elasticache")
        cluster = cache.describe_cache_clusters(CacheClusterId=out["RefRedis"],
                                                ShowCacheNodeInfo=True)["CacheClusters"][0]  # fmt: skip
        assert cluster["Engine"] == "redis"
        assert cluster["CacheSubnetGroupName"] == out["RefCacheSubnets"]
        node = cluster["CacheNodes"][0]["Endpoint"]
        assert (out["Address"], out["Port"]) == (node["Address"], "6379")
        group = cache.describe_cache_subnet_groups(CacheSubnetGroupName=out["RefCacheSubnets"])
        described = group["CacheSubnetGroups"][0]
        assert described["CacheSubnetGroupDescription"] == "Subnet group for ElastiCache"
        assert len(described["Subnets"]) == 2
        assert out["RefCacheParameters"]
        streams = aws_endpoint.client("logs").describe_log_streams(
            logGroupName=f"/ecs/{suffix}/gunicorn/"
        )["logStreams"]
        assert [s["logStreamName"] for s in streams] == [out["RefStream"]] == ["gunicorn"]
        assert out["RefProviders"] == f"{suffix}-cluster"
        ecs_cluster = aws_endpoint.client("ecs").describe_clusters(clusters=[f"{suffix}-cluster"])[
            "clusters"
        ][0]
        assert ecs_cluster["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
        assert [s["capacityProvider"] for s in ecs_cluster["defaultCapacityProviderStrategy"]] == [
            "FARGATE"
        ]
    finally:
        cf.delete_stack(StackName=name)
        assert cfn_wait.stack(cf, stack["StackId"], "delete") == "DELETE_COMPLETE"
    cache = aws_endpoint.client("elasticache")
    with pytest.raises(cache.exceptions.CacheClusterNotFoundFault):
        cache.describe_cache_clusters(CacheClusterId=out["RefRedis"])
    with pytest.raises(cache.exceptions.CacheSubnetGroupNotFoundFault):
        cache.describe_cache_subnet_groups(CacheSubnetGroupName=out["RefCacheSubnets"])
