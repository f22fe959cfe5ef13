"""Conformance of the emulator's load balancers (``harness/fidelity/elbv2.py``).

Source: ELB API reference, CreateLoadBalancer ("Scheme ... The default is an Internet-facing
load balancer") and DescribeLoadBalancerAttributes / LoadBalancerAttribute (every attribute
of an Application Load Balancer, each with its documented default: client_keep_alive.seconds
3600, routing.http.desync_mitigation_mode defensive, routing.http.xff_header_processing.mode
append, routing.http2.enabled true ...).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.emulator import Emulator

pytestmark = pytest.mark.services("elbv2", "ec2")


@pytest.fixture
def balancer(emulator: Emulator) -> tuple[Any, str]:
    ec2, elb = emulator.endpoint.client("ec2"), emulator.endpoint.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.78.{i}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    created = elb.create_load_balancer(Name=f"lb-{uuid.uuid4().hex[:8]}", Subnets=subnets)
    return elb, created["LoadBalancers"][0]["LoadBalancerArn"]


def test_a_load_balancer_without_a_scheme_is_internet_facing(balancer: tuple[Any, str]) -> None:
    elb, arn = balancer
    (described,) = elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    assert described["Scheme"] == "internet-facing"


def test_every_attribute_is_described_with_its_default(balancer: tuple[Any, str]) -> None:
    elb, arn = balancer
    answer = elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    attributes = {a["Key"]: a["Value"] for a in answer}
    assert attributes["client_keep_alive.seconds"] == "3600"
    assert attributes["routing.http.desync_mitigation_mode"] == "defensive"
    assert attributes["routing.http.xff_header_processing.mode"] == "append"
    assert attributes["routing.http2.enabled"] == "true"
    assert attributes["idle_timeout.timeout_seconds"] == "60"
    assert attributes["access_logs.s3.enabled"] == "false"
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "120"}]
    )
    answer = elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    assert {a["Key"]: a["Value"] for a in answer}["idle_timeout.timeout_seconds"] == "120"
