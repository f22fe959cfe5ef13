"""ElastiCache: cache subnet groups and single-engine cache clusters (Redis OSS, Memcached)."""

from __future__ import annotations

import re
import time
from typing import Any, ClassVar

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_SET,
    STRINGS,
    block,
    comp,
    opt,
    optc,
    req,
)

SETTLE_S = 1200.0
"""How long a cluster may take to become available or go (the real provider's defaults:
40 min to create, 40 to delete; the emulator needs seconds)."""
CACHE_NODE = ["object", {"address": STRING, "availability_zone": STRING, "id": STRING,
                         "outpost_arn": STRING, "port": NUMBER}]  # fmt: skip


class _Cache(Resource):
    @property
    def api(self) -> Any:
        return self.ctx.client("elasticache")

    def _tags(self, arn: str) -> dict[str, str]:
        return tag_dict(self.api.list_tags_for_resource(ResourceName=arn).get("TagList"))

    def _sync_tags(self, arn: str, prior: State, planned: State) -> None:
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        if [k for k in old if k not in new]:
            self.api.remove_tags_from_resource(
                ResourceName=arn, TagKeys=[k for k in old if k not in new]
            )
        if {k: v for k, v in new.items() if old.get(k) != v}:
            changed = {k: v for k, v in new.items() if old.get(k) != v}
            self.api.add_tags_to_resource(ResourceName=arn, Tags=tag_list(changed))


