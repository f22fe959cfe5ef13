"""The service scheduler: it starts and stops a service's tasks, as ECS's rolling update does.

moto 5.2.5 starts no task for a service. Here every ACTIVE service keeps ``desiredCount``
tasks of its PRIMARY deployment (group ``service:NAME``, startedBy the deployment id), and a
new deployment replaces the old tasks within the deployment configuration's bounds
("Deploy Amazon ECS services by replacing tasks", developer guide): at most maximumPercent
of desiredCount running or pending, at least minimumHealthyPercent healthy. A task counts as
healthy once it is RUNNING and, with load balancers, its targets are healthy (and, with a
container healthCheck, the container is HEALTHY). Tasks that fail are replaced with a back-off;
the deployment circuit breaker, when enabled, fails the deployment (:mod:`.rollout`).

Nothing runs in the background: whenever a service is observed, :func:`advance` replays every
moment since the last observation at which one of its tasks changed state, deciding at each
as the scheduler would have, so a client polling at any rate sees the states in order.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from moto.core.utils import utcnow
from moto.ecs import models as moto_models

from harness.fidelity.ecs import deployments, rollout, targets
from harness.fidelity.ecs.simulation import state
from harness.fidelity.ecs.tasks import SimulatedTask

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
models: Any = moto_models

lock = threading.RLock()
"""Held by every call that reads or changes services, their tasks and targets."""

_RUN = "_harness_run"
SCHEDULER = "ServiceSchedulerInitiated"


@dataclass(slots=True)
class Run:
    """What the scheduler remembers of one service between observations."""

    clock: float
    tasks: list[SimulatedTask] = field(default_factory=list)
    """Tasks not yet seen STOPPED (stopped ones stay in the backend, as ECS keeps them)."""
    registrations: dict[str, list[targets.Registration]] = field(default_factory=dict)
    counted: set[str] = field(default_factory=set)
    """ARNs of tasks whose failure was counted, and of those seen healthy (prefix ``+``)."""
    breaker: dict[str, int] = field(default_factory=dict)
    """Deployment id -> failures the circuit breaker counts (reset by a healthy task)."""
    failures_in_row: int = 0
    next_start: float = 0.0
    steady: bool = False
    last_completed: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class At:
    """One moment of the replay, for one service."""

    service: Any
    run: Run
    backend: Any
    t: float

    @property
    def wall(self) -> datetime:
        """The moment as a UTC timestamp."""
        return utcnow() - timedelta(seconds=max(time.monotonic() - self.t, 0.0))

    def event(self, message: str) -> None:
        deployments.event(self.service, message, self.wall)


def begin(service: Any, backend: Any) -> None:
    """Start scheduling ``service`` (just created) and start its first tasks."""
    with lock:
        setattr(service, _RUN, Run(clock=time.monotonic()))
        advance(service, backend)


def run_of(service: Any) -> Run | None:
    run: Run | None = getattr(service, _RUN, None)
    return run


def settle(backend: Any) -> None:
    """Bring every service of an ECS backend up to now."""
    with lock:
        for service in list(backend.services.values()):
            advance(service, backend)


def advance(service: Any, backend: Any) -> None:
    """Replay ``service`` from its last observation to now (see the module docstring)."""
    with lock:
        run = run_of(service)
        if run is None:
            return
        now = time.monotonic()
        t = run.clock
        while True:
            _decide(At(service, run, backend, t))
            upcoming = [m for m in _moments(run) if t < m <= now]
            if not upcoming:
                break
            t = min(upcoming)
        if t < now:
            _decide(At(service, run, backend, now))
        run.clock = now


def _moments(run: Run) -> list[float]:
    moments = [run.next_start]
    for task in run.tasks:
        moments += task.transitions()
    for held in run.registrations.values():
        for registration in held:
            moments.append(registration.registered_at + registration.health_check_s)
            moments.append(registration.registered_at + 2 * registration.health_check_s)
            if registration.deregistered_at is not None:
                moments.append(registration.deregistered_at + registration.draining_s)
    return moments


def healthy(at: At, task: SimulatedTask) -> bool:
    """RUNNING, every target healthy, the container HEALTHY if it has a health check."""
    if not task.live_at(at.t) or task.status_at(at.t) != "RUNNING":
        return False
    if task.health_checked and task.health_at(at.t) != "HEALTHY":
        return False
    held = at.run.registrations.get(task.task_arn, [])
    if len(held) < len(_target_groups(at.service)):
        return False
    return all(r.healthy_at(at.t) for r in held)


def _target_groups(service: Any) -> list[dict[str, Any]]:
    return [lb for lb in service.load_balancers or [] if lb.get("targetGroupArn")]


def _decide(at: At) -> None:
    rollout.count_failures(at)
    rollout.trip_breaker(at)
    _replace(at)
    _register_targets(at)
    rollout.account(at)
    at.run.tasks = [t for t in at.run.tasks if t.status_at(at.t) != "STOPPED"]


# targets -------------------------------------------------------------------------------------
def _register_targets(at: At) -> None:
    elbv2 = targets.backend_for(at.backend.account_id, at.backend.region_name)
    timing = state.timing()
    added: dict[str, int] = {}
    draining = 0
    for task in at.run.tasks:
        held = at.run.registrations.get(task.task_arn)
        if held is None and task.live_at(at.t) and task.status_at(at.t) == "RUNNING":
            held = at.run.registrations[task.task_arn] = []
            for lb in _target_groups(at.service):
                registration = targets.Registration(
                    task, lb["targetGroupArn"], _ip(task), int(lb["containerPort"]), at.t,
                    timing.health_check_s, timing.draining_s,
                )  # fmt: skip
                targets.register(elbv2, registration)
                held.append(registration)
                added[lb["targetGroupArn"]] = added.get(lb["targetGroupArn"], 0) + 1
        if held and not task.live_at(at.t) and held[0].deregistered_at is None:
            for registration in held:
                registration.deregistered_at = at.t
            draining += 1
    for group, count in added.items():
        at.event(f"registered {count} targets in (target-group {group})")
    if draining:
        at.event(f"has begun draining connections on {draining} tasks.")
    for arn, held in list(at.run.registrations.items()):
        gone = [r for r in held if r.gone_at(at.t)]
        for registration in gone:
            targets.remove(elbv2, registration)
            held.remove(registration)
            at.event(f"deregistered 1 targets in (target-group {registration.target_group_arn})")
        if gone and not held:
            del at.run.registrations[arn]


def _ip(task: SimulatedTask) -> str:
    for attachment in task.attachments:
        for detail in attachment.get("details", []):
            if detail.get("name") == "privateIPv4Address":
                return str(detail["value"])
    return str(task.id)


# starting and stopping -------------------------------------------------------------------------
def _replace(at: At) -> None:
    """Stop what the rolling update lets go, then start what it lets start."""
    service, deployments_ = at.service, at.service.deployments
    if not deployments_:
        return
    primary = deployments_[0]
    desired = int(service.desired_count) if service.status == "ACTIVE" else 0
    most, fewest = deployments.bounds(service, desired)
    live = [t for t in at.run.tasks if t.live_at(at.t)]
    mine = [t for t in live if t.started_by == primary["id"]]
    others = [t for t in live if t.started_by != primary["id"]]
    reason = f"Scaling activity initiated by (deployment {primary['id']})"
    stopping = sorted(mine, key=lambda t: (healthy(at, t), -t.running_from))[
        : max(len(mine) - desired, 0)
    ]
    # An old task not running yet is let go; a running one awaiting its health verdict stays.
    stopping += [t for t in others if t.status_at(at.t) != "RUNNING"]
    kept_healthy = [t for t in live if t not in stopping and healthy(at, t)]
    budget = len(kept_healthy) - fewest
    old_healthy = sorted((t for t in others if t in kept_healthy), key=lambda t: t.running_from)
    stopping += old_healthy[: max(budget, 0)]
    _stop(at, stopping, reason)
    if (
        service.status != "ACTIVE"
        or primary["rolloutState"] == "FAILED"
        or at.t < at.run.next_start
    ):
        return
    running = len([t for t in live if t not in stopping])
    start = min(desired - (len(mine) - len([t for t in mine if t in stopping])), most - running)
    if start > 0:
        _start(at, primary, start)


def _stop(at: At, tasks: list[SimulatedTask], reason: str) -> None:
    for task in tasks:
        task.stop(at.t, SCHEDULER, reason)
    if tasks:
        at.event(f"has stopped {len(tasks)} running tasks: {_names(tasks)}.")


def stop_for_health(at: At, task: SimulatedTask, reason: str) -> None:
    """Stop a task that failed its health checks (it counts as a failed task)."""
    task.stop(at.t, SCHEDULER, reason)
    at.event(f"has stopped 1 running tasks: {_names([task])}.")


def _start(at: At, deployment: dict[str, Any], count: int) -> None:
    service, backend = at.service, at.backend
    definition = backend.describe_task_definition(deployment["taskDefinition"])
    cluster = backend._get_cluster(service.cluster_name)
    drain_s = state.timing().draining_s if _target_groups(service) else 0.0
    started = []
    for _ in range(count):
        task = SimulatedTask(
            cluster, definition, None, backend._calculate_task_resource_requirements(definition),
            backend=backend, group=f"service:{service.name}", launch_type=service.launch_type,
            started_by=deployment["id"], tags=_tags(service, definition),
            networking_configuration=_spread(deployment, len(at.run.tasks)),
            platform_version=service.platform_version,
        )  # fmt: skip
        task.serve(at.t, drain_s)
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        at.run.tasks.append(task)
        started.append(task)
    at.event(f"has started {count} tasks: {_names(started)}.")


def _spread(deployment: dict[str, Any], index: int) -> dict[str, Any] | None:
    """The deployment's network configuration, first subnet rotated: tasks spread over AZs."""
    network = deployment.get("networkConfiguration")
    if not network or "awsvpcConfiguration" not in network:
        return network
    awsvpc = dict(network["awsvpcConfiguration"])
    subnets = list(awsvpc.get("subnets") or [])
    if subnets:
        shift = index % len(subnets)
        awsvpc["subnets"] = subnets[shift:] + subnets[:shift]
    return {**network, "awsvpcConfiguration": awsvpc}


def _tags(service: Any, definition: Any) -> list[dict[str, str]]:
    if service.propagate_tags == "SERVICE":
        return list(service.tags or [])
    if service.propagate_tags == "TASK_DEFINITION":
        return list(definition.tags or [])
    return []


def _names(tasks: list[SimulatedTask]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)
