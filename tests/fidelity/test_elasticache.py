"""Conformance of the emulator's ElastiCache (``harness/fidelity/elasticache.py``).

Sources: ElastiCache User Guide, "Supported engines and versions" (for Redis OSS 6 "you can
specify 6.x" and the cluster runs the latest 6.x; a major.minor request gets that minor's
latest patch); API reference DescribeCacheClusters (``EngineVersion``: "The version of the
cache engine that is used in this cluster"), DeleteCacheCluster and DeleteReplicationGroup
(the answer says ``deleting``; afterwards CacheClusterNotFound / ReplicationGroupNotFoundFault).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.emulator import Emulator

pytestmark = pytest.mark.services("elasticache")


@pytest.fixture
def elasticache(emulator: Emulator) -> Any:
    return emulator.endpoint.client("elasticache")


def cluster(elasticache: Any, version: str | None) -> dict[str, Any]:
    name = f"c{uuid.uuid4().hex[:8]}"
    extra = {"EngineVersion": version} if version else {}
    created = elasticache.create_cache_cluster(
        CacheClusterId=name, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1,
        **extra,
    )  # fmt: skip
    answer: dict[str, Any] = created["CacheCluster"]
    return answer


@pytest.mark.parametrize(
    ("requested", "runs"),
    [("6.x", "6.2.6"), ("6.2", "6.2.6"), ("7.1", "7.1.0"), ("6.2.6", "6.2.6")],
)
def test_the_engine_version_is_the_one_that_runs(
    elasticache: Any, requested: str, runs: str
) -> None:
    made = cluster(elasticache, requested)
    described = elasticache.describe_cache_clusters(CacheClusterId=made["CacheClusterId"])
    assert described["CacheClusters"][0]["EngineVersion"] == runs
    elasticache.delete_cache_cluster(CacheClusterId=made["CacheClusterId"])


def test_a_deleted_cluster_is_deleting_then_gone(elasticache: Any) -> None:
    made = cluster(elasticache, "6.x")
    name = made["CacheClusterId"]
    answer = elasticache.delete_cache_cluster(CacheClusterId=name)["CacheCluster"]
    assert answer["CacheClusterStatus"] == "deleting"
    with pytest.raises(ClientError) as caught:
        elasticache.describe_cache_clusters(CacheClusterId=name)
    assert caught.value.response["Error"]["Code"] == "CacheClusterNotFound"
    waiter = elasticache.get_waiter("cache_cluster_deleted")
    waiter.wait(CacheClusterId=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 5})


def test_a_deleted_replication_group_is_gone(elasticache: Any) -> None:
    name = f"g{uuid.uuid4().hex[:8]}"
    elasticache.create_replication_group(
        ReplicationGroupId=name, ReplicationGroupDescription="test", Engine="redis",
        EngineVersion="7.1", CacheNodeType="cache.t3.micro",
    )  # fmt: skip
    answer = elasticache.delete_replication_group(ReplicationGroupId=name)["ReplicationGroup"]
    assert answer["Status"] == "deleting"
    with pytest.raises(ClientError) as caught:
        elasticache.describe_replication_groups(ReplicationGroupId=name)
    assert caught.value.response["Error"]["Code"] == "ReplicationGroupNotFoundFault"


def test_a_cluster_lists_its_nodes_with_their_endpoint(elasticache: Any) -> None:
    """API reference "CacheNode": DescribeCacheClusters with ShowCacheNodeInfo lists each node
    (id ``0001``, ``available``, an endpoint address and the cluster's port)."""
    name = cluster(elasticache, "7.1")["CacheClusterId"]
    found = elasticache.describe_cache_clusters(CacheClusterId=name, ShowCacheNodeInfo=True)
    nodes = found["CacheClusters"][0]["CacheNodes"]
    assert [n["CacheNodeId"] for n in nodes] == ["0001"]
    assert nodes[0]["CacheNodeStatus"] == "available"
    assert nodes[0]["Endpoint"]["Address"].startswith(f"{name}.")
    assert nodes[0]["Endpoint"]["Address"].endswith(".cache.amazonaws.com")
    assert nodes[0]["Endpoint"]["Port"] == 6379
    elasticache.delete_cache_cluster(CacheClusterId=name)


def test_a_cluster_reports_its_parameter_group_and_security_groups(elasticache: Any) -> None:
    """API reference "CacheCluster": ``CacheParameterGroup`` and ``SecurityGroups``."""
    name = f"c{uuid.uuid4().hex[:8]}"
    elasticache.create_cache_cluster(
        CacheClusterId=name, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1,
        EngineVersion="6.x", CacheParameterGroupName="default.redis6.x",
        SecurityGroupIds=["sg-12345678"],
    )  # fmt: skip
    found = elasticache.describe_cache_clusters(CacheClusterId=name)["CacheClusters"][0]
    assert found["CacheParameterGroup"]["CacheParameterGroupName"] == "default.redis6.x"
    assert found["SecurityGroups"] == [{"SecurityGroupId": "sg-12345678", "Status": "active"}]
    elasticache.delete_cache_cluster(CacheClusterId=name)


def test_a_subnet_group_is_deleted_unless_a_cluster_uses_it(
    elasticache: Any, emulator: Emulator
) -> None:
    """API reference DeleteCacheSubnetGroup: an empty answer; CacheSubnetGroupInUse while a
    cluster uses the group; afterwards CacheSubnetGroupNotFoundFault."""
    ec2 = emulator.endpoint.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.1.0/24")["Subnet"]["SubnetId"]
    group = f"g{uuid.uuid4().hex[:8]}"
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName=group, CacheSubnetGroupDescription="d", SubnetIds=[subnet]
    )
    name = f"c{uuid.uuid4().hex[:8]}"
    elasticache.create_cache_cluster(
        CacheClusterId=name, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1,
        CacheSubnetGroupName=group,
    )  # fmt: skip
    with pytest.raises(ClientError) as refused:
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName=group)
    assert refused.value.response["Error"]["Code"] == "CacheSubnetGroupInUse"
    elasticache.delete_cache_cluster(CacheClusterId=name)
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName=group)
    with pytest.raises(ClientError) as gone:
        elasticache.describe_cache_subnet_groups(CacheSubnetGroupName=group)
    assert gone.value.response["Error"]["Code"] == "CacheSubnetGroupNotFoundFault"


def test_nodes_are_listed_only_when_asked_for(elasticache: Any) -> None:
    """API reference DescribeCacheClusters, ShowCacheNodeInfo: "An optional flag that can be
    included in the DescribeCacheCluster request to retrieve information about the
    individual cache nodes"."""
    name = cluster(elasticache, "7.1")["CacheClusterId"]
    found = elasticache.describe_cache_clusters(CacheClusterId=name)["CacheClusters"][0]
    assert "CacheNodes" not in found
    elasticache.delete_cache_cluster(CacheClusterId=name)
