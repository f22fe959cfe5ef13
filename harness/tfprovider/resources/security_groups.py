"""Security groups with inline rules, and the standalone ingress/egress rule resources."""

from __future__ import annotations

import json
import zlib
from typing import Any

from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import ARN, REGION, TAGS, not_found
from harness.tfprovider.resources.ec2 import Ec2Resource
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_MAP,
    STRING_SET,
    STRINGS,
    block,
    comp,
    opt,
    optc,
    req,
)
from harness.tfprovider.values import UNKNOWN

RULE_FIELDS: dict[str, Any] = {
    "cidr_blocks": STRINGS,
    "description": STRING,
    "from_port": NUMBER,
    "ipv6_cidr_blocks": STRINGS,
    "prefix_list_ids": STRINGS,
    "protocol": STRING,
    "security_groups": STRING_SET,
    "self": BOOL,
    "to_port": NUMBER,
}
RULE_OBJECT = ["object", RULE_FIELDS]


def _protocol(value: str) -> str:
    return "-1" if value in ("all", "-1") else value.lower()


def rule_to_permission(rule: dict[str, Any], own_id: str) -> dict[str, Any]:
    desc = {"Description": rule["description"]} if rule.get("description") else {}
    groups = list(rule.get("security_groups") or []) + ([own_id] if rule.get("self") else [])
    return {
        "IpProtocol": _protocol(rule["protocol"]),
        "FromPort": int(rule.get("from_port") or 0),
        "ToPort": int(rule.get("to_port") or 0),
        "IpRanges": [{"CidrIp": c, **desc} for c in rule.get("cidr_blocks") or []],
        "Ipv6Ranges": [{"CidrIpv6": c, **desc} for c in rule.get("ipv6_cidr_blocks") or []],
        "PrefixListIds": [{"PrefixListId": p, **desc} for p in rule.get("prefix_list_ids") or []],
        "UserIdGroupPairs": [{"GroupId": g, **desc} for g in groups],
    }


def permission_to_rule(perm: dict[str, Any], own_id: str) -> dict[str, Any]:
    descriptions = [
        r.get("Description")
        for key in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
        for r in perm.get(key, [])
    ]
    groups = [p["GroupId"] for p in perm.get("UserIdGroupPairs", [])]
    return {
        "cidr_blocks": [r["CidrIp"] for r in perm.get("IpRanges", [])],
        "description": next((d for d in descriptions if d), ""),
        "from_port": perm.get("FromPort", 0),
        "ipv6_cidr_blocks": [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])],
        "prefix_list_ids": [r["PrefixListId"] for r in perm.get("PrefixListIds", [])],
        "protocol": _protocol(perm["IpProtocol"]),
        "security_groups": [g for g in groups if g != own_id],
        "self": own_id in groups,
        "to_port": perm.get("ToPort", 0),
    }


SOURCES = ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups")


def match_rules(prior: Any, permissions: list[dict[str, Any]], own_id: str) -> list[dict[str, Any]]:
    """Rules as read back, split the way the configuration wrote them.

    AWS merges rules with the same protocol and ports into one permission; as the real
    provider does, each prior rule whose sources the permission still holds is read back as
    written, and whatever is left over becomes one more rule (a change made outside).
    """
    known = [r for r in prior or [] if isinstance(r, dict)]
    out: list[dict[str, Any]] = []
    for perm in permissions:
        have = permission_to_rule(perm, own_id)
        described = _descriptions(perm)
        left = {k: list(have[k]) for k in SOURCES}
        left_self = have["self"]
        for rule in known:
            same_ports = _key(rule) == _key(have)
            covered = all(set(rule.get(k) or []) <= set(left[k]) for k in SOURCES)
            if same_ports and covered and (not rule.get("self") or left_self):
                out.append(
                    {
                        **have,
                        **{k: list(rule.get(k) or []) for k in SOURCES},
                        "self": bool(rule.get("self")),
                    }
                )
                sources = [v for k in SOURCES for v in rule.get(k) or []]
                out[-1]["description"] = next((described[v] for v in sources if v in described), "")
                left = {k: [v for v in left[k] if v not in (rule.get(k) or [])] for k in SOURCES}
                left_self = left_self and not rule.get("self")
        if any(left.values()) or left_self:
            out.append({**have, **left, "self": left_self})
    return out


