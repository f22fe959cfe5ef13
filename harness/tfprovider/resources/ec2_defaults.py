"""The VPC's default security group, route table and network ACL, adopted, not created.

As hashicorp/aws does: "creating" one takes over the object AWS made with the VPC, removes
every rule or route it holds and applies the configured ones; destroying one only drops it
from the state (AWS deletes it with the VPC).
"""

from __future__ import annotations

from typing import Any, ClassVar

from harness.tfprovider.resource import Resource, State, same_objects
from harness.tfprovider.resources.common import ARN, ID, REGION, TAGS, not_found
from harness.tfprovider.resources.ec2 import Ec2Resource
from harness.tfprovider.resources.routes import ROUTE_FIELDS
from harness.tfprovider.resources.security_groups import RULE_OBJECT, SecurityGroup
from harness.tfprovider.resources.timeouts import timeouts
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_SET,
    block,
    comp,
    nested,
    opt,
    optc,
    req,
)


class DefaultSecurityGroup(SecurityGroup):
    type_name = "aws_default_security_group"
    schema = block(
        optc("id", STRING), ARN, REGION, *TAGS,
        optc("vpc_id", STRING, force_new=True),
        optc("ingress", ["set", RULE_OBJECT]),
        optc("egress", ["set", RULE_OBJECT]),
        opt("revoke_rules_on_delete", BOOL, default=False),
        comp("name", STRING), comp("name_prefix", STRING), comp("description", STRING),
        comp("owner_id", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        filters = [{"Name": "group-name", "Values": ["default"]}]
        if isinstance(planned.get("vpc_id"), str):
            filters.append({"Name": "vpc-id", "Values": [planned["vpc_id"]]})
        group = self.ec2.describe_security_groups(Filters=filters)["SecurityGroups"][0]
        ident = group["GroupId"]
        for perms, revoke in (
            (group.get("IpPermissions"), self.ec2.revoke_security_group_ingress),
            (group.get("IpPermissionsEgress"), self.ec2.revoke_security_group_egress),
        ):
            if perms:
                revoke(GroupId=ident, IpPermissions=perms)
        wanted = {**planned, "ingress": planned.get("ingress") or [],
                  "egress": planned.get("egress") or []}  # fmt: skip
        self._apply_rules(ident, {}, wanted)
        self.sync_tags(ident, {}, planned)
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        out = super().read(state)
        if out is not None:
            out["name_prefix"] = ""
        return out

    def delete(self, state: State) -> None:
        return None  # AWS deletes it with the VPC; the real provider only forgets it


DEFAULT_ROUTE_FIELDS = {k: v for k, v in ROUTE_FIELDS.items()
                        if k not in ("carrier_gateway_id", "local_gateway_id")}  # fmt: skip
# the real provider's route object for this type also has ``instance_id``
DEFAULT_ROUTE_OBJECT = ["object", {k: STRING for k in sorted([*DEFAULT_ROUTE_FIELDS, "instance_id"])}]  # fmt: skip


class DefaultRouteTable(Ec2Resource):
    type_name = "aws_default_route_table"
    kind = "route-table"
    unsupported: ClassVar[dict[str, str]] = {
        "propagating_vgws": "virtual private gateways are not emulated"
    }
    schema = block(
        ID, ARN, REGION, *TAGS,
        req("default_route_table_id", STRING, force_new=True),
        optc("route", ["set", DEFAULT_ROUTE_OBJECT]),
        opt("propagating_vgws", STRING_SET),
        comp("vpc_id", STRING), comp("owner_id", STRING),
        timeouts("create", "update"),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        ident = planned["default_route_table_id"]
        table = self._describe(ident)
        for route in table.get("Routes", []) if table else []:
            if (
                route.get("GatewayId") == "local"
                or route.get("Origin") == "EnableVgwRoutePropagation"
            ):
                continue
            key = {"DestinationCidrBlock": route.get("DestinationCidrBlock")} if route.get(
                "DestinationCidrBlock") else {"DestinationIpv6CidrBlock": route.get("DestinationIpv6CidrBlock")}  # fmt: skip
            self.ec2.delete_route(RouteTableId=ident, **key)
        self._add_routes(ident, planned.get("route") or [])
        self.sync_tags(ident, {}, planned)
        return self.read({**planned, "id": ident}) or planned

    def _add_routes(self, ident: str, routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, dict):
                args = {api: route[k] for k, api in DEFAULT_ROUTE_FIELDS.items() if route.get(k)}
                self.ec2.create_route(RouteTableId=ident, **args)

    def _describe(self, ident: str) -> dict[str, Any] | None:
        try:
            table: dict[str, Any] = self.ec2.describe_route_tables(RouteTableIds=[ident])[
                "RouteTables"
            ][0]
        except Exception as exc:
            if not_found(exc, "InvalidRouteTableID"):
                return None
            raise
        return table

    def read(self, state: State) -> State | None:
        table = self._describe(state["id"])
        if table is None:
            return None
        routes = [
            {**{k: r.get(api) or "" for k, api in DEFAULT_ROUTE_FIELDS.items()},
             "instance_id": r.get("InstanceId") or ""}
            for r in table.get("Routes", [])
            if r.get("GatewayId") != "local" and r.get("Origin") != "EnableVgwRoutePropagation"
        ]  # fmt: skip
        out = {
            **state,
            "id": table["RouteTableId"],
            "default_route_table_id": table["RouteTableId"],
            "arn": self.arn(table["RouteTableId"]),
            "region": self.ctx.region,
            "vpc_id": table["VpcId"],
            "route": routes,
            "propagating_vgws": state.get("propagating_vgws"),
            "owner_id": table.get("OwnerId") or self.ctx.account_id,
        }
        return self.with_tags(state, out, table.get("Tags"))

    def update(self, prior: State, planned: State) -> State:
        if planned.get("route") is not None and planned["route"] != prior.get("route"):
            gone = [r for r in prior.get("route") or [] if r not in planned["route"]]
            for route in gone:
                key = "cidr_block" if route.get("cidr_block") else "ipv6_cidr_block"
                self.ec2.delete_route(RouteTableId=prior["id"], **{ROUTE_FIELDS[key]: route[key]})
            self._add_routes(
                prior["id"], [r for r in planned["route"] if r not in (prior.get("route") or [])]
            )
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        return name == "route" and same_objects(prior, fresh)

    def delete(self, state: State) -> None:
        return None  # as the real provider: the main route table goes with the VPC


ACL_RULE = (
    req("action", STRING), opt("cidr_block", STRING), req("from_port", NUMBER),
    opt("icmp_code", NUMBER), opt("icmp_type", NUMBER), opt("ipv6_cidr_block", STRING),
    req("protocol", STRING), req("rule_no", NUMBER), req("to_port", NUMBER),
)  # fmt: skip
DEFAULT_RULE = 32767
"""AWS's own catch-all deny rule (32768 for IPv6): not removable, never in the state."""
PROTOCOLS = {"-1": "-1", "all": "-1", "tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}


def _protocol_number(value: str) -> str:
    return PROTOCOLS.get(str(value).lower(), str(value))


def entry_to_rule(entry: dict[str, Any]) -> dict[str, Any]:
    ports = entry.get("PortRange") or {}
    icmp = entry.get("IcmpTypeCode")
    protocol = str(entry["Protocol"])
    # as the real provider's flattening: only what the entry holds is set
    return {
        "action": entry["RuleAction"],
        "cidr_block": entry.get("CidrBlock"),
        "ipv6_cidr_block": entry.get("Ipv6CidrBlock"),
        "from_port": ports.get("From", 0),
        "to_port": ports.get("To", 0),
        "icmp_code": icmp.get("Code") if icmp else None,
        "icmp_type": icmp.get("Type") if icmp else None,
        # the real provider shows -1 as it is and names the others (tcp, udp...) by number
        "protocol": protocol,
        "rule_no": entry["RuleNumber"],
    }


class DefaultNetworkAcl(Ec2Resource):
    type_name = "aws_default_network_acl"
    kind = "network-acl"
    schema = block(
        ID, ARN, REGION, *TAGS,
        req("default_network_acl_id", STRING, force_new=True),
        opt("subnet_ids", STRING_SET),
        comp("vpc_id", STRING), comp("owner_id", STRING),
        nested("ingress", "set", *ACL_RULE),
        nested("egress", "set", *ACL_RULE),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        ident = planned["default_network_acl_id"]
        self._sync_entries(ident, self._describe(ident) or {}, planned)
        self.sync_tags(ident, {}, planned)
        return self.read({**planned, "id": ident}) or planned

    def _describe(self, ident: str) -> dict[str, Any] | None:
        try:
            acl: dict[str, Any] = self.ec2.describe_network_acls(NetworkAclIds=[ident])[
                "NetworkAcls"
            ][0]
        except Exception as exc:
            if not_found(exc, "InvalidNetworkAclID"):
                return None
            raise
        return acl

    def _sync_entries(self, ident: str, acl: dict[str, Any], planned: State) -> None:
        for entry in acl.get("Entries", []):
            if entry["RuleNumber"] < DEFAULT_RULE:
                self.ec2.delete_network_acl_entry(
                    NetworkAclId=ident, RuleNumber=entry["RuleNumber"], Egress=entry["Egress"]
                )
        for egress in (False, True):
            for rule in planned.get("egress" if egress else "ingress") or []:
                args: dict[str, Any] = {
                    "NetworkAclId": ident, "RuleNumber": int(rule["rule_no"]), "Egress": egress,
                    "Protocol": _protocol_number(rule["protocol"]), "RuleAction": rule["action"],
                    "PortRange": {"From": int(rule["from_port"]), "To": int(rule["to_port"])},
                }  # fmt: skip
                if rule.get("cidr_block"):
                    args["CidrBlock"] = rule["cidr_block"]
                if rule.get("ipv6_cidr_block"):
                    args["Ipv6CidrBlock"] = rule["ipv6_cidr_block"]
                if rule.get("icmp_type") is not None and args["Protocol"] in ("1", "58"):
                    args["IcmpTypeCode"] = {"Type": int(rule["icmp_type"]),
                                            "Code": int(rule.get("icmp_code") or 0)}  # fmt: skip
                self.ec2.create_network_acl_entry(**args)

    def read(self, state: State) -> State | None:
        acl = self._describe(state["id"])
        if acl is None:
            return None
        rules = {False: [], True: []}  # type: dict[bool, list[dict[str, Any]]]
        for entry in acl.get("Entries", []):
            if entry["RuleNumber"] < DEFAULT_RULE:
                rules[bool(entry["Egress"])].append(entry_to_rule(entry))
        for egress, key in ((False, "ingress"), (True, "egress")):
            # the provider hashes a rule with its protocol as a number: "tcp" and "6" are one
            known = {_rule_key(r): r for r in state.get(key) or [] if isinstance(r, dict)}
            rules[egress] = [known.get(_rule_key(r), r) for r in rules[egress]]
        out = {
            **state,
            "id": acl["NetworkAclId"],
            "default_network_acl_id": acl["NetworkAclId"],
            "arn": self.arn(acl["NetworkAclId"]),
            "region": self.ctx.region,
            "vpc_id": acl["VpcId"],
            "subnet_ids": [a["SubnetId"] for a in acl.get("Associations", [])],
            "ingress": rules[False],
            "egress": rules[True],
            "owner_id": acl.get("OwnerId") or self.ctx.account_id,
        }
        return self.with_tags(state, out, acl.get("Tags"))

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        if name in ("ingress", "egress") and isinstance(prior, list) and isinstance(fresh, list):
            return sorted(map(_rule_key, prior)) == sorted(map(_rule_key, fresh))
        return False

    def update(self, prior: State, planned: State) -> State:
        if (planned.get("ingress"), planned.get("egress")) != (
            prior.get("ingress"),
            prior.get("egress"),
        ):
            self._sync_entries(prior["id"], self._describe(prior["id"]) or {}, planned)
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        return None  # the default ACL goes with the VPC; the real provider only forgets it


def _rule_key(rule: dict[str, Any]) -> str:
    """A rule compared by meaning: the protocol by number, empty CIDRs as absent."""
    return "|".join(str(x) for x in (
        rule.get("rule_no"), rule.get("action"), _protocol_number(str(rule.get("protocol"))),
        rule.get("from_port"), rule.get("to_port"), rule.get("cidr_block") or "",
        rule.get("ipv6_cidr_block") or "", rule.get("icmp_type") or 0, rule.get("icmp_code") or 0,
    ))  # fmt: skip


RESOURCES: list[type[Resource]] = [DefaultSecurityGroup, DefaultRouteTable, DefaultNetworkAcl]
