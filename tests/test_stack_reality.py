"""Fallback resources: a stack that reports resources its services do not have fails, naming them.

Against the session's target: LocalStack's community runtime marks AWS::ECS::* resources
CREATE_COMPLETE while ECS answers HTTP 501; on the embedded emulator the same stack is real,
and a resource removed behind CloudFormation's back is what is not.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from harness import cfn_wait, stack_reality
from harness.endpoint import Endpoint
from harness.errors import FakeResourcesError

pytestmark = pytest.mark.services("cloudformation", "logs", "ssm")


class Deployed:
    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint, self.cf, self.names = endpoint, endpoint.client("cloudformation"), []

    def create(self, resources: dict[str, Any]) -> str:
        name = f"reality-{uuid.uuid4().hex[:8]}"
        self.names.append(name)
        self.cf.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
        assert cfn_wait.stack(self.cf, name, "create") == "CREATE_COMPLETE"
        return name


@pytest.fixture
def deployed(aws_endpoint: Endpoint) -> Iterator[Deployed]:
    helper = Deployed(aws_endpoint)
    yield helper
    for name in helper.names:
        stack_id = helper.cf.describe_stacks(StackName=name)["Stacks"][0]["StackId"]
        helper.cf.delete_stack(StackName=name)
        cfn_wait.stack(helper.cf, stack_id, "delete")


def group(name: str) -> dict[str, Any]:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": name}}


def parameter(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Name": name, "Type": "String", "Value": "v"},
    }


def cluster(name: str) -> dict[str, Any]:
    return {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": name}}


def test_a_stack_of_real_resources_passes_and_says_what_it_looked_up(deployed: Deployed) -> None:
    suffix = uuid.uuid4().hex[:8]
    name = deployed.create(
        {"Group": group(f"/reality/{suffix}"), "Param": parameter(f"/r/{suffix}")}
    )
    found = stack_reality.ensure_real(deployed.endpoint, name)
    assert {r.logical_id for r in found.real} == {"Group", "Param"}
    assert found.fake == ()


def test_resources_of_a_service_the_target_does_not_serve_are_named(
    deployed: Deployed, unserved: frozenset[str]
) -> None:
    if "ecs" not in unserved:
        pytest.skip("needs a target that does not serve ECS (LocalStack's community runtime)")
    suffix = uuid.uuid4().hex[:8]
    name = deployed.create(
        {"Cluster": cluster(f"c-{suffix}"), "Group": group(f"/reality/{suffix}")}
    )
    with pytest.raises(FakeResourcesError, match="fallback resources") as info:
        stack_reality.ensure_real(deployed.endpoint, name)
    assert info.value.logical_ids == ("Cluster",)
    assert "Cluster (AWS::ECS::Cluster" in str(info.value)
    assert "ecs does not answer (HTTP 501)" in str(info.value)


@pytest.mark.services("ecs")
def test_a_resource_gone_from_its_service_is_named(deployed: Deployed) -> None:
    suffix = uuid.uuid4().hex[:8]
    name = deployed.create(
        {"Cluster": cluster(f"c-{suffix}"), "Group": group(f"/reality/{suffix}")}
    )
    assert {r.logical_id for r in stack_reality.ensure_real(deployed.endpoint, name).real} == {
        "Cluster",
        "Group",
    }
    deployed.endpoint.client("ecs").delete_cluster(cluster=f"c-{suffix}")
    with pytest.raises(FakeResourcesError) as info:
        stack_reality.ensure_real(deployed.endpoint, name)
    assert info.value.logical_ids == ("Cluster",)
    assert "ecs has no such resource" in str(info.value)


def test_service_names_follow_boto3() -> None:
    assert stack_reality.service_of("AWS::ElasticLoadBalancingV2::LoadBalancer") == "elbv2"
    assert stack_reality.service_of("AWS::ECS::Service") == "ecs"
    assert stack_reality.service_of("AWS::Logs::LogGroup") == "logs"
    assert stack_reality.service_of("Custom::VpcRestrictDefaultSG") is None
