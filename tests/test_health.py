"""Sampling healthy web targets (harness/health.py): offline with a fake count, and against
the emulator with a service whose tasks are ELB ip targets (DescribeTargetHealth)."""

from __future__ import annotations

import itertools
import time
import uuid

import pytest

from harness.contract import EnvNames
from harness.emulator import Emulator
from harness.health import HealthSampler, healthy_targets, web_targets


def test_sampler_records_the_minimum_and_downtime() -> None:
    counts = itertools.chain([2, 1, 0, 2], itertools.repeat(2))
    with HealthSampler(lambda: next(counts), interval_s=0.01) as sampler:
        time.sleep(0.1)
    assert sampler.minimum == 0
    assert sampler.downtime is True
    assert len(sampler.samples) >= 5
    assert [s.at_s for s in sampler.samples] == sorted(s.at_s for s in sampler.samples)


def test_sampler_without_a_group_has_no_minimum() -> None:
    with HealthSampler(lambda: None, interval_s=0.01) as sampler:
        time.sleep(0.03)
    assert sampler.minimum is None
    assert sampler.downtime is False


@pytest.mark.services("ecs", "ec2", "elbv2")
def test_healthy_targets_of_the_web_target_group(emulator: Emulator) -> None:
    endpoint = emulator.endpoint
    env = f"h{uuid.uuid4().hex[:6]}"
    names = EnvNames(env, "dev")
    ec2, ecs, elbv2 = (endpoint.client(s) for s in ("ec2", "ecs", "elbv2"))
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"]
    assert healthy_targets(elbv2, names.target_group) is None
    group = elbv2.create_target_group(
        Name=names.target_group, Protocol="HTTP", Port=8000, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    ecs.create_cluster(clusterName=names.cluster)
    definition = ecs.register_task_definition(
        family=names.family("web"), cpu="256", memory="512", networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "web", "image": "web:v1", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]  # fmt: skip
    count = web_targets(endpoint, env, "dev")
    with HealthSampler(count, interval_s=0.02) as sampler:
        ecs.create_service(
            cluster=names.cluster, serviceName=names.service("web"), taskDefinition=definition,
            desiredCount=2, launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
            loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 8000}],
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while count() != 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert sampler.minimum == 0  # before the first task turned healthy
    assert count() == 2
    assert max(s.healthy or 0 for s in sampler.samples) == 2
