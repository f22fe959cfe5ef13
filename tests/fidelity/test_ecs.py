"""Conformance of the emulator's ECS API (``harness/fidelity/ecs``) to documented ECS behaviour.

Each test states the behaviour and the AWS document it follows. Sources:
- ECS API reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/
  (RegisterTaskDefinition, DescribeTaskDefinition, DeregisterTaskDefinition, CreateService,
  UpdateService, the Deployment and Task data types, RunTask, StopTask, DescribeTasks)
- "Amazon ECS task lifecycle" (developer guide, task-lifecycle-explanation.html)
- "Amazon ECS task networking options for Fargate" (developer guide, fargate-task-networking.html)
- botocore's ECS waiters (botocore/data/ecs/2014-11-13/waiters-2.json): ServicesStable,
  TasksRunning, TasksStopped, which the app-update script relies on.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from harness.emulator import Emulator

pytestmark = pytest.mark.services("ecs", "ec2", "elbv2")

FAST = {"Delay": 0.1, "MaxAttempts": 100}  # waiter polling against the emulator: <= 10 s


@dataclass(frozen=True)
class World:
    """One test's isolated ECS world: clients, a cluster and an awsvpc network."""

    ecs: Any
    ec2: Any
    elbv2: Any
    cluster: str
    vpc: str
    subnets: list[str]
    security_group: str

    @property
    def awsvpc(self) -> dict[str, Any]:
        return {
            "awsvpcConfiguration": {
                "subnets": self.subnets,
                "securityGroups": [self.security_group],
                "assignPublicIp": "DISABLED",
            }
        }

    def fargate_family(self, family: str, image: str = "repo:v1", **extra: Any) -> str:
        """Register a Fargate revision whose container leaves cpu/memory to the task; its ARN."""
        container = {"name": "app", "image": image, "essential": True}
        answer = self.ecs.register_task_definition(
            family=family,
            cpu="256",
            memory="512",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            containerDefinitions=[container],
            **extra,
        )
        return str(answer["taskDefinition"]["taskDefinitionArn"])

    def service(
        self,
        name: str,
        task_definition: str,
        desired: int = 2,
        network: dict[str, Any] | None = None,
        **extra: Any,
    ) -> Any:
        return self.ecs.create_service(
            cluster=self.cluster,
            serviceName=name,
            taskDefinition=task_definition,
            desiredCount=desired,
            launchType="FARGATE",
            networkConfiguration=network or self.awsvpc,
            **extra,
        )["service"]

    def describe_service(self, name: str) -> Any:
        return self.ecs.describe_services(cluster=self.cluster, services=[name], include=["TAGS"])[
            "services"
        ][0]

    def run(self, task_definition: str, network: dict[str, Any] | None = None) -> str:
        answer = self.ecs.run_task(
            cluster=self.cluster,
            taskDefinition=task_definition,
            launchType="FARGATE",
            networkConfiguration=network or self.awsvpc,
        )
        assert answer["failures"] == []
        return str(answer["tasks"][0]["taskArn"])

    def task(self, arn: str) -> Any:
        return self.ecs.describe_tasks(cluster=self.cluster, tasks=[arn])["tasks"][0]

    @property
    def default_security_group(self) -> str:
        """The VPC's default security group, which EC2 creates with the VPC."""
        answer = self.ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [self.vpc]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )
        (group,) = answer["SecurityGroups"]
        return str(group["GroupId"])


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def world(emulator: Emulator) -> Iterator[World]:
    endpoint = emulator.endpoint
    ec2 = endpoint.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"us-east-1{az}"
        )["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName=unique("app"), Description="app", VpcId=vpc)["GroupId"]
    ecs = endpoint.client("ecs")
    cluster = unique("fidelity")
    ecs.create_cluster(clusterName=cluster)
    try:
        yield World(ecs, ec2, endpoint.client("elbv2"), cluster, vpc, subnets, sg)
    finally:
        emulator.control("ecs/reset", {})


# task definitions ---------------------------------------------------------------------------
def test_register_task_definition_keeps_every_property(world: World) -> None:
    """RegisterTaskDefinition / DescribeTaskDefinition (API reference): the revision describes
    exactly what was registered - task-level cpu and memory, networkMode, requiresCompatibilities,
    execution and task roles, each container's environment, secrets, logConfiguration and
    portMappings - and ``include=["TAGS"]`` returns its tags. ECS adds the read-only fields
    revision, status ACTIVE, compatibilities, requiresAttributes, registeredAt and registeredBy.
    """
    family = unique("td")
    container = {
        "name": "web",
        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1",
        "essential": True,
        "environment": [{"name": "DJANGO_SETTINGS_MODULE", "value": "app.settings"}],
        "secrets": [
            {"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/ecs/a/web", "awslogs-region": "us-east-1"},
        },
        "portMappings": [{"containerPort": 8000, "protocol": "tcp"}],
    }
    given = {
        "family": family,
        "cpu": "512",
        "memory": "1024",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "taskRoleArn": "arn:aws:iam::123456789012:role/task",
        "containerDefinitions": [container],
    }
    tags = [{"key": "env", "value": "alpha"}]
    world.ecs.register_task_definition(**given, tags=tags)

    answer = world.ecs.describe_task_definition(taskDefinition=family, include=["TAGS"])
    definition = answer["taskDefinition"]
    for key in ("family", "cpu", "memory", "networkMode", "requiresCompatibilities"):
        assert definition[key] == given[key], key
    assert definition["executionRoleArn"] == given["executionRoleArn"]
    assert definition["taskRoleArn"] == given["taskRoleArn"]
    described = definition["containerDefinitions"][0]
    for key, value in container.items():
        assert described[key] == value, key
    assert answer["tags"] == tags
    assert definition["revision"] == 1
    assert definition["status"] == "ACTIVE"
    assert "FARGATE" in definition["compatibilities"]
    assert {"name": "ecs.capability.task-eni"} in definition["requiresAttributes"]
    assert definition["registeredAt"] is not None
    assert definition["registeredBy"].startswith("arn:aws:iam::")


def test_fargate_container_without_memory_is_accepted(world: World) -> None:
    """RegisterTaskDefinition, ContainerDefinition.memory: "If using the Fargate launch type,
    this parameter is optional" when the task sets memory; the container inherits task sizes."""
    arn = world.fargate_family(unique("nomem"))
    definition = world.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    assert "memory" not in definition["containerDefinitions"][0]
    assert definition["memory"] == "512"


def test_deregistered_revision_stays_describable_and_family_resolves_to_latest_active(
    world: World,
) -> None:
    """DeregisterTaskDefinition: a deregistered revision is marked INACTIVE and "INACTIVE task
    definitions remain discoverable in your account indefinitely". DescribeTaskDefinition: "If a
    revision isn't specified, the latest ACTIVE revision is used."
    """
    family = unique("dereg")
    first = world.fargate_family(family, image="repo:v1")
    second = world.fargate_family(family, image="repo:v2")
    world.ecs.deregister_task_definition(taskDefinition=second)

    inactive = world.ecs.describe_task_definition(taskDefinition=f"{family}:2")["taskDefinition"]
    assert inactive["status"] == "INACTIVE"
    assert inactive["deregisteredAt"] is not None
    latest = world.ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
    assert latest["taskDefinitionArn"] == first
    active = world.ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")
    assert active["taskDefinitionArns"] == [first]


# services and deployments -------------------------------------------------------------------
def test_create_service_keeps_fargate_properties(world: World) -> None:
    """CreateService / DescribeServices (API reference): the service describes the launchType,
    networkConfiguration, loadBalancers, platformVersion, healthCheckGracePeriodSeconds,
    enableExecuteCommand, propagateTags and (with include=TAGS) tags it was created with."""
    target_group = world.elbv2.create_target_group(
        Name=unique("tg"), Protocol="HTTP", Port=8000, VpcId=world.vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    load_balancers = [
        {"targetGroupArn": target_group, "containerName": "app", "containerPort": 8000}
    ]
    name = unique("svc")
    world.service(
        name,
        world.fargate_family(unique("web")),
        loadBalancers=load_balancers,
        platformVersion="1.4.0",
        healthCheckGracePeriodSeconds=60,
        enableExecuteCommand=True,
        propagateTags="SERVICE",
        tags=[{"key": "env", "value": "alpha"}],
    )

    service = world.describe_service(name)
    assert service["launchType"] == "FARGATE"
    assert service["networkConfiguration"] == world.awsvpc
    assert service["loadBalancers"] == load_balancers
    assert service["platformVersion"] == "1.4.0"
    assert service["healthCheckGracePeriodSeconds"] == 60
    assert service["enableExecuteCommand"] is True
    assert service["propagateTags"] == "SERVICE"
    assert service["tags"] == [{"key": "env", "value": "alpha"}]


def test_create_service_defaults(world: World) -> None:
    """CreateService (API reference, DeploymentConfiguration): for a REPLICA service with the
    rolling update (ECS) deployment type, maximumPercent defaults to 200 and
    minimumHealthyPercent to 100; a Fargate service's platformVersion defaults to LATEST;
    enableExecuteCommand defaults to false."""
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=1)
    service = world.describe_service(name)
    assert service["deploymentConfiguration"]["maximumPercent"] == 200
    assert service["deploymentConfiguration"]["minimumHealthyPercent"] == 100
    assert service["platformVersion"] == "LATEST"
    assert service["enableExecuteCommand"] is False
    assert service["schedulingStrategy"] == "REPLICA"


def test_new_service_has_one_primary_deployment_that_completes(world: World) -> None:
    """Deployment (API reference): PRIMARY is "the most recent deployment of a service"; "When a
    service deployment is started, it begins in an IN_PROGRESS state. When the service reaches a
    steady state, the deployment transitions to a COMPLETED state." ServicesStable (waiters-2.json)
    succeeds when every service has exactly one deployment and runningCount == desiredCount."""
    name = unique("svc")
    arn = world.fargate_family(unique("web"))
    created = world.service(name, arn, desired=2)
    assert [d["status"] for d in created["deployments"]] == ["PRIMARY"]
    assert created["deployments"][0]["taskDefinition"] == arn
    assert created["deployments"][0]["rolloutState"] == "IN_PROGRESS"

    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )

    service = world.describe_service(name)
    (deployment,) = service["deployments"]
    assert deployment["rolloutState"] == "COMPLETED"
    assert deployment["runningCount"] == deployment["desiredCount"] == 2
    assert service["runningCount"] == service["desiredCount"] == 2
    assert any("has reached a steady state" in e["message"] for e in service["events"])