def _descriptions(perm: dict[str, Any]) -> dict[str, str]:
    """Source (CIDR, prefix list, group) -> the description AWS holds for it."""
    fields = (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"), ("PrefixListIds", "PrefixListId"))
    found = {r[key]: r.get("Description") or "" for name, key in fields for r in perm.get(name, [])}
    found.update(
        {p["GroupId"]: p.get("Description") or "" for p in perm.get("UserIdGroupPairs", [])}
    )
    return found


def _key(rule: dict[str, Any]) -> tuple[str, int, int]:
    return (
        _protocol(str(rule.get("protocol"))),
        int(rule.get("from_port") or 0),
        int(rule.get("to_port") or 0),
    )


def _canon(rule: dict[str, Any]) -> str:
    r = {k: rule.get(k) for k in RULE_FIELDS}
    for key in ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"):
        r[key] = sorted(r[key] or [])
    r["description"] = r["description"] or ""
    r["self"] = bool(r["self"])
    r["protocol"] = _protocol(str(r["protocol"]))
    r["from_port"], r["to_port"] = int(r["from_port"] or 0), int(r["to_port"] or 0)
    return json.dumps(r, sort_keys=True)


class SecurityGroup(Ec2Resource):
    type_name = "aws_security_group"
    kind = "security-group"
    schema = block(
        optc("id", STRING), ARN, REGION, *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        opt("description", STRING, force_new=True, default="Managed by Terraform"),
        optc("vpc_id", STRING, force_new=True),
        optc("ingress", ["set", RULE_OBJECT]),
        optc("egress", ["set", RULE_OBJECT]),
        opt("revoke_rules_on_delete", BOOL, default=False),
        comp("owner_id", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        name = planned.get("name")
        if not isinstance(name, str):
            import uuid

            name = (planned.get("name_prefix") or "terraform-") + uuid.uuid4().hex[:26]
        args: dict[str, Any] = {"GroupName": name, "Description": planned["description"]}
        if isinstance(planned.get("vpc_id"), str):
            args["VpcId"] = planned["vpc_id"]
        tags = self.tag_spec("security-group", planned)
        ident = self.ec2.create_security_group(**args, TagSpecifications=tags)["GroupId"]
        group = self.ec2.describe_security_groups(GroupIds=[ident])["SecurityGroups"][0]
        if group.get(
            "IpPermissionsEgress"
        ):  # as the real provider: drop AWS's default allow-all egress
            self.ec2.revoke_security_group_egress(
                GroupId=ident, IpPermissions=group["IpPermissionsEgress"]
            )
        self._apply_rules(ident, {}, planned)
        return self.read({**planned, "id": ident, "name": name}) or planned

    def _apply_rules(self, ident: str, prior: State, planned: State) -> None:
        for attr, revoke, authorize in (
            (
                "ingress",
                self.ec2.revoke_security_group_ingress,
                self.ec2.authorize_security_group_ingress,
            ),
            (
                "egress",
                self.ec2.revoke_security_group_egress,
                self.ec2.authorize_security_group_egress,
            ),
        ):
            if planned.get(attr) is None or planned.get(attr) is UNKNOWN:
                continue
            old = {_canon(r): r for r in prior.get(attr) or []}
            new = {_canon(r): r for r in planned.get(attr) or []}
            gone = [rule_to_permission(r, ident) for k, r in old.items() if k not in new]
            added = [rule_to_permission(r, ident) for k, r in new.items() if k not in old]
            if gone:
                revoke(GroupId=ident, IpPermissions=gone)
            if added:
                authorize(GroupId=ident, IpPermissions=added)

    def read(self, state: State) -> State | None:
        try:
            group = self.ec2.describe_security_groups(GroupIds=[state["id"]])["SecurityGroups"][0]
        except Exception as exc:
            if not_found(exc, "InvalidGroup"):
                return None
            raise
        ident = group["GroupId"]
        out = {
            **state,
            "id": ident,
            "arn": self.arn(ident),
            "region": self.ctx.region,
            "name": group["GroupName"],
            "name_prefix": state.get("name_prefix")
            if isinstance(state.get("name_prefix"), str)
            else "",
            "description": group.get("Description"),
            "vpc_id": group.get("VpcId"),
            "ingress": match_rules(state.get("ingress"), group.get("IpPermissions", []), ident),
            "egress": match_rules(state.get("egress"), group.get("IpPermissionsEgress", []), ident),
            "owner_id": group.get("OwnerId"),
        }
        return self.with_tags(state, out, group.get("Tags"))

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        if name in ("ingress", "egress") and isinstance(prior, list) and isinstance(fresh, list):
            return sorted(map(_canon, prior)) == sorted(map(_canon, fresh))
        return False

    def update(self, prior: State, planned: State) -> State:
        self._apply_rules(prior["id"], prior, planned)
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        if state.get("revoke_rules_on_delete"):
            self._apply_rules(state["id"], state, {"ingress": [], "egress": []})
        self.ec2.delete_security_group(GroupId=state["id"])


class _SingleRule(Ec2Resource):
    """aws_vpc_security_group_{ingress,egress}_rule: one rule, updated in place."""

    egress = False
    kind = "security-group-rule"
    schema = block(
        comp("id", STRING), ARN, REGION,
        opt("tags", STRING_MAP), comp("tags_all", STRING_MAP),
        req("security_group_id", STRING, force_new=True),
        req("ip_protocol", STRING),
        opt("from_port", NUMBER),
        opt("to_port", NUMBER),
        opt("cidr_ipv4", STRING),
        opt("cidr_ipv6", STRING),
        opt("description", STRING),
        opt("prefix_list_id", STRING),
        opt("referenced_security_group_id", STRING),
        comp("security_group_rule_id", STRING),
    )  # fmt: skip

    def _permission(self, s: State) -> dict[str, Any]:
        desc = {"Description": s["description"]} if s.get("description") else {}
        perm: dict[str, Any] = {"IpProtocol": _protocol(s["ip_protocol"])}
        if perm["IpProtocol"] != "-1":
            perm.update(FromPort=int(s["from_port"]), ToPort=int(s["to_port"]))
        if s.get("cidr_ipv4"):
            perm["IpRanges"] = [{"CidrIp": s["cidr_ipv4"], **desc}]
        if s.get("cidr_ipv6"):
            perm["Ipv6Ranges"] = [{"CidrIpv6": s["cidr_ipv6"], **desc}]
        if s.get("prefix_list_id"):
            perm["PrefixListIds"] = [{"PrefixListId": s["prefix_list_id"], **desc}]
        if s.get("referenced_security_group_id"):
            perm["UserIdGroupPairs"] = [{"GroupId": s["referenced_security_group_id"], **desc}]
        return perm

    def create(self, planned: State) -> State:
        call = (
            self.ec2.authorize_security_group_egress
            if self.egress
            else self.ec2.authorize_security_group_ingress
        )
        tags = self.tags_for_api(planned)
        spec = [{"ResourceType": "security-group-rule", "Tags": tag_list(tags)}] if tags else []
        result = call(
            GroupId=planned["security_group_id"],
            IpPermissions=[self._permission(planned)],
            TagSpecifications=spec,
        )
        ident = result["SecurityGroupRules"][0]["SecurityGroupRuleId"]
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        rules = self.ec2.describe_security_group_rules(
            Filters=[{"Name": "security-group-rule-id", "Values": [state["id"]]}]
        ).get("SecurityGroupRules", [])
        rule = next((r for r in rules if r["SecurityGroupRuleId"] == state["id"]), None)
        if rule is None:
            return None
        protocol = _protocol(rule["IpProtocol"])
        ported = protocol != "-1"
        out = {
            **state,
            "security_group_rule_id": rule["SecurityGroupRuleId"],
            "arn": self.arn(rule["SecurityGroupRuleId"]),
            "region": self.ctx.region,
            "security_group_id": rule["GroupId"],
            "ip_protocol": protocol,
            "from_port": rule.get("FromPort") if ported else None,
            "to_port": rule.get("ToPort") if ported else None,
            "cidr_ipv4": rule.get("CidrIpv4"),
            "cidr_ipv6": rule.get("CidrIpv6"),
            "description": rule.get("Description") or None,
            "prefix_list_id": rule.get("PrefixListId"),
            "referenced_security_group_id": (rule.get("ReferencedGroupInfo") or {}).get("GroupId"),
        }
        out["tags"], out["tags_all"] = self.split_tags(state, tag_dict(rule.get("Tags")))
        return out

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        return name == "ip_protocol" and isinstance(prior, str) and _protocol(prior) == fresh

    def update(self, prior: State, planned: State) -> State:
        perm = self._permission(planned)
        rule: dict[str, Any] = {"IpProtocol": perm["IpProtocol"]}
        rule.update({k: perm[k] for k in ("FromPort", "ToPort") if k in perm})
        for key, api in (
            ("cidr_ipv4", "CidrIpv4"),
            ("cidr_ipv6", "CidrIpv6"),
            ("prefix_list_id", "PrefixListId"),
        ):
            if planned.get(key):
                rule[api] = planned[key]
        if planned.get("referenced_security_group_id"):
            rule["ReferencedGroupId"] = planned["referenced_security_group_id"]
        if planned.get("description"):
            rule["Description"] = planned["description"]
        self.ec2.modify_security_group_rules(
            GroupId=prior["security_group_id"],
            SecurityGroupRules=[{"SecurityGroupRuleId": prior["id"], "SecurityGroupRule": rule}],
        )
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        call = (
            self.ec2.revoke_security_group_egress
            if self.egress
            else self.ec2.revoke_security_group_ingress
        )
        call(GroupId=state["security_group_id"], SecurityGroupRuleIds=[state["id"]])


class SecurityGroupIngressRule(_SingleRule):
    type_name = "aws_vpc_security_group_ingress_rule"


class SecurityGroupEgressRule(_SingleRule):
    type_name = "aws_vpc_security_group_egress_rule"
    egress = True


class SecurityGroupRule(Ec2Resource):
    """aws_security_group_rule: the older one-rule resource; every argument but description is ForceNew."""

    type_name = "aws_security_group_rule"
    schema = block(
        optc("id", STRING), REGION,
        req("type", STRING, force_new=True),
        req("security_group_id", STRING, force_new=True),
        req("protocol", STRING, force_new=True),
        req("from_port", NUMBER, force_new=True),
        req("to_port", NUMBER, force_new=True),
        opt("cidr_blocks", STRINGS, force_new=True),
        opt("ipv6_cidr_blocks", STRINGS, force_new=True),
        opt("prefix_list_ids", STRINGS, force_new=True),
        opt("self", BOOL, force_new=True, default=False),
        optc("source_security_group_id", STRING, force_new=True),
        opt("description", STRING),
        comp("security_group_rule_id", STRING),
    )  # fmt: skip

    def _rule(self, s: State) -> dict[str, Any]:
        groups = [s["source_security_group_id"]] if s.get("source_security_group_id") else []
        return {**s, "security_groups": groups}

    def _calls(self, s: State) -> tuple[Any, Any]:
        if s["type"] == "egress":
            return self.ec2.authorize_security_group_egress, self.ec2.revoke_security_group_egress
        return self.ec2.authorize_security_group_ingress, self.ec2.revoke_security_group_ingress

    def create(self, planned: State) -> State:
        authorize, _ = self._calls(planned)
        own = planned["security_group_id"]
        authorize(GroupId=own, IpPermissions=[rule_to_permission(self._rule(planned), own)])
        ident = "sgrule-" + str(
            zlib.crc32((planned["type"] + own + _canon(self._rule(planned))).encode())
        )
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        try:
            group = self.ec2.describe_security_groups(GroupIds=[state["security_group_id"]])[
                "SecurityGroups"
            ][0]
        except Exception as exc:
            if not_found(exc, "InvalidGroup"):
                return None
            raise
        own = state["security_group_id"]
        key = "IpPermissionsEgress" if state["type"] == "egress" else "IpPermissions"
        wanted = permission_to_rule(rule_to_permission(self._rule(state), own), own)
        for perm in group.get(key, []):
            have = permission_to_rule(perm, own)
            same_ports = (have["protocol"], have["from_port"], have["to_port"]) == (
                wanted["protocol"], wanted["from_port"], wanted["to_port"],
            )  # fmt: skip
            covered = all(
                set(wanted[k]) <= set(have[k])
                for k in ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups")
            )
            if same_ports and covered and (not wanted["self"] or have["self"]):
                return {
                    **state,
                    "region": self.ctx.region,
                    "description": have["description"] or None,
                }
        return None

    def update(self, prior: State, planned: State) -> State:
        call = (
            self.ec2.update_security_group_rule_descriptions_egress
            if planned["type"] == "egress"
            else self.ec2.update_security_group_rule_descriptions_ingress
        )
        perm = rule_to_permission(self._rule(planned), planned["security_group_id"])
        call(GroupId=planned["security_group_id"], IpPermissions=[perm])
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        _, revoke = self._calls(state)
        revoke(
            GroupId=state["security_group_id"],
            IpPermissions=[rule_to_permission(self._rule(state), state["security_group_id"])],
        )


RESOURCES: list[type[Resource]] = [
    SecurityGroup, SecurityGroupIngressRule, SecurityGroupEgressRule, SecurityGroupRule,
]  # fmt: skip
