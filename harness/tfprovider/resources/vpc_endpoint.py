"""VPC endpoints: Gateway (route tables) and Interface (subnets, security groups, private DNS)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, TAGS, json_equal, not_found
from harness.tfprovider.resources.ec2 import Ec2Resource
from harness.tfprovider.resources.timeouts import timeouts
from harness.tfprovider.schema import BOOL, STRING, STRING_SET, STRINGS, block, comp, opt, optc, req

DNS_ENTRY = ["list", ["object", {"dns_name": STRING, "hosted_zone_id": STRING}]]
SETTLE_S = 600.0


class VpcEndpoint(Ec2Resource):
    type_name = "aws_vpc_endpoint"
    kind = "vpc-endpoint"
    unsupported: ClassVar[dict[str, str]] = {
        "resource_configuration_arn": "VPC Lattice is not emulated",
        "service_network_arn": "VPC Lattice is not emulated",
    }
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("vpc_id", STRING, force_new=True),
        opt("service_name", STRING, force_new=True),
        opt("vpc_endpoint_type", STRING, force_new=True, default="Gateway"),
        opt("auto_accept", BOOL),
        optc("policy", STRING),
        optc("private_dns_enabled", BOOL),
        optc("ip_address_type", STRING),
        optc("route_table_ids", STRING_SET),
        optc("subnet_ids", STRING_SET),
        optc("security_group_ids", STRING_SET),
        opt("resource_configuration_arn", STRING, force_new=True),
        opt("service_network_arn", STRING, force_new=True),
        comp("cidr_blocks", STRINGS), comp("dns_entry", DNS_ENTRY),
        comp("network_interface_ids", STRING_SET), comp("owner_id", STRING),
        comp("prefix_list_id", STRING), comp("requester_managed", BOOL), comp("state", STRING),
        timeouts("create", "delete", "update"),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "VpcId": planned["vpc_id"],
            "ServiceName": planned["service_name"],
            "VpcEndpointType": planned.get("vpc_endpoint_type") or "Gateway",
            "TagSpecifications": self.tag_spec("vpc-endpoint", planned),
        }
        for key, api in (("route_table_ids", "RouteTableIds"), ("subnet_ids", "SubnetIds"),
                         ("security_group_ids", "SecurityGroupIds")):  # fmt: skip
            if planned.get(key):
                args[api] = list(planned[key])
        if isinstance(planned.get("private_dns_enabled"), bool):
            args["PrivateDnsEnabled"] = planned["private_dns_enabled"]
        if isinstance(planned.get("policy"), str) and planned["policy"]:
            args["PolicyDocument"] = planned["policy"]
        ident = self.ec2.create_vpc_endpoint(**args)["VpcEndpoint"]["VpcEndpointId"]
        self._wait(ident, ("available", "pendingAcceptance"))
        return self.read({**planned, "id": ident}) or planned

    def _describe(self, ident: str) -> dict[str, Any] | None:
        try:
            found = self.ec2.describe_vpc_endpoints(VpcEndpointIds=[ident])["VpcEndpoints"]
        except Exception as exc:
            if not_found(exc, "InvalidVpcEndpointId", "InvalidVpcEndpoint"):
                return None
            raise
        return found[0] if found else None

    def _wait(self, ident: str, wanted: tuple[str, ...]) -> None:
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            endpoint = self._describe(ident)
            state = str(endpoint["State"]).lower() if endpoint else "deleted"
            if state in {w.lower() for w in wanted}:
                return
            if state in ("failed", "rejected"):
                raise ProviderError(f"VPC endpoint {ident} is {state}")
            time.sleep(self.ctx.poll_s("ec2"))
        raise ProviderError(f"VPC endpoint {ident} did not become {wanted[0]} in {SETTLE_S:.0f} s")

    def read(self, state: State) -> State | None:
        endpoint = self._describe(state["id"])
        if endpoint is None or str(endpoint.get("State")).lower() == "deleted":
            return None
        kind = endpoint.get("VpcEndpointType", "Gateway")
        out = {
            **state,
            "id": endpoint["VpcEndpointId"],
            "arn": self.arn(endpoint["VpcEndpointId"]),
            "region": self.ctx.region,
            "vpc_id": endpoint["VpcId"],
            "service_name": endpoint["ServiceName"],
            "vpc_endpoint_type": kind,
            "state": str(endpoint.get("State")).lower(),
            "policy": endpoint.get("PolicyDocument") or "",
            "private_dns_enabled": bool(endpoint.get("PrivateDnsEnabled")),
            "ip_address_type": endpoint.get("IpAddressType")
            or ("ipv4" if kind == "Interface" else ""),
            "route_table_ids": endpoint.get("RouteTableIds") or [],
            "subnet_ids": endpoint.get("SubnetIds") or [],
            "security_group_ids": [g["GroupId"] for g in endpoint.get("Groups") or []],
            "network_interface_ids": endpoint.get("NetworkInterfaceIds") or [],
            "requester_managed": bool(endpoint.get("RequesterManaged")),
            "owner_id": endpoint.get("OwnerId") or self.ctx.account_id,
            "dns_entry": [
                {"dns_name": d.get("DnsName"), "hosted_zone_id": d.get("HostedZoneId")}
                for d in endpoint.get("DnsEntries") or []
            ],
            "prefix_list_id": state.get("prefix_list_id") or None,
            "cidr_blocks": state.get("cidr_blocks") or [],
        }
        if kind == "Gateway":  # the service's prefix list, as the real provider reads it
            lists = self.ec2.describe_prefix_lists(
                Filters=[{"Name": "prefix-list-name", "Values": [endpoint["ServiceName"]]}]
            ).get("PrefixLists", [])
            if lists:
                out["prefix_list_id"] = lists[0]["PrefixListId"]
                out["cidr_blocks"] = lists[0].get("Cidrs") or []
        return self.with_tags(state, out, endpoint.get("Tags"))

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        return name == "policy" and json_equal(prior, fresh)

    def update(self, prior: State, planned: State) -> State:
        args: dict[str, Any] = {}
        for key, add, remove in (
            ("route_table_ids", "AddRouteTableIds", "RemoveRouteTableIds"),
            ("subnet_ids", "AddSubnetIds", "RemoveSubnetIds"),
            ("security_group_ids", "AddSecurityGroupIds", "RemoveSecurityGroupIds"),
        ):
            if planned.get(key) is None:
                continue
            old, new = set(prior.get(key) or []), set(planned[key])
            if new - old:
                args[add] = sorted(new - old)
            if old - new:
                args[remove] = sorted(old - new)
        if isinstance(planned.get("private_dns_enabled"), bool) and planned[
            "private_dns_enabled"
        ] != prior.get("private_dns_enabled"):
            args["PrivateDnsEnabled"] = planned["private_dns_enabled"]
        if isinstance(planned.get("policy"), str) and not json_equal(
            planned["policy"], prior.get("policy")
        ):
            args["PolicyDocument"] = planned["policy"]
        if args:
            self.ec2.modify_vpc_endpoint(VpcEndpointId=prior["id"], **args)
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ec2.delete_vpc_endpoints(VpcEndpointIds=[state["id"]])
        self._wait(state["id"], ("deleted",))


RESOURCES: list[type[Resource]] = [VpcEndpoint]