def test_update_service_with_new_revision_rolls_a_new_deployment(
    world: World, emulator: Emulator
) -> None:
    """UpdateService + Deployment (API reference): a new task definition starts a new PRIMARY
    deployment of that revision; the previous deployment becomes ACTIVE ("still has running
    tasks, but are in the process of being replaced with a new PRIMARY deployment") until it is
    drained. Once stable (ServicesStable) the service has exactly one deployment: PRIMARY, the
    new revision, runningCount == desiredCount."""
    emulator.control("ecs/timing", {"provisioning_s": 1.0})  # long enough to watch the rollover
    family, name = unique("web"), unique("svc")
    first = world.fargate_family(family, image="repo:v1")
    world.service(name, first, desired=2)
    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )
    second = world.fargate_family(family, image="repo:v2")

    updated = world.ecs.update_service(cluster=world.cluster, service=name, taskDefinition=second)
    rolling = [(d["status"], d["taskDefinition"]) for d in updated["service"]["deployments"]]
    assert rolling == [("PRIMARY", second), ("ACTIVE", first)]
    assert updated["service"]["taskDefinition"] == second
    assert updated["service"]["deployments"][0]["rolloutState"] == "IN_PROGRESS"

    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )
    (deployment,) = world.describe_service(name)["deployments"]
    assert (deployment["status"], deployment["taskDefinition"]) == ("PRIMARY", second)
    assert deployment["runningCount"] == deployment["desiredCount"] == 2
    assert deployment["rolloutState"] == "COMPLETED"


