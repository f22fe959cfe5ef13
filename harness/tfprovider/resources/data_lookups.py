"""Data sources: the partition, and a Route 53 hosted zone looked up by name or id."""

from __future__ import annotations

from typing import Any

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import DataSource, State, tag_dict
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_MAP,
    STRINGS,
    block,
    comp,
    opt,
    optc,
)


class Partition(DataSource):
    type_name = "aws_partition"
    schema = block(
        comp("dns_suffix", STRING), optc("id", STRING), comp("partition", STRING),
        comp("reverse_dns_prefix", STRING),
    )  # fmt: skip

    def read(self, config: State) -> State:
        # the region decides it (aws, aws-cn, aws-us-gov), as the provider's endpoint data says
        region = self.ctx.region
        partition = "aws-cn" if region.startswith("cn-") else (
            "aws-us-gov" if region.startswith("us-gov-") else "aws")  # fmt: skip
        suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        reverse = "cn.com.amazonaws" if partition == "aws-cn" else "com.amazonaws"
        return {"id": partition, "partition": partition, "dns_suffix": suffix,
                "reverse_dns_prefix": reverse}  # fmt: skip


def zone_name(name: str) -> str:
    """Route 53 names end with a dot; the provider compares and shows them without it."""
    return name.rstrip(".").lower()


class Route53Zone(DataSource):
    type_name = "aws_route53_zone"
    schema = block(
        comp("arn", STRING), comp("caller_reference", STRING), comp("comment", STRING),
        optc("id", STRING), comp("linked_service_description", STRING),
        comp("linked_service_principal", STRING), optc("name", STRING),
        comp("name_servers", STRINGS), comp("primary_name_server", STRING),
        opt("private_zone", BOOL), comp("resource_record_set_count", NUMBER),
        optc("tags", STRING_MAP), opt("vpc_id", STRING), optc("zone_id", STRING),
    )  # fmt: skip

    @property
    def route53(self) -> Any:
        return self.ctx.client("route53")

    def read(self, config: State) -> State:
        zone = self._find(config)
        ident = zone["Id"].split("/")[-1]
        detail = self.route53.get_hosted_zone(Id=ident)
        servers = (detail.get("DelegationSet") or {}).get("NameServers") or []
        tags = self.route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=ident)
        linked = zone.get("LinkedService") or {}
        return {
            "id": ident,
            "zone_id": ident,
            "arn": f"arn:aws:route53:::hostedzone/{ident}",
            "name": zone_name(zone["Name"]),
            "caller_reference": zone.get("CallerReference"),
            "comment": (zone.get("Config") or {}).get("Comment", ""),
            "private_zone": bool((zone.get("Config") or {}).get("PrivateZone")),
            "resource_record_set_count": zone.get("ResourceRecordSetCount"),
            "name_servers": servers,
            "primary_name_server": servers[0] if servers else None,
            "linked_service_principal": linked.get("ServicePrincipal"),
            "linked_service_description": linked.get("Description"),
            "tags": tag_dict(tags.get("ResourceTagSet", {}).get("Tags")),
        }

    def _find(self, config: State) -> dict[str, Any]:
        if config.get("zone_id"):
            zone: dict[str, Any] = self.route53.get_hosted_zone(Id=config["zone_id"])["HostedZone"]
            return zone
        wanted = zone_name(config.get("name") or "")
        private = bool(config.get("private_zone"))
        found = [
            z
            for page in self.route53.get_paginator("list_hosted_zones").paginate()
            for z in page["HostedZones"]
            if zone_name(z["Name"]) == wanted
            and bool((z.get("Config") or {}).get("PrivateZone")) == private
        ]
        if len(found) != 1:
            raise ProviderError(
                "no matching Route 53 Hosted Zone found" if not found
                else "multiple Route 53 Hosted Zones matched; use additional constraints",
                f"name {wanted!r}, private_zone {private}",
            )  # fmt: skip
        first: dict[str, Any] = found[0]
        return first


DATA_SOURCES: list[type[DataSource]] = [Partition, Route53Zone]
