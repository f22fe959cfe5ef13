"""EC2 routing: route tables, routes, route table associations."""

from __future__ import annotations

import zlib
from typing import Any, ClassVar

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import ARN, ID, REGION, TAGS, not_found
from harness.tfprovider.resources.ec2 import Ec2Resource
from harness.tfprovider.resources.timeouts import timeouts
from harness.tfprovider.schema import STRING, STRING_SET, block, comp, opt, optc, req

ROUTE_FIELDS = {
    "cidr_block": "DestinationCidrBlock",
    "ipv6_cidr_block": "DestinationIpv6CidrBlock",
    "destination_prefix_list_id": "DestinationPrefixListId",
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "network_interface_id": "NetworkInterfaceId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_endpoint_id": "VpcEndpointId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",
    "carrier_gateway_id": "CarrierGatewayId",
    "local_gateway_id": "LocalGatewayId",
    "core_network_arn": "CoreNetworkArn",
}
ROUTE_OBJECT = ["object", {k: STRING for k in sorted(ROUTE_FIELDS)}]


def _route_args(route: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {api: route[k] for k, api in names.items() if isinstance(route.get(k), str) and route[k]}


class RouteTable(Ec2Resource):
    type_name = "aws_route_table"
    unsupported: ClassVar[dict[str, str]] = {
        "propagating_vgws": "virtual private gateways are not emulated"
    }
    kind = "route-table"
    schema = block(
        ID, ARN, REGION, *TAGS,
        req("vpc_id", STRING, force_new=True),
        optc("route", ["set", ROUTE_OBJECT]),
        optc("propagating_vgws", STRING_SET),
        comp("owner_id", STRING),
        timeouts("create", "delete", "update"),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        table = self.ec2.create_route_table(
            VpcId=planned["vpc_id"], TagSpecifications=self.tag_spec("route-table", planned)
        )["RouteTable"]
        ident = table["RouteTableId"]
        for route in planned.get("route") or []:
            if isinstance(route, dict):
                self.ec2.create_route(RouteTableId=ident, **_route_args(route, ROUTE_FIELDS))
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        try:
            table = self.ec2.describe_route_tables(RouteTableIds=[state["id"]])["RouteTables"][0]
        except Exception as exc:
            if not_found(exc, "InvalidRouteTableID"):
                return None
            raise
        routes = [
            {k: r.get(api) or "" for k, api in ROUTE_FIELDS.items()}
            for r in table.get("Routes", [])
            if r.get("GatewayId") != "local" and r.get("Origin") != "EnableVgwRoutePropagation"
        ]
        out = {
            **state,
            "id": table["RouteTableId"],
            "arn": self.arn(table["RouteTableId"]),
            "region": self.ctx.region,
            "vpc_id": table["VpcId"],
            "route": routes,
            "propagating_vgws": [],
            "owner_id": table.get("OwnerId") or self.ctx.account_id,
        }
        return self.with_tags(state, out, table.get("Tags"))

    def update(self, prior: State, planned: State) -> State:
        if planned.get("route") is not None and planned["route"] != prior.get("route"):
            raise ProviderError(
                "aws_route_table: changing inline route blocks is not implemented by the stand-in provider",
                "use aws_route resources",
            )
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ec2.delete_route_table(RouteTableId=state["id"])


ROUTE_TARGETS = {
    k: v for k, v in ROUTE_FIELDS.items() if k not in ("cidr_block", "ipv6_cidr_block")
}


class Route(Ec2Resource):
    type_name = "aws_route"
    unsupported: ClassVar[dict[str, str]] = {
        "destination_ipv6_cidr_block": "use destination_cidr_block",
        "destination_prefix_list_id": "use destination_cidr_block",
    }
    schema = block(
        ID, REGION,
        req("route_table_id", STRING, force_new=True),
        opt("destination_cidr_block", STRING, force_new=True),
        opt("destination_ipv6_cidr_block", STRING, force_new=True),
        opt("destination_prefix_list_id", STRING, force_new=True),
        opt("gateway_id", STRING),
        opt("nat_gateway_id", STRING),
        optc("network_interface_id", STRING),
        opt("transit_gateway_id", STRING),
        opt("vpc_endpoint_id", STRING),
        opt("vpc_peering_connection_id", STRING),
        opt("egress_only_gateway_id", STRING),
        opt("carrier_gateway_id", STRING),
        opt("local_gateway_id", STRING),
        opt("core_network_arn", STRING),
        comp("instance_id", STRING),
        comp("instance_owner_id", STRING),
        comp("origin", STRING),
        comp("state", STRING),
        timeouts("create", "delete", "update"),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        destination = planned.get("destination_cidr_block")
        if not isinstance(destination, str):
            raise ProviderError(
                "aws_route: the stand-in provider supports destination_cidr_block routes only"
            )
        targets = {
            api: planned[k] for k, api in ROUTE_TARGETS.items() if isinstance(planned.get(k), str)
        }
        self.ec2.create_route(
            RouteTableId=planned["route_table_id"], DestinationCidrBlock=destination, **targets
        )
        ident = f"r-{planned['route_table_id']}{_crc(destination)}"
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        try:
            table = self.ec2.describe_route_tables(RouteTableIds=[state["route_table_id"]])[
                "RouteTables"
            ][0]
        except Exception as exc:
            if not_found(exc, "InvalidRouteTableID"):
                return None
            raise
        route = next(
            (
                r
                for r in table["Routes"]
                if r.get("DestinationCidrBlock") == state.get("destination_cidr_block")
            ),
            None,
        )
        if route is None:
            return None
        out = {**state, "region": self.ctx.region, "origin": route.get("Origin", "CreateRoute")}
        out["state"] = route.get("State", "active")
        for k, api in ROUTE_TARGETS.items():
            if k.startswith("destination"):
                continue
            out[k] = route.get(api) or ("" if k == "network_interface_id" else None)
        return out

    def update(self, prior: State, planned: State) -> State:
        targets = {
            api: planned[k] for k, api in ROUTE_TARGETS.items() if isinstance(planned.get(k), str)
        }
        self.ec2.replace_route(
            RouteTableId=prior["route_table_id"],
            DestinationCidrBlock=prior["destination_cidr_block"],
            **targets,
        )
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ec2.delete_route(
            RouteTableId=state["route_table_id"],
            DestinationCidrBlock=state["destination_cidr_block"],
        )


def _crc(text: str) -> int:
    return zlib.crc32(text.encode())


class RouteTableAssociation(Ec2Resource):
    type_name = "aws_route_table_association"
    schema = block(
        ID, REGION,
        req("route_table_id", STRING),
        opt("subnet_id", STRING, force_new=True),
        opt("gateway_id", STRING, force_new=True),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args = {"RouteTableId": planned["route_table_id"]}
        args.update({"SubnetId": planned["subnet_id"]} if planned.get("subnet_id") else {})
        args.update({"GatewayId": planned["gateway_id"]} if planned.get("gateway_id") else {})
        ident = self.ec2.associate_route_table(**args)["AssociationId"]
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        tables = self.ec2.describe_route_tables(
            Filters=[{"Name": "association.route-table-association-id", "Values": [state["id"]]}]
        )["RouteTables"]
        for table in tables:
            for assoc in table.get("Associations", []):
                if assoc["RouteTableAssociationId"] == state["id"]:
                    return {
                        **state,
                        "region": self.ctx.region,
                        "route_table_id": table["RouteTableId"],
                        "subnet_id": assoc.get("SubnetId"),
                        "gateway_id": assoc.get("GatewayId"),
                    }
        return None

    def update(self, prior: State, planned: State) -> State:
        ident = self.ec2.replace_route_table_association(
            AssociationId=prior["id"], RouteTableId=planned["route_table_id"]
        )["NewAssociationId"]
        return self.read({**planned, "id": ident}) or planned

    def delete(self, state: State) -> None:
        self.ec2.disassociate_route_table(AssociationId=state["id"])


RESOURCES: list[type[Resource]] = [RouteTable, Route, RouteTableAssociation]