def test_force_new_deployment_starts_a_deployment_of_the_same_revision(world: World) -> None:
    """UpdateService, forceNewDeployment: "Determines whether to force a new deployment of the
    service" - used to redeploy the same task definition (e.g. a moved image tag)."""
    name = unique("svc")
    arn = world.fargate_family(unique("web"))
    world.service(name, arn, desired=1)
    before = world.describe_service(name)["deployments"][0]["id"]

    answer = world.ecs.update_service(cluster=world.cluster, service=name, forceNewDeployment=True)
    deployments = answer["service"]["deployments"]
    assert deployments[0]["status"] == "PRIMARY"
    assert deployments[0]["id"] != before
    assert deployments[0]["taskDefinition"] == arn

    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )
    assert [d["id"] for d in world.describe_service(name)["deployments"]] == [deployments[0]["id"]]


def test_update_service_without_changes_starts_no_deployment(world: World) -> None:
    """UpdateService, forceNewDeployment: "By default, deployments aren't forced. You can use
    this option to start a new deployment with no service definition changes" - so an update
    naming the task definition the service already runs starts no new deployment (what lets an
    unchanged CloudFormation or Terraform re-apply leave a service alone)."""
    name = unique("svc")
    arn = world.fargate_family(unique("web"))
    world.service(name, arn, desired=1)
    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )
    before = [d["id"] for d in world.describe_service(name)["deployments"]]

    answer = world.ecs.update_service(cluster=world.cluster, service=name, taskDefinition=arn)

    assert [d["id"] for d in answer["service"]["deployments"]] == before
    assert answer["service"]["deployments"][0]["rolloutState"] == "COMPLETED"


