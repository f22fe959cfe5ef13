"""How a deployment's rollout goes: failed tasks, the circuit breaker, counts and completion.

As the ECS API reference (Deployment, DeploymentCircuitBreaker) and the developer guide
("How the Amazon ECS deployment circuit breaker detects failures") describe them:

- a task that fails to start, whose essential container exits, or that fails its health
  checks adds to its deployment's ``failedTasks``; the scheduler retries with a back-off and,
  after three failures in a row, says it "is unable to consistently start tasks successfully";
- with the circuit breaker enabled, a deployment whose failures reach the threshold (0.5 *
  desiredCount, between 3 and 200; a task that turns healthy resets the count) turns FAILED and
  stops launching tasks; with ``rollback`` a new deployment of the last COMPLETED one starts;
- running and pending counts follow the tasks; an ACTIVE deployment is gone once its tasks
  stopped; the PRIMARY one is COMPLETED once it alone runs desiredCount healthy tasks;
- a DRAINING (deleted) service turns INACTIVE once its tasks stopped, and then counts none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.fidelity.ecs import deployments
from harness.fidelity.ecs.simulation import state

if TYPE_CHECKING:
    from harness.fidelity.ecs.scheduler import At

_HEALTHY = "+"  # prefix in Run.counted for tasks seen healthy
_BACKOFF_DOUBLINGS = 4
_UNABLE = (
    "is unable to consistently start tasks successfully. For more information, see the "
    "Troubleshooting section of the Amazon ECS Developer Guide."
)


def count_failures(at: At) -> None:
    """Count failed tasks (stopping those that fail health checks), and healthy ones."""
    from harness.fidelity.ecs import scheduler

    for task in at.run.tasks:
        arn = task.task_arn
        if arn in at.run.counted:
            continue
        why = _health_failure(at, task)
        if why is not None:
            scheduler.stop_for_health(at, task, why)
        elif not task.failed_at(at.t):
            if _HEALTHY + arn not in at.run.counted and scheduler.healthy(at, task):
                at.run.counted.add(_HEALTHY + arn)
                at.run.failures_in_row = 0
                at.run.breaker.pop(task.started_by, None)
            continue
        at.run.counted.add(arn)
        _failed(at, task.started_by)


def _health_failure(at: At, task: Any) -> str | None:
    if not task.live_at(at.t):
        return None
    for registration in at.run.registrations.get(task.task_arn, []):
        if registration.failed_at(at.t) and registration.deregistered_at is None:
            group = registration.target_group_arn
            at.event(
                f"(port {registration.port}) is unhealthy in (target-group {group}) due to "
                "(reason Health checks failed)."
            )
            return f"Task failed ELB health checks in (target-group {group})"
    if task.health_checked and task.health_failed_at(at.t):
        at.event(f"(task {task.id}) failed container health checks.")
        return "Task failed container health checks"
    return None


def _failed(at: At, deployment_id: str) -> None:
    for deployment in at.service.deployments:
        if deployment["id"] == deployment_id:
            deployment["failedTasks"] += 1
            deployment["updatedAt"] = at.wall
    at.run.breaker[deployment_id] = at.run.breaker.get(deployment_id, 0) + 1
    at.run.failures_in_row += 1
    doublings = min(at.run.failures_in_row - 1, _BACKOFF_DOUBLINGS)
    at.run.next_start = at.t + state.timing().retry_s * 2**doublings
    if at.run.failures_in_row == 3:
        at.event(_UNABLE)


def trip_breaker(at: At) -> None:
    """Fail the PRIMARY deployment when the circuit breaker says so; roll back if asked."""
    service = at.service
    if not service.deployments:
        return
    primary = service.deployments[0]
    breaker = deployments.configuration(service).get("deploymentCircuitBreaker") or {}
    failures = at.run.breaker.get(primary["id"], 0)
    if not breaker.get("enable") or primary["rolloutState"] != "IN_PROGRESS":
        return
    if failures < deployments.breaker_threshold(int(primary["desiredCount"])):
        return
    primary.update(
        rolloutState="FAILED", rolloutStateReason=deployments.FAILED_REASON, updatedAt=at.wall
    )
    at.event(f"(deployment {primary['id']}) deployment failed: tasks failed to start.")
    last = at.run.last_completed
    if not breaker.get("rollback") or last is None:
        return
    primary["status"] = "ACTIVE"
    service.task_definition = last["taskDefinition"]
    rollback = deployments.new(service, at.wall)
    rollback["rolloutStateReason"] = (
        f"ECS deployment circuit breaker: rolling back to deploymentId {last['id']}."
    )
    service.deployments.insert(0, rollback)
    at.run.next_start = at.t
    at.event(f"(deployment {rollback['id']}) rolling back to deployment {last['id']}.")


def account(at: At) -> None:
    """Counts from the tasks; drained deployments dropped; completion and steady state."""
    service = at.service
    for deployment in service.deployments:
        tasks = [t for t in at.run.tasks if t.started_by == deployment["id"]]
        live = [t for t in tasks if t.live_at(at.t)]
        counts = {
            "runningCount": sum(t.status_at(at.t) == "RUNNING" for t in live),
            "pendingCount": sum(t.status_at(at.t) in ("PROVISIONING", "PENDING") for t in live),
        }
        if deployment["status"] == "PRIMARY":
            counts["desiredCount"] = service.desired_count if service.status == "ACTIVE" else 0
        else:
            counts["desiredCount"] = len(live)
        if any(deployment[k] != v for k, v in counts.items()):
            deployment.update(counts, updatedAt=at.wall)
    # A failed deployment stays listed (ACTIVE, FAILED) until the rollback completes.
    rolling_back = (
        bool(service.deployments) and service.deployments[0]["rolloutState"] != "COMPLETED"
    )
    service.deployments[1:] = [
        d
        for d in service.deployments[1:]
        if (rolling_back and d["rolloutState"] == "FAILED")
        or any(t.started_by == d["id"] and t.status_at(at.t) != "STOPPED" for t in at.run.tasks)
    ]
    if service.status == "DRAINING" and not any(
        t.status_at(at.t) != "STOPPED" for t in at.run.tasks
    ):
        service.status = "INACTIVE"
    _count(service)
    _complete(at)


def _complete(at: At) -> None:
    from harness.fidelity.ecs import scheduler

    service = at.service
    if not service.deployments or service.status != "ACTIVE":
        return
    primary = service.deployments[0]
    mine = [t for t in at.run.tasks if t.started_by == primary["id"] and t.live_at(at.t)]
    leftovers = [d for d in service.deployments[1:] if d["rolloutState"] != "FAILED"]
    others = [t for t in at.run.tasks if t.started_by != primary["id"]]
    steady = (
        not leftovers
        and all(t.status_at(at.t) == "STOPPED" for t in others)
        and len(mine) == service.desired_count
        and all(scheduler.healthy(at, t) for t in mine)
    )
    if steady and primary["rolloutState"] == "IN_PROGRESS":
        service.deployments[1:] = []
        primary.update(
            rolloutState="COMPLETED",
            rolloutStateReason=f"ECS deployment {primary['id']} completed.",
            updatedAt=at.wall,
        )
        at.event(f"(deployment {primary['id']}) deployment completed.")
    if steady and primary["rolloutState"] == "COMPLETED":
        at.run.last_completed = {"id": primary["id"], "taskDefinition": primary["taskDefinition"]}
    if steady and not at.run.steady:
        at.event("has reached a steady state.")
    at.run.steady = steady


def _count(service: Any) -> None:
    if service.status == "INACTIVE":
        service.running_count = service.pending_count = 0
        return
    service.running_count = sum(d["runningCount"] for d in service.deployments)
    service.pending_count = sum(d["pendingCount"] for d in service.deployments)