class SubnetGroup(_Cache):
    type_name = "aws_elasticache_subnet_group"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("name", STRING, force_new=True),
        opt("description", STRING, default="Managed by Terraform"),
        req("subnet_ids", STRING_SET),
        comp("vpc_id", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        self.api.create_cache_subnet_group(
            CacheSubnetGroupName=planned["name"],
            CacheSubnetGroupDescription=planned["description"],
            SubnetIds=list(planned["subnet_ids"]),
            Tags=tag_list(self.tags_for_api(planned)),
        )
        # AWS stores the name lower-cased; so does the real provider's id
        return self.read({**planned, "id": planned["name"].lower()}) or planned

    def read(self, state: State) -> State | None:
        try:
            group = self.api.describe_cache_subnet_groups(CacheSubnetGroupName=state["id"])[
                "CacheSubnetGroups"
            ][0]
        except Exception as exc:
            if not_found(exc, "CacheSubnetGroupNotFoundFault"):
                return None
            raise
        arn = group.get("ARN") or (
            f"arn:aws:elasticache:{self.ctx.region}:{self.ctx.account_id}:subnetgroup:{state['id']}"
        )
        out = {
            **state,
            "id": group["CacheSubnetGroupName"],
            "name": group["CacheSubnetGroupName"],
            "arn": arn,
            "region": self.ctx.region,
            "description": group.get("CacheSubnetGroupDescription"),
            "subnet_ids": [s["SubnetIdentifier"] for s in group.get("Subnets", [])],
            "vpc_id": group.get("VpcId"),
        }
        out["tags"], out["tags_all"] = self.split_tags(state, self._tags(arn))
        return out

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        return name == "name" and isinstance(prior, str) and prior.lower() == fresh

    def update(self, prior: State, planned: State) -> State:
        if (planned["description"], sorted(planned["subnet_ids"])) != (
            prior.get("description"), sorted(prior.get("subnet_ids") or [])):  # fmt: skip
            self.api.modify_cache_subnet_group(
                CacheSubnetGroupName=prior["id"],
                CacheSubnetGroupDescription=planned["description"],
                SubnetIds=list(planned["subnet_ids"]),
            )
        self._sync_tags(prior["arn"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.api.delete_cache_subnet_group(CacheSubnetGroupName=state["id"])


def version_matches(configured: str, actual: str) -> bool:
    """The real provider keeps a configured ``6.x`` or major.minor (``6.2``) in state while the
    cluster runs a version it covers (``6.2.6``), and shows the running one as
    ``engine_version_actual``."""
    if configured == actual:
        return True
    major = re.fullmatch(r"(\d+)\.x", configured)
    if major:
        return actual.split(".")[0] == major.group(1)
    return re.fullmatch(r"\d+\.\d+", configured) is not None and actual.startswith(configured + ".")


class Cluster(_Cache):
    type_name = "aws_elasticache_cluster"
    unsupported: ClassVar[dict[str, str]] = {
        "replication_group_id": "clusters in a replication group are not implemented",
        "snapshot_arns": "restoring from a snapshot is not implemented",
        "snapshot_name": "restoring from a snapshot is not implemented",
        "preferred_outpost_arn": "Outposts are not emulated",
        "outpost_mode": "Outposts are not emulated",
        "notification_topic_arn": "notifications are not implemented",
    }
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("cluster_id", STRING, force_new=True),
        optc("engine", STRING, force_new=True),
        optc("engine_version", STRING),
        comp("engine_version_actual", STRING),
        optc("node_type", STRING),
        optc("num_cache_nodes", NUMBER),
        optc("parameter_group_name", STRING),
        optc("port", NUMBER, force_new=True),
        optc("subnet_group_name", STRING, force_new=True),
        optc("security_group_ids", STRING_SET),
        optc("availability_zone", STRING, force_new=True),
        optc("az_mode", STRING),
        optc("apply_immediately", BOOL),
        opt("auto_minor_version_upgrade", STRING, default="true"),
        opt("final_snapshot_identifier", STRING),
        optc("ip_discovery", STRING),
        optc("network_type", STRING, force_new=True),
        optc("maintenance_window", STRING),
        optc("snapshot_window", STRING),
        opt("snapshot_retention_limit", NUMBER),
        optc("transit_encryption_enabled", BOOL, force_new=True),
        optc("replication_group_id", STRING, force_new=True),
        opt("snapshot_arns", STRINGS, force_new=True),
        opt("snapshot_name", STRING, force_new=True),
        opt("preferred_availability_zones", STRINGS),
        optc("preferred_outpost_arn", STRING, force_new=True),
        opt("outpost_mode", STRING, force_new=True),
        opt("notification_topic_arn", STRING),
        comp("cache_nodes", ["list", CACHE_NODE]),
        comp("cluster_address", STRING), comp("configuration_endpoint", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "CacheClusterId": planned["cluster_id"],
            "Tags": tag_list(self.tags_for_api(planned)),
        }
        for key, api in (
            ("engine", "Engine"), ("engine_version", "EngineVersion"),
            ("node_type", "CacheNodeType"), ("num_cache_nodes", "NumCacheNodes"),
            ("parameter_group_name", "CacheParameterGroupName"), ("port", "Port"),
            ("subnet_group_name", "CacheSubnetGroupName"),
            ("availability_zone", "PreferredAvailabilityZone"), ("az_mode", "AZMode"),
            ("maintenance_window", "PreferredMaintenanceWindow"),
            ("snapshot_window", "SnapshotWindow"),
            ("snapshot_retention_limit", "SnapshotRetentionLimit"),
            ("ip_discovery", "IpDiscovery"), ("network_type", "NetworkType"),
            ("transit_encryption_enabled", "TransitEncryptionEnabled"),
        ):  # fmt: skip
            value = planned.get(key)
            if value not in (None, ""):
                args[api] = int(value) if isinstance(value, float) else value
        if planned.get("security_group_ids"):
            args["SecurityGroupIds"] = list(planned["security_group_ids"])
        if planned.get("preferred_availability_zones"):
            args["PreferredAvailabilityZones"] = list(planned["preferred_availability_zones"])
        args["AutoMinorVersionUpgrade"] = planned.get("auto_minor_version_upgrade") != "false"
        self.api.create_cache_cluster(**args)
        ident = planned["cluster_id"].lower()
        self._wait(ident, "available")
        return self.read({**planned, "id": ident}) or planned

    def _describe(self, ident: str) -> dict[str, Any] | None:
        try:
            found = self.api.describe_cache_clusters(CacheClusterId=ident, ShowCacheNodeInfo=True)[
                "CacheClusters"
            ]
        except Exception as exc:
            if not_found(exc, "CacheClusterNotFound"):
                return None
            raise
        return found[0] if found else None

    def _wait(self, ident: str, wanted: str) -> None:
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            cluster = self._describe(ident)
            status = cluster["CacheClusterStatus"] if cluster else "deleted"
            if status == wanted:
                return
            time.sleep(self.ctx.poll_s("elasticache"))
        raise ProviderError(
            f"ElastiCache cluster {ident} did not become {wanted} in {SETTLE_S:.0f} s"
        )

    def read(self, state: State) -> State | None:
        cluster = self._describe(state["id"])
        if cluster is None:
            return None
        arn = cluster.get("ARN") or (
            f"arn:aws:elasticache:{self.ctx.region}:{self.ctx.account_id}:cluster:{state['id']}"
        )
        nodes = cluster.get("CacheNodes") or []
        endpoint = cluster.get("ConfigurationEndpoint") or {}
        actual = cluster.get("EngineVersion") or ""
        out = {
            **state,
            "id": cluster["CacheClusterId"],
            "cluster_id": cluster["CacheClusterId"],
            "arn": arn,
            "region": self.ctx.region,
            "engine": cluster.get("Engine"),
            "engine_version": actual,
            "engine_version_actual": actual,
            "node_type": cluster.get("CacheNodeType"),
            "num_cache_nodes": cluster.get("NumCacheNodes"),
            "parameter_group_name": (cluster.get("CacheParameterGroup") or {}).get(
                "CacheParameterGroupName"
            ),
            "port": (nodes[0].get("Endpoint") or {}).get("Port") if nodes else state.get("port"),
            "subnet_group_name": cluster.get("CacheSubnetGroupName"),
            "security_group_ids": [
                g["SecurityGroupId"] for g in cluster.get("SecurityGroups") or []
            ],
            "availability_zone": cluster.get("PreferredAvailabilityZone"),
            "az_mode": state.get("az_mode")
            if isinstance(state.get("az_mode"), str)
            else "single-az",
            "maintenance_window": cluster.get("PreferredMaintenanceWindow"),
            "snapshot_window": cluster.get("SnapshotWindow") or "",
            "snapshot_retention_limit": cluster.get("SnapshotRetentionLimit"),
            "ip_discovery": cluster.get("IpDiscovery") or "ipv4",
            "network_type": cluster.get("NetworkType") or "ipv4",
            "transit_encryption_enabled": bool(cluster.get("TransitEncryptionEnabled")),
            "auto_minor_version_upgrade": str(cluster.get("AutoMinorVersionUpgrade", True)).lower(),
            "replication_group_id": cluster.get("ReplicationGroupId") or "",
            "preferred_outpost_arn": cluster.get("PreferredOutpostArn") or "",
            "cluster_address": endpoint.get("Address"),
            "configuration_endpoint": f"{endpoint['Address']}:{endpoint['Port']}"
            if endpoint
            else None,
            "cache_nodes": [
                {
                    "id": n.get("CacheNodeId"),
                    "address": (n.get("Endpoint") or {}).get("Address"),
                    "port": (n.get("Endpoint") or {}).get("Port"),
                    "availability_zone": n.get("CustomerAvailabilityZone"),
                    "outpost_arn": n.get("CustomerOutpostArn") or "",
                }
                for n in nodes
            ],
        }
        out["tags"], out["tags_all"] = self.split_tags(state, self._tags(arn))
        return out

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        if name == "engine_version" and isinstance(prior, str) and isinstance(fresh, str):
            return version_matches(prior, fresh)
        return False

    def update(self, prior: State, planned: State) -> State:
        args: dict[str, Any] = {}
        for key, api in (
            ("engine_version", "EngineVersion"), ("node_type", "CacheNodeType"),
            ("num_cache_nodes", "NumCacheNodes"),
            ("parameter_group_name", "CacheParameterGroupName"),
            ("maintenance_window", "PreferredMaintenanceWindow"),
            ("snapshot_window", "SnapshotWindow"),
            ("snapshot_retention_limit", "SnapshotRetentionLimit"),
        ):  # fmt: skip
            if planned.get(key) is not None and planned.get(key) != prior.get(key):
                value = planned[key]
                args[api] = int(value) if isinstance(value, float) else value
        if planned.get("security_group_ids") is not None and sorted(
            planned["security_group_ids"]
        ) != sorted(prior.get("security_group_ids") or []):
            args["SecurityGroupIds"] = list(planned["security_group_ids"])
        if args:
            self.api.modify_cache_cluster(
                CacheClusterId=prior["id"],
                ApplyImmediately=bool(planned.get("apply_immediately")),
                **args,
            )
            self._wait(prior["id"], "available")
        self._sync_tags(prior["arn"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        args: dict[str, Any] = {"CacheClusterId": state["id"]}
        if state.get("final_snapshot_identifier"):
            args["FinalSnapshotIdentifier"] = state["final_snapshot_identifier"]
        self.api.delete_cache_cluster(**args)
        self._wait(state["id"], "deleted")


RESOURCES: list[type[Resource]] = [SubnetGroup, Cluster]