def test_desired_count_change_is_reached_by_the_primary_deployment(world: World) -> None:
    """UpdateService: a new desiredCount changes how many tasks the service maintains; the
    Deployment's desiredCount is "the most recent desired count ... specified for the service"."""
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=1)
    world.ecs.update_service(cluster=world.cluster, service=name, desiredCount=3)
    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )
    service = world.describe_service(name)
    assert service["desiredCount"] == service["runningCount"] == 3
    assert len(service["deployments"]) == 1


# tasks --------------------------------------------------------------------------------------
def test_run_task_on_fargate_with_awsvpc_runs_and_stops_by_itself(world: World) -> None:
    """RunTask with awsvpc on Fargate gets an elastic network interface attachment ("for tasks
    that use the awsvpc network mode, the elastic network interface needs to be provisioned").
    A batch task "naturally progress[es] through from PENDING to RUNNING to STOPPED" (task
    lifecycle); once its essential container exits, stopCode is EssentialContainerExited and the
    container reports its exitCode. TasksStopped (waiters-2.json) succeeds on lastStatus STOPPED."""
    arn = world.run(world.fargate_family(unique("job")))
    started = world.task(arn)
    assert started["lastStatus"] in {"PROVISIONING", "PENDING"}
    assert started["desiredStatus"] == "RUNNING"
    (attachment,) = started["attachments"]
    assert attachment["type"] == "ElasticNetworkInterface"
    details = {d["name"]: d["value"] for d in attachment["details"]}
    assert details["subnetId"] in world.subnets
    assert details["privateIPv4Address"]

    world.ecs.get_waiter("tasks_stopped").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )

    stopped = world.task(arn)
    assert stopped["lastStatus"] == stopped["desiredStatus"] == "STOPPED"
    assert stopped["stopCode"] == "EssentialContainerExited"
    assert stopped["containers"][0]["exitCode"] == 0
    assert stopped["startedAt"] <= stopped["stoppedAt"]


