"""AWS::EC2::SecurityGroup updates in place, rule by rule.

moto's update deletes the group and creates another (a new GroupId, so everything that
references it would change). CloudFormation changes SecurityGroupIngress and
SecurityGroupEgress in place: the rules no longer in the template are revoked, the new ones
authorized (GroupDescription, GroupName and VpcId are create-only: a change replaces it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Api = Callable[[str], Any]

ALL_TRAFFIC_OUT = {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}
"""What a VPC security group allows out when the template gives no egress rules."""


def _permission(rule: dict[str, Any], peer_key: str) -> dict[str, Any]:
    permission: dict[str, Any] = {"IpProtocol": str(rule["IpProtocol"])}
    for key in ("FromPort", "ToPort"):
        if key in rule:
            permission[key] = int(rule[key])
    described = {"Description": rule["Description"]} if "Description" in rule else {}
    if "CidrIp" in rule:
        permission["IpRanges"] = [{"CidrIp": rule["CidrIp"], **described}]
    if "CidrIpv6" in rule:
        permission["Ipv6Ranges"] = [{"CidrIpv6": rule["CidrIpv6"], **described}]
    if peer_key in rule:
        permission["UserIdGroupPairs"] = [{"GroupId": rule[peer_key], **described}]
    return permission


def _diff(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    before = {json.dumps(r, sort_keys=True): r for r in old}
    after = {json.dumps(r, sort_keys=True): r for r in new}
    removed = [r for k, r in before.items() if k not in after]
    added = [r for k, r in after.items() if k not in before]
    return removed, added


def update_rules(api: Api, group_id: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Revoke the rules the template dropped, authorize the ones it added."""
    ec2 = api("ec2")
    removed, added = _diff(old.get("SecurityGroupIngress", []), new.get("SecurityGroupIngress", []))
    if removed:
        ec2.revoke_security_group_ingress(
            GroupId=group_id,
            IpPermissions=[_permission(r, "SourceSecurityGroupId") for r in removed],
        )
    if added:
        ec2.authorize_security_group_ingress(
            GroupId=group_id, IpPermissions=[_permission(r, "SourceSecurityGroupId") for r in added]
        )
    old_out = old.get("SecurityGroupEgress") or [ALL_TRAFFIC_OUT]
    new_out = new.get("SecurityGroupEgress") or [ALL_TRAFFIC_OUT]
    removed, added = _diff(old_out, new_out)
    if removed:
        ec2.revoke_security_group_egress(
            GroupId=group_id,
            IpPermissions=[_permission(r, "DestinationSecurityGroupId") for r in removed],
        )
    if added:
        ec2.authorize_security_group_egress(
            GroupId=group_id,
            IpPermissions=[_permission(r, "DestinationSecurityGroupId") for r in added],
        )
