"""Elastic IPs and NAT gateways (the VPC module's way out of private subnets)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.resources.ec2 import Ec2Resource
from harness.tfprovider.resources.timeouts import timeouts
from harness.tfprovider.schema import STRING, block, comp, opt, optc
from harness.tfprovider.values import UNKNOWN

SETTLE_S = 600.0
"""How long a NAT gateway may take to become available or deleted (the real default: 10 min
to create, 30 to delete; the emulator needs seconds)."""


class Eip(Ec2Resource):
    type_name = "aws_eip"
    kind = "elastic-ip"
    unsupported: ClassVar[dict[str, str]] = {
        "customer_owned_ipv4_pool": "Outposts are not emulated",
        "ipam_pool_id": "IPAM is not emulated",
    }
    ASSOCIATIONS: ClassVar[tuple[str, ...]] = (
        "instance", "network_interface", "associate_with_private_ip",
    )  # fmt: skip
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        opt("address", STRING, force_new=True),
        opt("associate_with_private_ip", STRING),
        optc("domain", STRING, force_new=True),
        optc("instance", STRING),
        optc("network_interface", STRING),
        optc("network_border_group", STRING, force_new=True),
        optc("public_ipv4_pool", STRING, force_new=True),
        opt("customer_owned_ipv4_pool", STRING),
        optc("ipam_pool_id", STRING, force_new=True),
        comp("allocation_id", STRING), comp("association_id", STRING),
        comp("carrier_ip", STRING), comp("customer_owned_ip", STRING),
        comp("private_dns", STRING), comp("private_ip", STRING), comp("ptr_record", STRING),
        comp("public_dns", STRING), comp("public_ip", STRING),
        timeouts("delete", "read", "update"),
    )  # fmt: skip

    def plan(self, prior: State | None, planned: State) -> State:
        # the address's association is computed too (a NAT gateway's interface shows here):
        # only a configured change is refused
        for name in self.ASSOCIATIONS:
            value, before = planned.get(name), (prior or {}).get(name)
            if value not in (None, "", UNKNOWN) and value != before:
                raise ProviderError(
                    f"aws_eip.{name} is not implemented by the stand-in provider",
                    "associating an address with an instance or interface is not implemented",
                )
        return super().plan(prior, planned)

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {"Domain": planned.get("domain") or "vpc"}
        if planned.get("address"):
            args["Address"] = planned["address"]
        if planned.get("public_ipv4_pool"):
            args["PublicIpv4Pool"] = planned["public_ipv4_pool"]
        spec = self.tag_spec("elastic-ip", planned)
        ident = self.ec2.allocate_address(**args, TagSpecifications=spec)["AllocationId"]
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        try:
            found = self.ec2.describe_addresses(AllocationIds=[state["id"]])["Addresses"]
        except Exception as exc:
            if not_found(exc, "InvalidAllocationID"):
                return None
            raise
        if not found:
            return None
        eip = found[0]
        public_ip = eip.get("PublicIp") or ""
        dashed = public_ip.replace(".", "-")
        out = {
            **state,
            "id": eip["AllocationId"],
            "allocation_id": eip["AllocationId"],
            "arn": self.arn(eip["AllocationId"]),
            "region": self.ctx.region,
            "domain": eip.get("Domain", "vpc"),
            "public_ip": public_ip,
            "public_ipv4_pool": eip.get("PublicIpv4Pool") or "amazon",
            "network_border_group": eip.get("NetworkBorderGroup") or self.ctx.region,
            "association_id": eip.get("AssociationId") or "",
            "instance": eip.get("InstanceId") or "",
            "network_interface": eip.get("NetworkInterfaceId") or "",
            "private_ip": eip.get("PrivateIpAddress") or "",
            "private_dns": None,
            "carrier_ip": eip.get("CarrierIp") or "",
            "customer_owned_ip": eip.get("CustomerOwnedIp") or "",
            "ipam_pool_id": state.get("ipam_pool_id") or None,
            "ptr_record": "",
            # the provider derives it (no API field): ec2-<ip>.compute-1 in us-east-1
            "public_dns": f"ec2-{dashed}.compute-1.amazonaws.com"
            if self.ctx.region == "us-east-1"
            else f"ec2-{dashed}.{self.ctx.region}.compute.amazonaws.com",
        }
        return self.with_tags(state, out, eip.get("Tags"))

    def update(self, prior: State, planned: State) -> State:
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ec2.release_address(AllocationId=state["id"])


class NatGateway(Ec2Resource):
    type_name = "aws_nat_gateway"
    kind = "natgateway"
    unsupported: ClassVar[dict[str, str]] = {
        "secondary_allocation_ids": "secondary addresses are not implemented",
        "secondary_private_ip_addresses": "secondary addresses are not implemented",
    }
    schema = block(
        optc("id", STRING), REGION, *TAGS,
        opt("allocation_id", STRING, force_new=True),
        opt("connectivity_type", STRING, force_new=True, default="public"),
        optc("private_ip", STRING, force_new=True),
        opt("subnet_id", STRING, force_new=True),
        optc("secondary_allocation_ids", ["set", STRING]),
        optc("secondary_private_ip_addresses", ["set", STRING]),
        optc("secondary_private_ip_address_count", "number", force_new=True),
        comp("association_id", STRING), comp("network_interface_id", STRING),
        comp("public_ip", STRING),
        timeouts("create", "delete", "update"),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "SubnetId": planned["subnet_id"],
            "ConnectivityType": planned.get("connectivity_type") or "public",
            "TagSpecifications": self.tag_spec("natgateway", planned),
        }
        if planned.get("allocation_id"):
            args["AllocationId"] = planned["allocation_id"]
        if planned.get("private_ip"):
            args["PrivateIpAddress"] = planned["private_ip"]
        ident = self.ec2.create_nat_gateway(**args)["NatGateway"]["NatGatewayId"]
        self._wait(ident, "available")
        return self.read({**planned, "id": ident}) or planned

    def _describe(self, ident: str) -> dict[str, Any] | None:
        try:
            found = self.ec2.describe_nat_gateways(NatGatewayIds=[ident])["NatGateways"]
        except Exception as exc:
            if not_found(exc, "NatGatewayNotFound", "InvalidNatGatewayID"):
                return None
            raise
        return found[0] if found else None

    def _wait(self, ident: str, wanted: str) -> None:
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            gateway = self._describe(ident)
            state = gateway["State"] if gateway else "deleted"
            if state == wanted:
                return
            if state == "failed":
                raise ProviderError(
                    f"NAT gateway {ident} failed",
                    str(gateway.get("FailureMessage")) if gateway else "",
                )
            time.sleep(self.ctx.poll_s("ec2"))
        raise ProviderError(f"NAT gateway {ident} did not become {wanted} in {SETTLE_S:.0f} s")

    def read(self, state: State) -> State | None:
        gateway = self._describe(state["id"])
        if gateway is None or gateway["State"] == "deleted":
            return None
        addresses = gateway.get("NatGatewayAddresses") or [{}]
        primary = next((a for a in addresses if a.get("IsPrimary", True)), addresses[0])
        out = {
            **state,
            "id": gateway["NatGatewayId"],
            "region": self.ctx.region,
            "subnet_id": gateway["SubnetId"],
            "connectivity_type": gateway.get("ConnectivityType", "public"),
            "allocation_id": primary.get("AllocationId") or None,
            "association_id": primary.get("AssociationId") or "",
            "network_interface_id": primary.get("NetworkInterfaceId") or "",
            "private_ip": primary.get("PrivateIp") or "",
            "public_ip": primary.get("PublicIp") or "",
            "secondary_allocation_ids": [],
            "secondary_private_ip_addresses": [],
            "secondary_private_ip_address_count": 0,
        }
        return self.with_tags(state, out, gateway.get("Tags"))

    def update(self, prior: State, planned: State) -> State:
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ec2.delete_nat_gateway(NatGatewayId=state["id"])
        self._wait(state["id"], "deleted")


RESOURCES: list[type[Resource]] = [Eip, NatGateway]