def test_task_passes_through_running(world: World, emulator: Emulator) -> None:
    """Task lifecycle: RUNNING - "The task is successfully running" - comes before STOPPED;
    TasksRunning (waiters-2.json) succeeds when every task's lastStatus is RUNNING."""
    emulator.control("ecs/timing", {"task_run_s": 2.0})
    arn = world.run(world.fargate_family(unique("job")))
    world.ecs.get_waiter("tasks_running").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )
    running = world.task(arn)
    assert running["lastStatus"] == "RUNNING"
    assert running["containers"][0]["lastStatus"] == "RUNNING"
    assert "exitCode" not in running["containers"][0]


def test_task_outcome_hook_makes_the_essential_container_fail(
    world: World, emulator: Emulator
) -> None:
    """Test hook (not AWS): tasks of a family exit with the code set on the control API. The task
    still stops as ECS reports a failed batch task: stopCode EssentialContainerExited and the
    container's non-zero exitCode (Task and Container data types)."""
    family = unique("job")
    emulator.control("ecs/task-outcome", {"family": family, "exit_code": 3})
    arn = world.run(world.fargate_family(family))
    world.ecs.get_waiter("tasks_stopped").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )
    stopped = world.task(arn)
    assert stopped["stopCode"] == "EssentialContainerExited"
    assert stopped["containers"][0]["exitCode"] == 3


def test_never_stopping_task_stops_on_stop_task(world: World, emulator: Emulator) -> None:
    """Test hook (not AWS): a family's tasks may run until stopped. StopTask (API reference) sets
    desiredStatus STOPPED at once; the task then reaches lastStatus STOPPED with stopCode
    UserInitiated and the given reason as stoppedReason."""
    family = unique("server")
    emulator.control("ecs/task-outcome", {"family": family, "never_stops": True})
    emulator.control("ecs/timing", {"task_run_s": 0.05})
    arn = world.run(world.fargate_family(family))
    world.ecs.get_waiter("tasks_running").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )
    assert world.task(arn)["lastStatus"] == "RUNNING"
    with pytest.raises(WaiterError, match="Max attempts exceeded"):
        world.ecs.get_waiter("tasks_stopped").wait(
            cluster=world.cluster, tasks=[arn], WaiterConfig={"Delay": 0.1, "MaxAttempts": 3}
        )

    answer = world.ecs.stop_task(cluster=world.cluster, task=arn, reason="rolled back by test")
    assert answer["task"]["desiredStatus"] == "STOPPED"
    world.ecs.get_waiter("tasks_stopped").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )
    stopped = world.task(arn)
    assert stopped["stopCode"] == "UserInitiated"
    assert stopped["stoppedReason"] == "rolled back by test"


def test_describe_tasks_reports_unknown_task_as_missing(world: World) -> None:
    """DescribeTasks (API reference, Failure data type): a task that does not exist is reported
    in ``failures`` with reason MISSING, not silently left out."""
    ghost = f"arn:aws:ecs:us-east-1:123456789012:task/{world.cluster}/{uuid.uuid4().hex}"
    answer = world.ecs.describe_tasks(cluster=world.cluster, tasks=[ghost])
    assert answer["tasks"] == []
    assert answer["failures"] == [{"arn": ghost, "reason": "MISSING"}]


