"""A service's tasks as load balancer targets, with the health ELB reports for them.

moto 5.2.5 reports every registered target ``healthy`` at once and never drains one. For a
service with ``loadBalancers``, ECS registers each task (its private IP, for awsvpc: target
type ``ip``) when it is RUNNING and deregisters it when it stops; ELB (DescribeTargetHealth,
TargetHealth data type) shows the target ``initial`` (Elb.RegistrationInProgress) until its
health checks pass, then ``healthy`` - or ``unhealthy`` (Target.FailedHealthChecks) - and
``draining`` (Target.DeregistrationInProgress) for the deregistration delay, after which it
is no longer in the target group.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.elbv2 import models as moto_elbv2_models

from harness.fidelity.ecs.tasks import SimulatedTask

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
elbv2_models: Any = moto_elbv2_models

_lock = threading.RLock()
_DRAINING = "Target deregistration is in progress"
_INITIAL = "Target registration is in progress"


@dataclass(slots=True)
class Registration:
    """One task registered in one target group."""

    task: SimulatedTask
    target_group_arn: str
    target_id: str
    port: int
    registered_at: float
    health_check_s: float
    draining_s: float
    deregistered_at: float | None = None

    def state_at(self, t: float) -> tuple[str, str | None, str | None]:
        """(State, Reason, Description) as DescribeTargetHealth reports them at ``t``."""
        if self.deregistered_at is not None and t >= self.deregistered_at:
            return "draining", "Target.DeregistrationInProgress", _DRAINING
        if t < self.registered_at + self.health_check_s:
            return "initial", "Elb.RegistrationInProgress", _INITIAL
        if self.task.unhealthy:
            return "unhealthy", "Target.FailedHealthChecks", "Health checks failed"
        return "healthy", None, None

    def failed_at(self, t: float) -> bool:
        """Unhealthy for a second check interval: ECS then replaces the task."""
        return self.task.unhealthy and t >= self.registered_at + 2 * self.health_check_s

    def healthy_at(self, t: float) -> bool:
        return self.state_at(t)[0] == "healthy"

    def gone_at(self, t: float) -> bool:
        return self.deregistered_at is not None and t >= self.deregistered_at + self.draining_s


# target group ARN -> target id -> registration
_registrations: dict[str, dict[str, Registration]] = {}


def install(settle: Callable[[str, str], None]) -> None:
    """Patch DescribeTargetHealth; ``settle(account, region)`` brings ECS up to now first."""
    backend = elbv2_models.ELBv2Backend
    backend.describe_target_health = _describing(backend.describe_target_health, settle)


def register(backend: Any, registration: Registration) -> None:
    """Register the task's target in its group (moto's model and ours)."""
    group = backend.target_groups.get(registration.target_group_arn)
    if group is None:
        return  # ECS reports the missing group in service events; nothing to register
    group.register([{"Id": registration.target_id, "Port": registration.port}])
    with _lock:
        _registrations.setdefault(registration.target_group_arn, {})[registration.target_id] = (
            registration
        )


def remove(backend: Any, registration: Registration) -> None:
    """Take a drained target out of its group (DescribeTargetHealth no longer lists it)."""
    group = backend.target_groups.get(registration.target_group_arn)
    with _lock:
        _registrations.get(registration.target_group_arn, {}).pop(registration.target_id, None)
    if group is not None and registration.target_id in group.targets:
        group.deregister([{"Id": registration.target_id}])


def backend_for(account_id: str, region: str) -> Any:
    return elbv2_models.elbv2_backends[account_id][region]


def _describing(original: Callable[..., Any], settle: Callable[[str, str], None]) -> Any:
    def describe_target_health(self: Any, target_group_arn: str, targets: list[Any]) -> Any:
        settle(self.account_id, self.region_name)
        now = time.monotonic()
        answer = original(self, target_group_arn, targets)
        with _lock:
            ours = dict(_registrations.get(target_group_arn, {}))
        for status in answer:
            registration = ours.get(status.instance_id)
            if registration is not None:
                status.status, status.reason, status.description = registration.state_at(now)
        return answer

    return describe_target_health
