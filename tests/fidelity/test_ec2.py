"""Conformance of the emulator's EC2 security group rules (``harness/fidelity/ec2.py``).

Source: EC2 API reference, AuthorizeSecurityGroupIngress (``IpPermissions.UserIdGroupPairs
.Description``) and DescribeSecurityGroupRules / SecurityGroupRule ("Description - The
security group rule description"; "ReferencedGroupInfo - Describes the security group that
is referenced in the rule"): a rule has one description, whatever its source.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.emulator import Emulator

pytestmark = pytest.mark.services("ec2")


@pytest.fixture
def ec2(emulator: Emulator) -> Any:
    return emulator.endpoint.client("ec2")


def test_a_rule_referencing_a_group_keeps_its_description(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    name = uuid.uuid4().hex[:8]
    app = ec2.create_security_group(GroupName=f"app-{name}", Description="app", VpcId=vpc)
    alb = ec2.create_security_group(GroupName=f"alb-{name}", Description="alb", VpcId=vpc)
    pair = {"GroupId": alb["GroupId"], "Description": "from the ALB"}
    permission = {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000}
    answer = ec2.authorize_security_group_ingress(
        GroupId=app["GroupId"], IpPermissions=[{**permission, "UserIdGroupPairs": [pair]}]
    )
    rule_id = answer["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    rule = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"][
        0
    ]
    assert rule["Description"] == "from the ALB"
    assert rule["ReferencedGroupInfo"]["GroupId"] == alb["GroupId"]
    cidr = {**permission, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "from inside"}]}
    answer = ec2.authorize_security_group_ingress(GroupId=app["GroupId"], IpPermissions=[cidr])
    rule_id = answer["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    rules = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])
    assert rules["SecurityGroupRules"][0]["Description"] == "from inside"


def test_a_subnet_without_a_zone_gets_the_same_one_every_time(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.79.0.0/16")["Vpc"]["VpcId"]
    zones = {
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.79.{i}.0/24")["Subnet"]["AvailabilityZone"]
        for i in range(6)
    }
    assert zones == {"us-east-1a"}