def test_control_hooks_reset_to_defaults(world: World, emulator: Emulator) -> None:
    """Test hook (not AWS): /_harness/ecs/reset clears task outcomes and timing, so one test's
    failure injection cannot leak into the next."""
    emulator.control("ecs/task-outcome", {"family": "x", "exit_code": 9})
    emulator.control("ecs/timing", {"task_run_s": 5})
    assert emulator.control("ecs/task-outcome") == {
        "x": {"exit_code": 9, "never_stops": False, "unhealthy": False}
    }
    emulator.control("ecs/reset", {})
    assert emulator.control("ecs/task-outcome") == {}
    assert emulator.control("ecs/timing")["task_run_s"] < 1


def test_update_service_of_unknown_service_fails(world: World) -> None:
    """UpdateService on a service that does not exist: ServiceNotFoundException (API reference)."""
    with pytest.raises(ClientError) as caught:
        world.ecs.update_service(cluster=world.cluster, service=unique("nope"), desiredCount=1)
    assert caught.value.response["Error"]["Code"] == "ServiceNotFoundException"


# network interfaces -------------------------------------------------------------------------
def interfaces_in(world: World) -> list[str]:
    answer = world.ec2.describe_network_interfaces(
        Filters=[{"Name": "subnet-id", "Values": world.subnets}]
    )
    return [i["NetworkInterfaceId"] for i in answer["NetworkInterfaces"]]


def interface_of(task: Any) -> tuple[str, str]:
    """The task's ENI attachment: (network interface ID, attachment status)."""
    (attachment,) = task["attachments"]
    details = {d["name"]: d["value"] for d in attachment["details"]}
    return details["networkInterfaceId"], attachment["status"]


def test_stopped_task_releases_its_network_interface(world: World) -> None:
    """Fargate task networking: each awsvpc task gets its own elastic network interface, in use
    while the task runs. Task lifecycle, DEPROVISIONING: "the task's network interface is
    detached and deleted" - so once the task is STOPPED, none is left in its subnet and the
    task's attachment reports status DELETED."""
    arn = world.run(world.fargate_family(unique("job")))
    eni, status = interface_of(world.task(arn))
    assert status == "ATTACHED"
    assert interfaces_in(world) == [eni]

    world.ecs.get_waiter("tasks_stopped").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )

    assert interfaces_in(world) == []
    assert interface_of(world.task(arn)) == (eni, "DELETED")


def test_task_stopped_by_stop_task_releases_its_network_interface(
    world: World, emulator: Emulator
) -> None:
    """StopTask on a task that would run forever: the interface stays while the task runs and
    is deleted by the time the task is STOPPED (task lifecycle, DEPROVISIONING). Seen from EC2
    alone, without describing the task again."""
    family = unique("server")
    emulator.control("ecs/task-outcome", {"family": family, "never_stops": True})
    arn = world.run(world.fargate_family(family))
    world.ecs.get_waiter("tasks_running").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )
    assert len(interfaces_in(world)) == 1

    world.ecs.stop_task(cluster=world.cluster, task=arn, reason="done")
    timing = emulator.control("ecs/timing")
    time.sleep(timing["stopping_s"] + 0.1)

    assert interfaces_in(world) == []


def test_network_is_deletable_after_tasks_stop_and_service_is_deleted(world: World) -> None:
    """What a stack delete does after the app update: the service is scaled to 0 and deleted
    (DeleteService: DRAINING, then INACTIVE once its tasks stopped; ServicesInactive waits for
    it), the one-off task has stopped; then the subnets, the security group and the VPC delete
    without DependencyViolation - Fargate released every task interface."""
    definition = world.fargate_family(unique("web"))
    name = unique("web")
    world.service(name, definition, desired=2)
    arn = world.run(definition)
    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )
    world.ecs.get_waiter("tasks_stopped").wait(
        cluster=world.cluster, tasks=[arn], WaiterConfig=FAST
    )
    world.ecs.update_service(cluster=world.cluster, service=name, desiredCount=0)
    world.ecs.delete_service(cluster=world.cluster, service=name)
    world.ecs.get_waiter("services_inactive").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )

    assert interfaces_in(world) == []
    for subnet in world.subnets:
        world.ec2.delete_subnet(SubnetId=subnet)
    world.ec2.delete_security_group(GroupId=world.security_group)
    world.ec2.delete_vpc(VpcId=world.vpc)
    with pytest.raises(ClientError) as caught:
        world.ec2.describe_vpcs(VpcIds=[world.vpc])
    assert caught.value.response["Error"]["Code"] == "InvalidVpcID.NotFound"


