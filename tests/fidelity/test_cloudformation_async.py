"""Asynchronous stack operations, and an ECS service resource that waits for its deployment.

Sources:
- CloudFormation API reference, CreateStack: "After the call completes successfully, the stack
  creation starts"; UpdateStack, DeleteStack likewise return while the stack is *_IN_PROGRESS;
  DescribeStackEvents lists events newest first.
- "Monitor stack progress" / stack status codes (CloudFormation user guide): UPDATE_IN_PROGRESS,
  UPDATE_FAILED of a resource, then UPDATE_ROLLBACK_IN_PROGRESS and UPDATE_ROLLBACK_COMPLETE.
- AWS::ECS::Service (template reference): CloudFormation waits for the service to be stable
  before the resource is complete; with the deployment circuit breaker a failed deployment
  fails the resource ("ECS Deployment Circuit Breaker was triggered", aws/copilot-cli#5296).
- botocore's CloudFormation waiters: StackCreateComplete, StackUpdateComplete (failure on
  UPDATE_ROLLBACK_COMPLETE), StackDeleteComplete.

The emulator runs stack operations asynchronously (the default); these tests make each resource
operation take 0.2 s and DescribeStacks answer at once, to watch the work in progress.
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from harness.emulator import Emulator

pytestmark = pytest.mark.services("cloudformation", "ecs", "ec2", "ecr", "logs")

FAST = {"Delay": 0.1, "MaxAttempts": 300}


@pytest.fixture
def cf(emulator: Emulator) -> Iterator[Any]:
    before = emulator.control("cloudformation/async")
    emulator.control("cloudformation/async", {"resource_s": 0.2, "describe_wait_s": 0})
    try:
        yield emulator.endpoint.client("cloudformation")
    finally:
        emulator.control("cloudformation/async", before)
        emulator.control("ecs/reset", {})


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def statuses(cf: Any, name: str) -> list[tuple[str, str]]:
    """(logical id, status) of every event, oldest first."""
    events = cf.describe_stack_events(StackName=name)["StackEvents"]
    return [(e["LogicalResourceId"], e["ResourceStatus"]) for e in reversed(events)]


def log_stack(name: str) -> str:
    return json.dumps(
        {
            "Resources": {
                "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": f"/{name}"}}
            }
        }
    )


def test_create_and_delete_return_while_in_progress(cf: Any) -> None:
    """CreateStack returns with the stack CREATE_IN_PROGRESS; StackCreateComplete then succeeds;
    events run in order from the stack's CREATE_IN_PROGRESS ("User Initiated") to its
    CREATE_COMPLETE. DeleteStack returns with the stack DELETE_IN_PROGRESS."""
    name = unique("async")
    cf.create_stack(StackName=name, TemplateBody=log_stack(name))
    assert cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
    cf.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    assert statuses(cf, name) == [
        (name, "CREATE_IN_PROGRESS"),
        ("Logs", "CREATE_IN_PROGRESS"),
        ("Logs", "CREATE_COMPLETE"),
        (name, "CREATE_COMPLETE"),
    ]
    cf.delete_stack(StackName=name)
    assert cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "DELETE_IN_PROGRESS"
    cf.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)


def service_stack(
    emulator: Emulator, name: str, subnets: list[str], image: str, breaker: bool, env: str = "a"
) -> str:
    configuration: dict[str, Any] = {"MaximumPercent": 200, "MinimumHealthyPercent": 100}
    if breaker:
        configuration["DeploymentCircuitBreaker"] = {"Enable": True, "Rollback": True}
    container = {
        "Name": "app",
        "Image": image,
        "Essential": True,
        "Environment": [{"Name": "ENV", "Value": env}],
    }
    return json.dumps(
        {
            "Resources": {
                "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": name}},
                "Task": {
                    "Type": "AWS::ECS::TaskDefinition",
                    "Properties": {
                        "Family": name,
                        "Cpu": "256",
                        "Memory": "512",
                        "NetworkMode": "awsvpc",
                        "RequiresCompatibilities": ["FARGATE"],
                        "ContainerDefinitions": [container],
                    },
                },
                "Service": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "ServiceName": name,
                        "Cluster": {"Ref": "Cluster"},
                        "TaskDefinition": {"Ref": "Task"},
                        "DesiredCount": 2,
                        "LaunchType": "FARGATE",
                        "DeploymentConfiguration": configuration,
                        "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": subnets}},
                    },
                },
            }
        }
    )


@pytest.fixture
def network(emulator: Emulator) -> list[str]:
    ec2 = emulator.endpoint.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    return [ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]]


def repository(emulator: Emulator) -> str:
    ecr = emulator.endpoint.client("ecr")
    name = unique("repo")
    uri = ecr.create_repository(repositoryName=name)["repository"]["repositoryUri"]
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"digest": "sha256:v1", "size": 1},
        "layers": [],
    }
    ecr.put_image(repositoryName=name, imageManifest=json.dumps(manifest), imageTag="v1")
    return str(uri)


def test_service_update_waits_for_the_deployment(
    cf: Any, emulator: Emulator, network: list[str]
) -> None:
    """An update that gives AWS::ECS::Service a new task definition returns at once; the stack
    stays UPDATE_IN_PROGRESS, the service's last event UPDATE_IN_PROGRESS, while ECS rolls the new tasks
    out, and is UPDATE_COMPLETE only once the service is stable on the new revision."""
    name, image = unique("svc"), repository(emulator)
    cf.create_stack(
        StackName=name, TemplateBody=service_stack(emulator, name, network, f"{image}:v1", False)
    )
    cf.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    emulator.control("ecs/timing", {"provisioning_s": 0.5})
    cf.update_stack(
        StackName=name,
        TemplateBody=service_stack(emulator, name, network, f"{image}:v1", False, env="b"),
    )

    seen = []
    while (status := cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]).endswith(
        "_IN_PROGRESS"
    ):
        service_events = [s for lid, s in statuses(cf, name) if lid == "Service"]
        seen.append((status, service_events[-1]))
        time.sleep(0.1)
    assert status == "UPDATE_COMPLETE"
    assert ("UPDATE_IN_PROGRESS", "UPDATE_IN_PROGRESS") in seen
    ecs = emulator.endpoint.client("ecs")
    service = ecs.describe_services(cluster=name, services=[name])["services"][0]
    (deployment,) = service["deployments"]
    assert deployment["rolloutState"] == "COMPLETED"
    assert service["runningCount"] == 2
    assert service["taskDefinition"].endswith(f"{name}:2")


def test_failed_service_deployment_rolls_the_stack_back(
    cf: Any, emulator: Emulator, network: list[str]
) -> None:
    """A new image that is not in ECR: the circuit breaker fails the deployment, the service
    resource is UPDATE_FAILED, and the stack rolls back (UPDATE_ROLLBACK_IN_PROGRESS ->
    UPDATE_ROLLBACK_COMPLETE: StackUpdateComplete fails); the service runs the first revision."""
    name, image = unique("svc"), repository(emulator)
    cf.create_stack(
        StackName=name, TemplateBody=service_stack(emulator, name, network, f"{image}:v1", True)
    )
    cf.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    cf.update_stack(
        StackName=name, TemplateBody=service_stack(emulator, name, network, f"{image}:v9", True)
    )
    with pytest.raises(WaiterError, match="UPDATE_ROLLBACK_COMPLETE"):
        cf.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)

    events = statuses(cf, name)
    assert ("Service", "UPDATE_FAILED") in events
    tail = [s for lid, s in events if lid == name][-3:]
    assert tail == [
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE",
    ]
    ecs = emulator.endpoint.client("ecs")
    service = ecs.describe_services(cluster=name, services=[name])["services"][0]
    assert service["taskDefinition"].endswith(f"{name}:1")


def test_failed_service_create_rolls_back(cf: Any, emulator: Emulator, network: list[str]) -> None:
    """Stack status codes: a resource that fails to create rolls the new stack back,
    ROLLBACK_IN_PROGRESS -> ROLLBACK_COMPLETE (StackCreateComplete fails on it). The service's
    image is not in ECR: with the circuit breaker its deployment fails (CannotPullContainerError),
    and CloudFormation, waiting for the service to stabilize, fails the resource."""
    name, image = unique("svc"), repository(emulator)
    cf.create_stack(
        StackName=name, TemplateBody=service_stack(emulator, name, network, f"{image}:nope", True)
    )
    with pytest.raises(WaiterError, match="ROLLBACK_COMPLETE"):
        cf.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    events = statuses(cf, name)
    assert ("Service", "CREATE_FAILED") in events
    assert [s for lid, s in events if lid == name][-2:] == [
        "ROLLBACK_IN_PROGRESS",
        "ROLLBACK_COMPLETE",
    ]
    with pytest.raises(cf.exceptions.ClientError, match="ROLLBACK_COMPLETE state"):
        cf.update_stack(StackName=name, TemplateBody=log_stack(name))


def test_service_that_never_stabilizes_fails_after_the_timeout(
    cf: Any, emulator: Emulator, network: list[str]
) -> None:
    """Without the circuit breaker ECS keeps retrying tasks that cannot start, and the stack
    waits for the service until the resource's stabilization times out (hours on AWS: "you
    must wait for your CloudFormation stack to time out... based on the individual resource
    stabilization requirements", AWS re:Post knowledge center, cloudformation-stack-stuck-
    progress); then the update fails and rolls back (UPDATE_ROLLBACK_COMPLETE), the service on
    its first revision. The emulator's timeout is compressed (``stabilize_timeout_s``)."""
    name, image = unique("svc"), repository(emulator)
    cf.create_stack(
        StackName=name, TemplateBody=service_stack(emulator, name, network, f"{image}:v1", False)
    )
    cf.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    emulator.control("cloudformation/async", {"stabilize_timeout_s": 3.0, "resource_s": 0})
    began = time.perf_counter()
    cf.update_stack(
        StackName=name, TemplateBody=service_stack(emulator, name, network, f"{image}:v9", False)
    )
    assert cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "UPDATE_IN_PROGRESS"
    with pytest.raises(WaiterError, match="UPDATE_ROLLBACK_COMPLETE"):
        cf.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)
    assert time.perf_counter() - began >= 3.0
    failed = cf.describe_stack_events(StackName=name)["StackEvents"]
    reasons = [
        e.get("ResourceStatusReason", "") for e in failed if e["ResourceStatus"] == "UPDATE_FAILED"
    ]
    assert any("did not stabilize" in r for r in reasons)
    ecs = emulator.endpoint.client("ecs")
    service = ecs.describe_services(cluster=name, services=[name])["services"][0]
    assert service["taskDefinition"].endswith(f"{name}:1")


