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

import json
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
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"digest": f"sha256:{tag}", "size": 1},
                "layers": [],
            }
        )
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
    assert any(s[1:] == (1, 0) for s in seen if s[0] != "RUNNING")
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


# load balancing --------------------------------------------------------------------------------
def test_service_tasks_are_ip_targets_that_turn_healthy(world: World) -> None:
    """Load balancing (developer guide): for awsvpc tasks the target type is ip and ECS registers
    each task's private IP with the target group; DescribeTargetHealth (TargetHealth) shows a new
    target ``initial`` (Elb.RegistrationInProgress) until it passes its health checks, then
    ``healthy``; the TargetInService waiter succeeds. The service says "registered N targets"."""
    group = target_group(world)
    name = unique("svc")
    world.service(
        name, world.fargate_family(unique("web")), desired=2, loadBalancers=balanced(group)
    )

    seen = poll(
        lambda: health(world, group), lambda h: len(h) == 2 and set(h.values()) == {"healthy"}
    )
    assert any("initial" in h.values() for h in seen)
    stable(world, name)
    ips = {ip_of(t) for t in service_tasks(world, name)}
    assert set(health(world, group)) == ips
    targets = [{"Id": ip, "Port": 8000} for ip in ips]
    world.elbv2.get_waiter("target_in_service").wait(
        TargetGroupArn=group, Targets=targets, WaiterConfig=FAST
    )
    messages = [e["message"] for e in world.describe_service(name)["events"]]
    assert any(f"registered 2 targets in (target-group {group})" in m for m in messages)


def test_replaced_tasks_drain_from_the_target_group(world: World, emulator: Emulator) -> None:
    """Stopping a task behind a load balancer: ECS deregisters it, the target is ``draining``
    (Target.DeregistrationInProgress) for the deregistration delay, the task stays RUNNING-side
    (DEACTIVATING, task lifecycle) until then, and the target is gone afterwards. The service
    stays stable only once the old targets drained; a healthy target serves throughout."""
    emulator.control("ecs/timing", {"draining_s": 0.6})
    family, group, name = unique("web"), target_group(world), unique("svc")
    world.service(name, world.fargate_family(family), desired=1, loadBalancers=balanced(group))
    stable(world, name)
    (old,) = service_tasks(world, name)
    world.elbv2.get_waiter("target_in_service").wait(
        TargetGroupArn=group, Targets=[{"Id": ip_of(old), "Port": 8000}], WaiterConfig=FAST
    )
    world.ecs.update_service(
        cluster=world.cluster, service=name, taskDefinition=world.fargate_family(family)
    )

    seen = poll(lambda: health(world, group), lambda h: h == {} or ip_of(old) not in h)
    states = [h.get(ip_of(old)) for h in seen]
    assert "draining" in states
    assert all("healthy" in h.values() for h in seen), "a healthy target at every sample"
    stable(world, name)
    (new,) = service_tasks(world, name)
    assert health(world, group) == {ip_of(new): "healthy"}
    assert world.task(old["taskArn"])["lastStatus"] == "STOPPED"
    messages = [e["message"] for e in world.describe_service(name)["events"]]
    assert any("has begun draining connections on 1 tasks." in m for m in messages)


# failed deployments ----------------------------------------------------------------------------
def test_image_missing_from_ecr_fails_to_pull_and_the_service_retries(
    world: World, emulator: Emulator
) -> None:
    """Stopped task error codes: a task whose image is not in its ECR repository stops with
    stopCode TaskFailedToStart and a stoppedReason starting "CannotPullContainerError"; without a
    circuit breaker the scheduler keeps trying (Deployment.failedTasks grows, the rollout stays
    IN_PROGRESS) and says it "is unable to consistently start tasks successfully"."""
    repository = ecr_image(world, emulator, ["v1"])
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web"), image=f"{repository}:v9"), desired=1)

    seen = poll(
        lambda: world.describe_service(name)["deployments"][0], lambda d: d["failedTasks"] >= 3
    )
    assert seen[-1]["rolloutState"] == "IN_PROGRESS"
    (failed, *_) = service_tasks(world, name, "STOPPED")
    assert failed["stopCode"] == "TaskFailedToStart"
    assert failed["stoppedReason"].startswith("CannotPullContainerError:")
    assert f"{repository}:v9" in failed["stoppedReason"]
    assert "startedAt" not in failed
    assert failed["containers"][0]["reason"].startswith("CannotPullContainerError:")
    messages = [e["message"] for e in world.describe_service(name)["events"]]
    assert any("is unable to consistently start tasks successfully" in m for m in messages)


def test_image_present_in_ecr_starts(world: World, emulator: Emulator) -> None:
    """The same service with a tag its repository holds runs (the failure above is the image)."""
    repository = ecr_image(world, emulator, ["v1"])
    name = unique("svc")
    world.service(name, world.fargate_family(unique("web"), image=f"{repository}:v1"), desired=1)
    stable(world, name)
    assert world.describe_service(name)["deployments"][0]["failedTasks"] == 0


def test_essential_container_that_exits_is_replaced(world: World, emulator: Emulator) -> None:
    """Test hook (a family's essential container exits with a code): the task stops with stopCode
    EssentialContainerExited ("Essential container in task exited") and the container's exit code;
    the service counts it in failedTasks and starts another."""
    family, name = unique("web"), unique("svc")
    emulator.control("ecs/task-outcome", {"family": family, "exit_code": 1})
    world.service(name, world.fargate_family(family), desired=1)

    poll(lambda: world.describe_service(name)["deployments"][0], lambda d: d["failedTasks"] >= 2)
    stopped = service_tasks(world, name, "STOPPED")
    assert len(stopped) >= 2
    assert {t["stopCode"] for t in stopped} == {"EssentialContainerExited"}
    assert {t["containers"][0]["exitCode"] for t in stopped} == {1}
    assert stopped[0]["stoppedReason"] == "Essential container in task exited"


