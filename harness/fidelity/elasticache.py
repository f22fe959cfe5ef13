"""ElastiCache engine versions as AWS resolves them, and deletions that finish.

moto 5.2.5 stores ``EngineVersion`` exactly as requested, so a Redis OSS cluster created with
``6.x`` reports ``6.x`` (hashicorp/aws then fails: it parses the version it reads back), and
DeleteCacheCluster / DeleteReplicationGroup leave the object ``deleting`` for ever, so any
waiter for the deletion times out. ElastiCache's documentation ("Supported engines and
versions"): for Redis OSS 6 "you can specify ``6.x`` ... and ElastiCache uses the latest 6.x
version"; a major.minor request gets that minor's latest patch release, and DescribeCacheClusters
reports the version that runs. A deleted cluster or group is ``deleting`` in the delete's answer
and then no longer found (CacheClusterNotFound, ReplicationGroupNotFoundFault). moto 5.2.5 also
reports no ``CacheNodes``; AWS lists each node (DescribeCacheClusters with ShowCacheNodeInfo,
API reference "CacheNode": id ``0001``..., status, endpoint address and port, its zone), which
is where a single-node Redis OSS cluster's address is read (hashicorp/aws's ``cache_nodes``),
nor the cluster's ``CacheParameterGroup`` and ``SecurityGroups`` (both in the API reference's
CacheCluster); and it has no DeleteCacheSubnetGroup (its answer is empty; a group a cluster
uses is refused with CacheSubnetGroupInUse). Conformance: ``tests/fidelity/test_elasticache.py``.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any

from moto.core.responses import EmptyResult
from moto.elasticache import exceptions as moto_exceptions
from moto.elasticache import models as moto_models
from moto.elasticache import responses as moto_responses

models: Any = moto_models  # moto's internals, patched at run time: not an API
responses: Any = moto_responses
exceptions: Any = moto_exceptions


class CacheSubnetGroupInUse(exceptions.ElastiCacheException):  # type: ignore[misc]
    code = "CacheSubnetGroupInUse"

    def __init__(self, name: str) -> None:
        super().__init__(f"Cache subnet group {name} is currently in use by a cache cluster.")


LATEST: dict[str, dict[str, str]] = {
    "redis": {
        "": "7.1.0",
        "6.x": "6.2.6",
        "6.0": "6.0.5",
        "6.2": "6.2.6",
        "7.0": "7.0.7",
        "7.1": "7.1.0",
    },
    "valkey": {"": "8.0.1", "7.2": "7.2.6", "8.0": "8.0.1"},
    "memcached": {"": "1.6.22"},
}
"""Per engine, a requested version -> the one ElastiCache creates ("": none requested)."""


def resolved_version(engine: str | None, requested: str | None) -> str | None:
    """The engine version ElastiCache runs for ``requested``; an unknown request unchanged."""
    versions = LATEST.get((engine or "redis").lower(), {})
    return versions.get(requested or "", requested)


_SHOW_NODES: contextvars.ContextVar[bool] = contextvars.ContextVar("show_nodes", default=False)
"""Whether the request being answered asked for ShowCacheNodeInfo (AWS lists nodes only then)."""


def cache_nodes(cluster: Any) -> list[dict[str, Any]] | None:
    """The nodes AWS lists for a cluster (``<cluster>.<6 chars>.<node>.<region>.cache.amazonaws.com``)."""
    if not _SHOW_NODES.get():
        return None
    region = str(getattr(cluster, "region_name", "") or cluster.arn.split(":")[3])
    short = "".join(part[0] for part in region.split("-")[:-1]) + region.split("-")[-1]
    tag = cluster.cache_node_id.replace("-", "")[:6]
    return [
        {
            "CacheNodeId": f"{n:04d}",
            "CacheNodeStatus": "available",
            "CacheNodeCreateTime": cluster.cache_cluster_create_time,
            "Endpoint": {
                "Address": f"{cluster.cache_cluster_id}.{tag}.{n:04d}.{short}.cache.amazonaws.com",
                "Port": cluster.port,
            },
            "ParameterGroupStatus": "in-sync",
            "CustomerAvailabilityZone": cluster.preferred_availability_zone or f"{region}a",
        }
        for n in range(1, int(cluster.num_cache_nodes or 1) + 1)
    ]


def parameter_group(cluster: Any) -> dict[str, Any]:
    """The cluster's parameter group as AWS reports it (the engine's default when none named)."""
    name = cluster.cache_parameter_group_name or _default_group(cluster)
    return {"CacheParameterGroupName": name, "ParameterApplyStatus": "in-sync",
            "CacheNodeIdsToReboot": []}  # fmt: skip


def _default_group(cluster: Any) -> str:
    version = str(cluster.engine_version or "")
    family = version.split(".")[0] + (".x" if version.split(".")[0] >= "6" else "")
    return f"default.{cluster.engine}{family}"


def security_groups(cluster: Any) -> list[dict[str, str]]:
    return [{"SecurityGroupId": g, "Status": "active"} for g in cluster.security_group_ids]


def delete_cache_subnet_group(self: Any, cache_subnet_group_name: str) -> None:
    if cache_subnet_group_name not in self.cache_subnet_groups:
        raise exceptions.CacheSubnetGroupNotFound(cache_subnet_group_name)
    if any(
        c.cache_subnet_group_name == cache_subnet_group_name for c in self.cache_clusters.values()
    ):
        raise CacheSubnetGroupInUse(cache_subnet_group_name)
    del self.cache_subnet_groups[cache_subnet_group_name]


def _delete_subnet_group_response(self: Any) -> Any:
    self.elasticache_backend.delete_cache_subnet_group(self._get_param("CacheSubnetGroupName"))
    return EmptyResult()


def _showing_nodes(describe: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(describe)
    def wrapped(self: Any) -> Any:
        wanted = str(self._get_param("ShowCacheNodeInfo")).lower() == "true"
        token = _SHOW_NODES.set(wanted)
        try:
            # the answer is serialized later, outside this call: make it a value now
            return self.serialized(describe(self))
        finally:
            _SHOW_NODES.reset(token)

    return wrapped


def install() -> None:
    models.CacheCluster.cache_nodes = property(cache_nodes)
    responses.ElastiCacheResponse.describe_cache_clusters = _showing_nodes(
        responses.ElastiCacheResponse.describe_cache_clusters
    )
    models.CacheCluster.cache_parameter_group = property(parameter_group)
    models.CacheCluster.security_groups = property(security_groups)
    models.ElastiCacheBackend.delete_cache_subnet_group = delete_cache_subnet_group
    responses.ElastiCacheResponse.delete_cache_subnet_group = _delete_subnet_group_response
    backend = models.ElastiCacheBackend
    backend.create_cache_cluster = _resolving(backend.create_cache_cluster)
    backend.create_replication_group = _resolving(backend.create_replication_group)
    backend.delete_cache_cluster = _forgetting(
        backend.delete_cache_cluster, "cache_clusters", "cache_cluster_id"
    )
    backend.delete_replication_group = _forgetting(
        backend.delete_replication_group, "replication_groups", "replication_group_id"
    )


def _resolving(create: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(create)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        if "engine_version" in kwargs:
            engine = kwargs.get("engine") or "redis"
            kwargs["engine_version"] = resolved_version(engine, kwargs["engine_version"])
        return create(self, *args, **kwargs)

    return wrapped


def _forgetting(delete: Callable[..., Any], store: str, key: str) -> Callable[..., Any]:
    """``delete``, after which the object is gone (its answer still says ``deleting``)."""

    @functools.wraps(delete)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        deleted = delete(self, *args, **kwargs)
        getattr(self, store).pop(kwargs.get(key, args[0] if args else None), None)
        return deleted

    return wrapped
