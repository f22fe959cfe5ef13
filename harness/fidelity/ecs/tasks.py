"""Tasks that live and end by themselves, as ECS documents their lifecycle.

moto 5.2.5 starts every task RUNNING and never stops it, crashes building the awsvpc
attachment (its ENI has no ``private_dns_name`` unless the VPC enables DNS hostnames, and it
needs security groups: :mod:`.awsvpc` fills in ECS's defaults first), reports only the first
container, and answers DescribeTasks for an unknown task with no failure. Here a task moves
PROVISIONING -> PENDING -> RUNNING -> DEPROVISIONING -> STOPPED on the wall clock (durations
and exit codes from :mod:`.simulation`); a one-off task's essential container exits with code 0
unless a test hook says otherwise, a service's runs until stopped; StopTask stops it early
(a service's task behind a load balancer is DEACTIVATING while it drains); an image that is
not in its ECR repository stops the task before it runs (TaskFailedToStart).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ec2.models import ec2_backends
from moto.ec2.models import elastic_network_interfaces as moto_enis
from moto.ecs import models as moto_models
from moto.ecs import responses as moto_responses

from harness.fidelity.ecs import awsvpc, pulls
from harness.fidelity.ecs.containers import SimulatedContainer
from harness.fidelity.ecs.simulation import Outcome, Timing, state

# ECS reports the exit of a container that got SIGTERM from StopTask as docker does: 128 + 15.
SIGTERM_EXIT_CODE = 143

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
models: Any = moto_models
responses: Any = moto_responses
enis: Any = moto_enis


def install() -> None:
    models.Task = SimulatedTask
    responses.EC2ContainerServiceResponse.describe_tasks = _describe_tasks
    responses.EC2ContainerServiceResponse.list_tasks = _list_tasks
    if not isinstance(getattr(enis.NetworkInterface, "private_dns_name", None), property):
        enis.NetworkInterface.private_dns_name = property(_eni_dns_name, _set_eni_dns_name)


class SimulatedTask(models.Task):  # type: ignore[misc]
    """moto's task with a clock-driven lifecycle (ECS developer guide, "Task lifecycle").

    Times are ``time.monotonic()`` seconds; the ``*_at(t)`` methods answer for any moment,
    so the service scheduler can replay what happened between two observations.
    """

    def __init__(self, cluster: Any, task_definition: Any, *args: Any, **kwargs: Any) -> None:
        # Set before moto's __init__, whose assignments go through the properties below.
        self._born = time.monotonic()
        self._timing: Timing = state.timing()
        self._outcome: Outcome = (
            state.outcome(f"{task_definition.family}:{task_definition.revision}")
            or state.outcome(task_definition.family)
            or Outcome()
        )
        self._serves = False
        self._stop_at: float | None = None
        self._stop_code = "UserInitiated"
        self._stop_reason = ""
        self._drain_s = 0.0
        self._pull_error = pulls.failure(task_definition.container_definitions)
        self._health_checked = any(
            d.get("healthCheck") and d.get("essential", True)
            for d in task_definition.container_definitions
        )
        self.created_at = utcnow()
        if "backend" in kwargs:
            account_id = kwargs["backend"].account_id
            kwargs["networking_configuration"] = awsvpc.completed(
                kwargs.get("networking_configuration"), account_id, cluster.region_name
            )
        super().__init__(cluster, task_definition, *args, **kwargs)
        self.cpu = task_definition.cpu
        self.memory = task_definition.memory
        self.containers = [
            SimulatedContainer(self, d) for d in task_definition.container_definitions
        ]
        if self.launch_type == "FARGATE":
            # ECS reports the platform version it resolved LATEST to.
            given = kwargs.get("platform_version")
            self.platform_version = "1.4.0" if given in (None, "LATEST") else given
            self.platform_family = "Linux"
        self.availability_zone = self._availability_zone()

    def serve(self, born: float, drain_s: float) -> None:
        """Make this a service's task, started at ``born``: it runs until stopped (unless its
        family's outcome has an exit code) and drains for ``drain_s`` when stopped."""
        self._born = born
        self.created_at = utcnow() - timedelta(seconds=max(time.monotonic() - born, 0.0))
        self._serves = True
        self._drain_s = drain_s

    def stop(self, at: float, code: str, reason: str) -> None:
        """Ask the task to stop at ``at`` (desiredStatus STOPPED), as StopTask or the scheduler."""
        if self._stop_at is None and self.live_at(at):
            self._stop_at, self._stop_code, self._stop_reason = at, code, reason

    # the clock -------------------------------------------------------------------------
    @property
    def running_from(self) -> float:
        """When the task is RUNNING (or, if its image cannot be pulled, fails to start)."""
        return self._born + self._timing.provisioning_s + self._timing.pending_s

    @property
    def unhealthy(self) -> bool:
        return self._outcome.unhealthy

    @property
    def health_checked(self) -> bool:
        return self._health_checked

    def _natural_end(self) -> float | None:
        if self._pull_error:
            return self.running_from
        if self._outcome.never_stops or (self._serves and self._outcome.exit_code is None):
            return None
        runs_s = self._timing.crash_s if self._serves else self._timing.task_run_s
        return self.running_from + runs_s

    def _requested_end(self) -> float | None:
        if self._stop_at is None:
            return None
        return self._stop_at + (self._drain_s if self._stop_at >= self.running_from else 0.0)

    def end(self) -> float | None:
        """When the essential container exits (None: not foreseen)."""
        natural, requested = self._natural_end(), self._requested_end()
        if requested is None or natural is None:
            return natural if requested is None else requested
        return min(natural, requested)

    def _by_request(self) -> bool:
        requested = self._requested_end()
        return requested is not None and requested == self.end()

    def transitions(self) -> list[float]:
        """The moments this task changes state (for the scheduler's replay)."""
        moments = [self._born + self._timing.provisioning_s, self.running_from]
        moments.append(self.running_from + self._timing.health_check_s)
        moments.append(self.running_from + 2 * self._timing.health_check_s)
        if self._stop_at is not None:
            moments.append(self._stop_at)
        end = self.end()
        if end is not None:
            moments += [end, end + self._timing.stopping_s]
        return moments

    def status_at(self, t: float) -> str:
        end = self.end()
        if end is not None and t >= end:
            return "STOPPED" if t >= end + self._timing.stopping_s else "DEPROVISIONING"
        if self._stop_at is not None and t >= self._stop_at:
            return "DEACTIVATING"
        if t < self._born + self._timing.provisioning_s:
            return "PROVISIONING"
        return "PENDING" if t < self.running_from else "RUNNING"

    def live_at(self, t: float) -> bool:
        """desiredStatus RUNNING at ``t``: neither asked to stop nor ended."""
        end = self.end()
        return not (self._stop_at is not None and t >= self._stop_at) and not (
            end is not None and t >= end
        )

    def failed_at(self, t: float) -> bool:
        """Ended by itself (failed to start, exited) by ``t``, not asked to stop."""
        end = self.end()
        return end is not None and t >= end and not self._by_request()

    def health_failed_at(self, t: float) -> bool:
        """UNHEALTHY for a second check interval: the scheduler then replaces the task."""
        return self.health_at(t) == "UNHEALTHY" and t >= self.running_from + 2 * (
            self._timing.health_check_s
        )

    def health_at(self, t: float) -> str:
        """The container health status (UNKNOWN without a healthCheck or before its verdict)."""
        if not self._health_checked or self.status_at(t) != "RUNNING":
            return "UNKNOWN"
        if t < self.running_from + self._timing.health_check_s:
            return "UNKNOWN"
        return "UNHEALTHY" if self.unhealthy else "HEALTHY"

    def _now(self) -> float:
        return time.monotonic()

    def _at(self, moment: float | None) -> datetime | None:
        now = self._now()
        if moment is None or now < moment:
            return None
        return utcnow() - timedelta(seconds=now - moment)

    # what DescribeTasks reports ---------------------------------------------------------
    @property
    def last_status(self) -> str:
        return self.status_at(self._now())

    @last_status.setter
    def last_status(self, value: str) -> None:
        # moto's StopTask sets STOPPED; ECS stops the task, which then winds down by itself.
        if value == "STOPPED":
            self.stop(self._now(), "UserInitiated", "")

    @property
    def desired_status(self) -> str:
        return "RUNNING" if self.live_at(self._now()) else "STOPPED"

    @desired_status.setter
    def desired_status(self, value: str) -> None:
        pass  # derived from the clock and StopTask

    @property
    def health_status(self) -> str:
        return self.health_at(self._now())

    @health_status.setter
    def health_status(self, value: str) -> None:
        pass  # derived from the clock

    @property
    def stopped_reason(self) -> str | None:
        if self.live_at(self._now()):
            return None
        if self._by_request():
            return self._stop_reason or "Task stopped by user"
        return self._pull_error or "Essential container in task exited"

    @stopped_reason.setter
    def stopped_reason(self, value: str | None) -> None:
        if value:
            self._stop_reason = value

    @property
    def stop_code(self) -> str | None:
        if self.live_at(self._now()):
            return None
        if self._by_request():
            return self._stop_code
        return "TaskFailedToStart" if self._pull_error else "EssentialContainerExited"

    @property
    def exit_code(self) -> int | None:
        """The essential container's exit code once it exited (None if it never started)."""
        end = self.end()
        if end is None or self._now() < end or (self._pull_error and not self._by_request()):
            return None
        if self._by_request():
            return SIGTERM_EXIT_CODE
        return self._outcome.exit_code or 0

    @property
    def pull_error(self) -> str | None:
        return self._pull_error

    @property
    def pull_started_at(self) -> datetime | None:
        return self._at(self._born + self._timing.provisioning_s)

    @property
    def pull_stopped_at(self) -> datetime | None:
        return self._at(self.running_from)

    @property
    def started_at(self) -> datetime | None:
        return None if self._pull_error else self._at(self.running_from)

    @property
    def stopping_at(self) -> datetime | None:
        return self._at(self._stop_at if self._stop_at is not None else self.end())

    @property
    def execution_stopped_at(self) -> datetime | None:
        return self._at(self.end())

    @property
    def stopped_at(self) -> datetime | None:
        end = self.end()
        return None if end is None else self._at(end + self._timing.stopping_s)

    def _availability_zone(self) -> str | None:
        for attachment in self.attachments:
            for detail in attachment.get("details", []):
                if detail.get("name") == "subnetId":
                    ec2 = ec2_backends[self._account_id][self.region_name]
                    subnet = ec2.get_subnet(detail["value"])
                    return str(subnet.availability_zone)
        return None