# awsvpc configuration defaults ----------------------------------------------------------------
def subnets_only(world: World) -> dict[str, Any]:
    return {"awsvpcConfiguration": {"subnets": world.subnets}}


def test_create_service_without_security_groups_uses_the_vpc_default(world: World) -> None:
    """AwsVpcConfiguration (API reference): securityGroups - "If you don't specify a security
    group, the default security group for the VPC is used". CreateService succeeds, and the
    service and its PRIMARY deployment report the VPC's default security group."""
    name = unique("svc")
    created = world.service(name, world.fargate_family(unique("web")), network=subnets_only(world))
    expected = {
        "awsvpcConfiguration": {
            "subnets": world.subnets,
            "securityGroups": [world.default_security_group],
            "assignPublicIp": "DISABLED",
        }
    }
    assert created["networkConfiguration"] == expected
    service = world.describe_service(name)
    assert service["networkConfiguration"] == expected
    assert service["deployments"][0]["networkConfiguration"] == expected


def test_update_service_to_a_network_without_security_groups_uses_the_vpc_default(
    world: World,
) -> None:
    """UpdateService (API reference) with a new networkConfiguration starts a new deployment;
    without securityGroups the VPC's default security group is used (AwsVpcConfiguration)."""
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=1)
    world.ecs.update_service(
        cluster=world.cluster, service=name, networkConfiguration=subnets_only(world)
    )
    service = world.describe_service(name)
    awsvpc = service["networkConfiguration"]["awsvpcConfiguration"]
    assert awsvpc["securityGroups"] == [world.default_security_group]
    assert service["deployments"][0]["networkConfiguration"] == service["networkConfiguration"]


def test_run_task_without_security_groups_uses_the_vpc_default(world: World) -> None:
    """RunTask with an awsvpcConfiguration of subnets only succeeds (AwsVpcConfiguration:
    "the default security group for the VPC is used"): the task's elastic network interface,
    seen from EC2, is in the subnet's VPC and in that VPC's default security group."""
    arn = world.run(world.fargate_family(unique("job")), network=subnets_only(world))
    eni, status = interface_of(world.task(arn))
    assert status == "ATTACHED"
    (interface,) = world.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])[
        "NetworkInterfaces"
    ]
    assert interface["VpcId"] == world.vpc
    assert [g["GroupId"] for g in interface["Groups"]] == [world.default_security_group]


def test_unknown_subnet_without_security_groups_is_a_client_error(world: World) -> None:
    """CreateService with a subnet that does not exist fails with InvalidParameterException
    (API reference, CreateService errors), with or without securityGroups - a client error,
    not a server fault."""
    network = {"awsvpcConfiguration": {"subnets": ["subnet-0123456789abcdef0"]}}
    with pytest.raises(ClientError) as caught:
        world.service(unique("svc"), world.fargate_family(unique("web")), network=network)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_assign_public_ip_defaults_to_disabled(world: World) -> None:
    """AwsVpcConfiguration (API reference): assignPublicIp - "The default value is DISABLED".
    A service created without it describes assignPublicIp DISABLED, and keeps the security
    groups it was given."""
    network = {
        "awsvpcConfiguration": {"subnets": world.subnets, "securityGroups": [world.security_group]}
    }
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=1, network=network)
    awsvpc = world.describe_service(name)["networkConfiguration"]["awsvpcConfiguration"]
    assert awsvpc["assignPublicIp"] == "DISABLED"
    assert awsvpc["securityGroups"] == [world.security_group]