def test_a_read_waits_for_a_short_operation() -> None:
    """Emulator hook (compressed time, not AWS): DescribeStacks of a stack whose operation runs
    answers once it has ended, ``describe_wait_s`` at most, so a client that polls every few
    seconds (the CDK CLI: 5 s) is not held up by compressed work; every event is still there,
    in order. Uses a private emulator (its own settings)."""
    with Emulator() as private:
        cf = private.endpoint.client("cloudformation")
        private.control("cloudformation/async", {"resource_s": 0.3, "describe_wait_s": 5})
        cf.create_stack(StackName="short", TemplateBody=log_stack("short"))
        began = time.perf_counter()
        assert (
            cf.describe_stacks(StackName="short")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
        )
        assert time.perf_counter() - began >= 0.2  # it waited for the resource's work
        assert [s for _lid, s in statuses(cf, "short")] == [
            "CREATE_IN_PROGRESS",
            "CREATE_IN_PROGRESS",
            "CREATE_COMPLETE",
            "CREATE_COMPLETE",
        ]
        private.control("cloudformation/async", {"describe_wait_s": 0.1})
        cf.update_stack(StackName="short", TemplateBody=log_stack("short-2"))
        assert cf.describe_stacks(StackName="short")["Stacks"][0]["StackStatus"] == (
            "UPDATE_IN_PROGRESS"
        )