def test_failing_health_check_stops_the_task(world: World, emulator: Emulator) -> None:
    """Test hook (a family's health checks fail): its targets turn ``unhealthy``
    (Target.FailedHealthChecks), and ECS stops the task - stoppedReason "Task failed ELB health
    checks in (target-group ...)" - with the event "(port P) is unhealthy in (target-group ...)"."""
    family, group, name = unique("web"), target_group(world), unique("svc")
    emulator.control("ecs/task-outcome", {"family": family, "unhealthy": True})
    world.service(name, world.fargate_family(family), desired=1, loadBalancers=balanced(group))

    seen = poll(lambda: health(world, group), lambda h: "unhealthy" in h.values())
    assert "healthy" not in {state for h in seen for state in h.values()}
    poll(lambda: service_tasks(world, name, "STOPPED"), bool)
    (stopped, *_) = service_tasks(world, name, "STOPPED")
    assert stopped["stopCode"] == "ServiceSchedulerInitiated"
    assert stopped["stoppedReason"] == f"Task failed ELB health checks in (target-group {group})"
    messages = [e["message"] for e in world.describe_service(name)["events"]]
    assert any(f"(port 8000) is unhealthy in (target-group {group})" in m for m in messages)


def breaker(rollback: bool) -> dict[str, Any]:
    return {
        "deploymentCircuitBreaker": {"enable": True, "rollback": rollback},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }


def test_circuit_breaker_rolls_back_to_the_last_completed_deployment(
    world: World, emulator: Emulator
) -> None:
    """DeploymentCircuitBreaker: "If rollback is on, when a service deployment fails, the service
    is rolled back to the last deployment that completed successfully". The failed deployment's
    rolloutState is FAILED after the threshold (ServiceDeploymentCircuitBreaker: minimum 3) of
    failed tasks; a new PRIMARY deployment of the previous revision completes; the service's
    taskDefinition is the previous one again; the old tasks kept serving throughout."""
    emulator.control("ecs/timing", {"provisioning_s": 0.5})  # a rollback a poller can watch
    repository = ecr_image(world, emulator, ["v1"])
    family, name = unique("web"), unique("svc")
    good = world.fargate_family(family, image=f"{repository}:v1")
    world.service(name, good, desired=2, deploymentConfiguration=breaker(rollback=True))
    stable(world, name)
    bad = world.fargate_family(family, image=f"{repository}:v9")
    failing = world.ecs.update_service(cluster=world.cluster, service=name, taskDefinition=bad)
    failing_id = failing["service"]["deployments"][0]["id"]

    def sample() -> tuple[dict[str, Any], int]:
        running = [t for t in service_tasks(world, name) if t["lastStatus"] == "RUNNING"]
        return world.describe_service(name), sum(t["taskDefinitionArn"] == good for t in running)

    seen = poll(sample, lambda s: s[0]["deployments"][0]["id"] != failing_id)
    assert min(s[1] for s in seen) >= 2, "the old tasks kept serving"
    (failed,) = [d for d in seen[-1][0]["deployments"] if d["id"] == failing_id]
    assert failed["status"] == "ACTIVE"
    assert failed["rolloutState"] == "FAILED"
    assert failed["failedTasks"] >= 3
    assert failed["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    stable(world, name, SLOW)
    service = world.describe_service(name)
    (deployment,) = service["deployments"]
    assert service["taskDefinition"] == deployment["taskDefinition"] == good
    assert deployment["rolloutState"] == "COMPLETED"
    assert {t["taskDefinitionArn"] for t in service_tasks(world, name)} == {good}
    messages = [e["message"] for e in service["events"]]
    assert any(
        f"(deployment {failing_id}) deployment failed: tasks failed to start." in m
        for m in messages
    )


def test_circuit_breaker_without_rollback_fails_and_stops_launching(
    world: World, emulator: Emulator
) -> None:
    """DeploymentCircuitBreaker: "If it is turned on, a service deployment will transition to a
    failed state and stop launching new tasks." Without rollback the FAILED deployment stays
    PRIMARY, no further task of it is started, and the old tasks keep running (so the service
    never becomes stable: ServicesStable times out)."""
    repository = ecr_image(world, emulator, ["v1"])
    family, name = unique("web"), unique("svc")
    world.service(
        name, world.fargate_family(family, image=f"{repository}:v1"), desired=1,
        deploymentConfiguration=breaker(rollback=False),
    )  # fmt: skip
    stable(world, name)
    bad = world.fargate_family(family, image=f"{repository}:v9")
    world.ecs.update_service(cluster=world.cluster, service=name, taskDefinition=bad)

    seen = poll(
        lambda: world.describe_service(name)["deployments"][0],
        lambda d: d["rolloutState"] == "FAILED",
    )
    failed_tasks = seen[-1]["failedTasks"]
    time.sleep(1.0)
    service = world.describe_service(name)
    assert service["deployments"][0]["failedTasks"] == failed_tasks
    assert service["deployments"][0]["taskDefinition"] == bad
    assert [t["taskDefinitionArn"] for t in service_tasks(world, name)] != []
    assert all(t["taskDefinitionArn"] != bad for t in service_tasks(world, name))
    assert len(service["deployments"]) == 2
