"""Security group rules that reference another group keep their description; a subnet
created without an Availability Zone gets the same one every time.

moto 5.2.5 stores a rule's description in its IP range, so a rule whose source is a security
group (``UserIdGroupPairs[].Description``, what hashicorp/aws's
``aws_vpc_security_group_ingress_rule`` with ``referenced_security_group_id`` sends) reads back
from DescribeSecurityGroupRules without it, and Terraform plans to add it again on every run.
The EC2 API reference (SecurityGroupRule: "Description - The security group rule
description") has one description per rule, whatever its source. Conformance:
``tests/fidelity/test_ec2.py``.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import security_groups as moto_security_groups
from moto.ec2.responses import subnets as moto_subnets

# moto's internals, patched at run time: not an API
models: Any = moto_security_groups
subnet_responses: Any = moto_subnets


class _FirstZone:
    """Stands in for the ``random`` module moto's CreateSubnet uses to pick a zone."""

    @staticmethod
    def choice(zones: Any) -> Any:
        return min(zones, key=lambda zone: zone.name)


def install() -> None:
    models.SecurityGroupRule.description = property(_description)
    subnet_responses.random = _FirstZone()


def _description(rule: Any) -> str | None:
    found = rule.ip_range.get("Description") or (rule.source_group or {}).get("Description")
    return None if found is None else str(found)