def _describe_tasks(self: Any) -> ActionResult:
    """DescribeTasks, with a ``MISSING`` failure for each task it does not know (as ECS answers)."""
    cluster = self._get_param("cluster", "default")
    wanted: list[str] = self._get_param("tasks", [])
    tasks = self.ecs_backend.describe_tasks(cluster, wanted)
    if "TAGS" in self._get_param("include", []):
        self._include_in_response(responses.DESCRIBE_TASKS_TAGS)
    else:
        self._exclude_from_response(responses.DESCRIBE_TASKS_TAGS)
    found = {t.task_arn for t in tasks} | {t.id for t in tasks}
    failures = [
        {"arn": name, "reason": "MISSING"}
        for name in wanted
        if name not in found and name.split("/")[-1] not in found
    ]
    return ActionResult({"tasks": tasks, "failures": failures})


def _list_tasks(self: Any) -> ActionResult:
    """ListTasks (API reference): serviceName "limits the results to tasks that belong to that
    service" (ECS puts them in group ``service:NAME``); "The default status filter is RUNNING"."""
    service = self._get_param("serviceName")
    tasks = self.ecs_backend.list_tasks(
        self._get_param("cluster", "default"),
        self._get_param("containerInstance"),
        self._get_param("family"),
        self._get_param("startedBy"),
        service,
        self._get_param("desiredStatus") or "RUNNING",
    )
    if service:
        tasks = [t for t in tasks if t.group == f"service:{service.split('/')[-1]}"]
    return ActionResult({"taskArns": [t.task_arn for t in tasks]})


def _eni_dns_name(eni: Any) -> str:
    """EC2 names every private address ``ip-a-b-c-d.<region>.compute.internal`` (us-east-1: ec2.internal)."""
    given = eni.__dict__.get("_private_dns_name")
    if given:
        return str(given)
    region = eni.ec2_backend.region_name
    domain = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
    return f"ip-{str(eni.private_ip_address).replace('.', '-')}.{domain}"


def _set_eni_dns_name(eni: Any, value: str) -> None:
    eni.__dict__["_private_dns_name"] = value
