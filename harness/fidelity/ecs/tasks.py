"""Tasks that live and end by themselves, as ECS documents their lifecycle.

moto 5.2.5 starts every task RUNNING and never stops it, crashes building the awsvpc
attachment (its ENI has no ``private_dns_name`` unless the VPC enables DNS hostnames, and it
needs security groups: :mod:`.awsvpc` fills in ECS's defaults first), reports only the first
container, and answers DescribeTasks for an unknown task with no failure. Here a task moves
PROVISIONING -> PENDING -> RUNNING -> DEPROVISIONING -> STOPPED on the wall clock (durations
and exit codes from :mod:`.simulation`); its essential container exits with code 0 unless a
test hook says otherwise; StopTask stops it early.
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

from harness.fidelity.ecs import awsvpc
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
    if not isinstance(getattr(enis.NetworkInterface, "private_dns_name", None), property):
        enis.NetworkInterface.private_dns_name = property(_eni_dns_name, _set_eni_dns_name)


class SimulatedTask(models.Task):  # type: ignore[misc]
    """moto's task with a clock-driven lifecycle (ECS developer guide, "Task lifecycle")."""

    def __init__(self, cluster: Any, task_definition: Any, *args: Any, **kwargs: Any) -> None:
        # Set before moto's __init__, whose assignments go through the properties below.
        self._born = time.monotonic()
        self._timing: Timing = state.timing()
        self._outcome: Outcome = state.outcome(task_definition.family)
        self._stop_requested: float | None = None
        self._user_reason = ""
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

    # the clock -------------------------------------------------------------------------
    def _elapsed(self) -> float:
        return time.monotonic() - self._born

    @property
    def _started_after(self) -> float:
        return self._timing.provisioning_s + self._timing.pending_s

    @property
    def _exit_after(self) -> float | None:
        """Seconds from creation to the essential container's exit (None: still running)."""
        natural = (
            None if self._outcome.never_stops else self._started_after + self._timing.task_run_s
        )
        requested = self._stop_requested
        if requested is None:
            return natural
        return requested if natural is None else min(natural, requested)

    def _exited(self) -> bool:
        exit_after = self._exit_after
        return exit_after is not None and self._elapsed() >= exit_after

    def _stopped_by_user(self) -> bool:
        requested, natural_exit = self._stop_requested, self._exit_after
        return requested is not None and natural_exit == requested

    def _at(self, seconds: float | None) -> datetime | None:
        if seconds is None or self._elapsed() < seconds:
            return None
        return self.created_at + timedelta(seconds=seconds)

    # what DescribeTasks reports ---------------------------------------------------------
    @property
    def last_status(self) -> str:
        elapsed, exit_after = self._elapsed(), self._exit_after
        if exit_after is not None and elapsed >= exit_after:
            return (
                "STOPPED" if elapsed >= exit_after + self._timing.stopping_s else "DEPROVISIONING"
            )
        if elapsed < self._timing.provisioning_s:
            return "PROVISIONING"
        return "PENDING" if elapsed < self._started_after else "RUNNING"

    @last_status.setter
    def last_status(self, value: str) -> None:
        # moto's StopTask sets STOPPED; ECS stops the task, which then winds down by itself.
        if value == "STOPPED" and self._stop_requested is None:
            self._stop_requested = self._elapsed()

    @property
    def desired_status(self) -> str:
        return "STOPPED" if self._stop_requested is not None or self._exited() else "RUNNING"

    @desired_status.setter
    def desired_status(self, value: str) -> None:
        pass  # derived from the clock and StopTask

    @property
    def stopped_reason(self) -> str | None:
        if not self._exited():
            return None
        if self._stopped_by_user():
            return self._user_reason or "Task stopped by user"
        return "Essential container in task exited"

    @stopped_reason.setter
    def stopped_reason(self, value: str | None) -> None:
        self._user_reason = value or ""

    @property
    def stop_code(self) -> str | None:
        if not self._exited():
            return None
        return "UserInitiated" if self._stopped_by_user() else "EssentialContainerExited"

    @property
    def exit_code(self) -> int | None:
        """The essential container's exit code once it exited."""
        if not self._exited():
            return None
        return SIGTERM_EXIT_CODE if self._stopped_by_user() else self._outcome.exit_code

    @property
    def pull_started_at(self) -> datetime | None:
        return self._at(self._timing.provisioning_s)

    @property
    def pull_stopped_at(self) -> datetime | None:
        return self._at(self._started_after)

    @property
    def started_at(self) -> datetime | None:
        return self._at(self._started_after)

    @property
    def stopping_at(self) -> datetime | None:
        return self._at(self._exit_after)

    @property
    def execution_stopped_at(self) -> datetime | None:
        return self._at(self._exit_after)

    @property
    def stopped_at(self) -> datetime | None:
        exit_after = self._exit_after
        return None if exit_after is None else self._at(exit_after + self._timing.stopping_s)

    def _availability_zone(self) -> str | None:
        for attachment in self.attachments:
            for detail in attachment.get("details", []):
                if detail.get("name") == "subnetId":
                    ec2 = ec2_backends[self._account_id][self.region_name]
                    subnet = ec2.get_subnet(detail["value"])
                    return str(subnet.availability_zone)
        return None


class SimulatedContainer:
    """One container of a simulated task; its state follows the task's clock."""

    def __init__(self, task: SimulatedTask, definition: dict[str, Any]) -> None:
        self._task = task
        self.name = definition.get("name")
        self.image = definition.get("image")
        self.cpu = str(definition.get("cpu", 0))
        self.memory = str(definition["memory"]) if definition.get("memory") else None
        self.memory_reservation = (
            str(definition["memoryReservation"]) if definition.get("memoryReservation") else None
        )
        self.essential = definition.get("essential", True)
        self.runtime_id = f"{task.id}-{self.name}"
        self.container_arn = f"{task.task_arn.replace(':task/', ':container/')}/{self.runtime_id}"
        self.health_status = "UNKNOWN"

    @property
    def task_arn(self) -> str:
        return str(self._task.task_arn)

    @property
    def last_status(self) -> str:
        status = self._task.last_status
        if status in ("DEPROVISIONING", "STOPPED"):
            return "STOPPED"
        return "RUNNING" if status == "RUNNING" else "PENDING"

    @property
    def exit_code(self) -> int | None:
        return self._task.exit_code

    @property
    def network_interfaces(self) -> list[dict[str, str]]:
        interfaces = []
        for attachment in self._task.attachments:
            details = {d["name"]: d.get("value") for d in attachment.get("details", [])}
            interfaces.append(
                {
                    "attachmentId": attachment["id"],
                    "privateIpv4Address": details.get("privateIPv4Address"),
                }
            )
        return interfaces


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