def test_reset_during_an_operation_cancels_it() -> None:
    """Emulator hook (not AWS): ``/moto-api/reset`` while a stack operation is running returns
    promptly (the operation is cancelled at its next step, before moto takes its backend
    lock), forgets the stack, and the same name deploys again. Uses a private emulator."""
    with Emulator() as private:
        cf = private.endpoint.client("cloudformation")
        private.control("cloudformation/async", {"resource_s": 0.5, "describe_wait_s": 0})
        groups = {f"G{i}": json.loads(log_stack(f"r{i}"))["Resources"]["Logs"] for i in range(6)}
        cf.create_stack(StackName="again", TemplateBody=json.dumps({"Resources": groups}))
        time.sleep(0.2)
        assert cf.describe_stacks(StackName="again")["Stacks"][0]["StackStatus"] == (
            "CREATE_IN_PROGRESS"
        )
        began = time.perf_counter()
        request = urllib.request.Request(f"{private.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass
        assert time.perf_counter() - began < 5
        assert cf.describe_stacks()["Stacks"] == []
        private.control("cloudformation/async", {"resource_s": 0})
        cf.create_stack(StackName="again", TemplateBody=log_stack("again"))
        cf.get_waiter("stack_create_complete").wait(StackName="again", WaiterConfig=FAST)


def test_a_stack_of_its_own_timeout_leaves_the_others_theirs() -> None:
    """Emulator hook: ``{"stack": NAME, "stabilize_timeout_s": s}`` shortens one stack's wait
    (a failure scenario's), every other stack keeps the emulator's; ``null`` undoes it."""
    from harness.fidelity.cloudformation import operations

    assert operations._async_route("POST", {"stack": "short", "stabilize_timeout_s": 3})[0] == 200
    try:
        assert operations.stabilize_timeout_s("short") == 3.0
        assert operations.stabilize_timeout_s("other") == operations.stabilize_timeout_s()
        assert operations._async_route("GET", {})[1]["stacks"] == {"short": 3.0}
        assert operations._async_route("POST", {"stack": "", "stabilize_timeout_s": 1})[0] == 400
    finally:
        operations._async_route("POST", {"stack": "short", "stabilize_timeout_s": None})
    assert operations.stabilize_timeout_s("short") == operations.stabilize_timeout_s()
