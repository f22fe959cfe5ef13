"""Conformance of the emulator's ECS services as real clients see them: their tasks, rolling
deployments, load balancer targets and failed deployments (``harness/fidelity/ecs``).

Sources, cited per test:
- ECS API reference: CreateService, UpdateService, DeleteService, ListTasks, DescribeTasks, the
  Deployment, DeploymentConfiguration, DeploymentCircuitBreaker and Task data types
  (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/)
- ECS developer guide: "Amazon ECS task lifecycle"; "Deploy Amazon ECS services by replacing
  tasks" (rolling update); "How the Amazon ECS deployment circuit breaker detects failures";
  "Amazon ECS stopped task error codes"; "Viewing Amazon ECS service event messages";
  "Use load balancing to distribute Amazon ECS service traffic"
- ELB API reference: DescribeTargetHealth, TargetHealth (states initial, healthy, unhealthy,
  draining and their reason codes)
- botocore's waiters: ecs ServicesStable, ServicesInactive, TasksStopped; elbv2 TargetInService
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import test_ecs
from test_ecs import FAST, World, unique

from harness.emulator import Emulator

pytestmark = pytest.mark.services("ecs", "ec2", "elbv2", "ecr")

world = test_ecs.world  # the same fixture: one isolated ECS world per test
SLOW = {"Delay": 0.2, "MaxAttempts": 150}  # <= 30 s, for deployments that retry


def service_tasks(world: World, name: str, status: str = "RUNNING") -> list[dict[str, Any]]:
    arns = world.ecs.list_tasks(cluster=world.cluster, serviceName=name, desiredStatus=status)[
        "taskArns"
    ]
    if not arns:
        return []
    return list(world.ecs.describe_tasks(cluster=world.cluster, tasks=arns)["tasks"])


def stable(world: World, name: str, config: dict[str, float] = FAST) -> None:
    world.ecs.get_waiter("services_stable").wait(
        cluster=world.cluster, services=[name], WaiterConfig=config
    )


def poll(
    sample: Callable[[], Any], until: Callable[[Any], bool], timeout_s: float = 20
) -> list[Any]:
    """Samples of ``sample()`` every 20 ms until one satisfies ``until`` (all of them)."""
    seen = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        seen.append(sample())
        if until(seen[-1]):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"not reached in {timeout_s} s; last sample: {seen[-1]!r}")


def target_group(world: World) -> str:
    return str(
        world.elbv2.create_target_group(
            Name=unique("tg"), Protocol="HTTP", Port=8000, VpcId=world.vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
    )


def balanced(group: str) -> list[dict[str, Any]]:
    return [{"targetGroupArn": group, "containerName": "app", "containerPort": 8000}]


def health(world: World, group: str) -> dict[str, str]:
    answer = world.elbv2.describe_target_health(TargetGroupArn=group)
    return {
        d["Target"]["Id"]: d["TargetHealth"]["State"] for d in answer["TargetHealthDescriptions"]
    }


def ip_of(task: dict[str, Any]) -> str:
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    return str(details["privateIPv4Address"])


def ecr_image(world: World, emulator: Emulator, tags: list[str]) -> str:
    """An ECR repository holding ``tags``; its URI (no tag)."""
    ecr = emulator.endpoint.client("ecr")
    name = unique("repo")
    uri = ecr.create_repository(repositoryName=name)["repository"]["repositoryUri"]
    for tag in tags:
        manifest = '{"schemaVersion": 2, "config": {"digest": "sha256:%s"}, "layers": []}' % tag
        ecr.put_image(repositoryName=name, imageManifest=manifest, imageTag=tag)
    return str(uri)


# service tasks -------------------------------------------------------------------------------
def test_service_runs_task_objects_of_its_deployment(world: World) -> None:
    """A service's tasks are tasks like any other: ListTasks with serviceName "limits the results
    to tasks that belong to that service"; each is in group ``service:NAME``, startedBy the
    deployment id (Task data type: "If the task is started by an Amazon ECS service, the startedBy
    parameter contains the deployment ID of that service"), and on Fargate with awsvpc has an
    elastic network interface. Once stable (ServicesStable) desiredCount of them are RUNNING."""
    name = unique("svc")
    arn = world.fargate_family(unique("web"))
    created = world.service(name, arn, desired=2)
    stable(world, name)

    tasks = service_tasks(world, name)
    assert len(tasks) == 2
    deployment = created["deployments"][0]["id"]
    for task in tasks:
        assert task["group"] == f"service:{name}"
        assert task["startedBy"] == deployment
        assert task["taskDefinitionArn"] == arn
        assert task["launchType"] == "FARGATE"
        assert task["lastStatus"] == task["desiredStatus"] == "RUNNING"
        assert task["attachments"][0]["type"] == "ElasticNetworkInterface"
    assert len({ip_of(t) for t in tasks}) == 2
    other = world.ecs.list_tasks(cluster=world.cluster, serviceName=unique("other"))
    assert other["taskArns"] == []


def test_service_task_passes_through_provisioning_and_pending(
    world: World, emulator: Emulator
) -> None:
    """Task lifecycle: a task a service starts is PROVISIONING ("Amazon ECS has to perform
    additional steps before the task is launched", the ENI for awsvpc), then PENDING, then
    RUNNING; the deployment counts it as pending until it runs (Deployment: pendingCount "in the
    PENDING state", runningCount "in the RUNNING state"). A client polling sees the order."""
    emulator.control("ecs/timing", {"provisioning_s": 0.4, "pending_s": 0.4})
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=1)

    def sample() -> tuple[str, int, int]:
        (task,) = service_tasks(world, name)
        (deployment,) = world.describe_service(name)["deployments"]
        return task["lastStatus"], deployment["pendingCount"], deployment["runningCount"]

    seen = poll(sample, lambda s: s[0] == "RUNNING")
    statuses = list(dict.fromkeys(s[0] for s in seen))
    assert statuses == ["PROVISIONING", "PENDING", "RUNNING"]
    assert all(s[1:] == (1, 0) for s in seen if s[0] != "RUNNING")
    assert seen[-1][1:] == (0, 1)


def test_rolling_deployment_stays_within_its_bounds(world: World, emulator: Emulator) -> None:
    """Rolling update (DeploymentConfiguration): maximumPercent is "the upper limit on the number
    of your service's tasks that are allowed in the RUNNING or PENDING state during a deployment",
    minimumHealthyPercent "the lower limit on the number of your service's tasks that must remain
    in the RUNNING state". With desiredCount 4, 150 % and 50 %: never more than 6 tasks running or
    pending, never fewer than 2 running; the old tasks are all replaced by new ones."""
    emulator.control("ecs/timing", {"provisioning_s": 0.2, "pending_s": 0.2, "stopping_s": 0.2})
    family, name = unique("web"), unique("svc")
    config = {"maximumPercent": 150, "minimumHealthyPercent": 50}
    world.service(name, world.fargate_family(family), desired=4, deploymentConfiguration=config)
    stable(world, name)
    second = world.fargate_family(family, image="repo:v2")
    world.ecs.update_service(cluster=world.cluster, service=name, taskDefinition=second)

    def sample() -> tuple[int, int, bool]:
        tasks = service_tasks(world, name)
        running = sum(t["lastStatus"] == "RUNNING" for t in tasks)
        new = [
            t for t in tasks if t["taskDefinitionArn"] == second and t["lastStatus"] == "RUNNING"
        ]
        return len(tasks), running, len(new) == len(tasks) == 4

    seen = poll(sample, lambda s: s[2])
    assert max(s[0] for s in seen) <= 6
    assert min(s[1] for s in seen) >= 2
    assert max(s[0] for s in seen) > 4, "the deployment started new tasks before stopping old"
    stable(world, name)


def test_replaced_tasks_stop_with_the_scheduler_as_the_reason(world: World) -> None:
    """Stopped task error codes: a task the service scheduler stops has stopCode
    ServiceSchedulerInitiated; replaced by a deployment, its stoppedReason is "Scaling activity
    initiated by (deployment ecs-svc/...)" naming the new deployment. ListTasks with
    desiredStatus STOPPED shows them ("useful for debugging")."""
    family, name = unique("web"), unique("svc")
    world.service(name, world.fargate_family(family), desired=2)
    stable(world, name)
    old = {t["taskArn"] for t in service_tasks(world, name)}
    updated = world.ecs.update_service(
        cluster=world.cluster, service=name, taskDefinition=world.fargate_family(family)
    )
    stable(world, name)

    stopped = {t["taskArn"]: t for t in service_tasks(world, name, "STOPPED")}
    assert set(stopped) == old
    new_deployment = updated["service"]["deployments"][0]["id"]
    for task in stopped.values():
        assert task["stopCode"] == "ServiceSchedulerInitiated"
        assert (
            task["stoppedReason"] == f"Scaling activity initiated by (deployment {new_deployment})"
        )
        assert task["lastStatus"] == "STOPPED"
    assert not old & {t["taskArn"] for t in service_tasks(world, name)}


def test_scale_in_stops_tasks_and_counts_follow(world: World) -> None:
    """UpdateService with a lower desiredCount: the scheduler stops the surplus tasks
    (ServiceSchedulerInitiated) and the service's runningCount follows its tasks; DescribeClusters
    counts the cluster's RUNNING tasks (runningTasksCount) and ACTIVE services."""
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=3)
    stable(world, name)
    world.ecs.update_service(cluster=world.cluster, service=name, desiredCount=1)
    stable(world, name)

    assert len(service_tasks(world, name)) == 1
    assert len(service_tasks(world, name, "STOPPED")) == 2
    service = world.describe_service(name)
    assert service["runningCount"] == service["desiredCount"] == 1
    (cluster,) = world.ecs.describe_clusters(clusters=[world.cluster])["clusters"]
    assert cluster["runningTasksCount"] == 1
    assert cluster["pendingTasksCount"] == 0
    assert cluster["activeServicesCount"] == 1


def test_delete_service_drains_then_goes_inactive(world: World) -> None:
    """DeleteService: "the service status moves from ACTIVE to DRAINING" and its tasks are
    stopped; "After all tasks have transitioned to either STOPPING or STOPPED status, the service
    status moves from DRAINING to INACTIVE" (ServicesInactive waits for it). Counts stay
    consistent: an inactive service and its cluster count no running task."""
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=2)
    stable(world, name)
    world.ecs.update_service(cluster=world.cluster, service=name, desiredCount=0)
    deleted = world.ecs.delete_service(cluster=world.cluster, service=name)["service"]
    assert deleted["status"] in {"DRAINING", "INACTIVE"}
    world.ecs.get_waiter("services_inactive").wait(
        cluster=world.cluster, services=[name], WaiterConfig=FAST
    )

    service = world.describe_service(name)
    assert service["status"] == "INACTIVE"
    assert service["runningCount"] == service["pendingCount"] == 0
    assert service_tasks(world, name) == []
    (cluster,) = world.ecs.describe_clusters(clusters=[world.cluster])["clusters"]
    assert cluster["runningTasksCount"] == cluster["activeServicesCount"] == 0


def test_stopped_service_task_is_replaced(world: World) -> None:
    """A service "maintains the desired count": a task stopped with StopTask (stopCode
    UserInitiated) is replaced by a new task of the same deployment."""
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web")), desired=1)
    stable(world, name)
    (task,) = service_tasks(world, name)
    world.ecs.stop_task(cluster=world.cluster, task=task["taskArn"], reason="by test")
    stable(world, name)
    world.ecs.get_waiter("tasks_stopped").wait(
        cluster=world.cluster, tasks=[task["taskArn"]], WaiterConfig=FAST
    )

    (replacement,) = service_tasks(world, name)
    assert replacement["taskArn"] != task["taskArn"]
    assert replacement["startedBy"] == task["startedBy"]
    assert world.task(task["taskArn"])["stopCode"] == "UserInitiated"
