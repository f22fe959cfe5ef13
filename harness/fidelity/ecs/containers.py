"""The containers of a simulated task: their state, exit code, health and network follow the task.

moto 5.2.5 reports only a task's first container; DescribeTasks (Container data type) lists
every container of the task definition, each with its lastStatus, exitCode once stopped, a
``reason`` when it could not start (CannotPullContainerError), healthStatus when the container
has a healthCheck, and the task's network interface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.fidelity.ecs.tasks import SimulatedTask


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
        self._health_checked = bool(definition.get("healthCheck"))
        self.runtime_id = f"{task.id}-{self.name}"
        self.container_arn = f"{task.task_arn.replace(':task/', ':container/')}/{self.runtime_id}"

    @property
    def health_status(self) -> str:
        if not self._health_checked:
            return "UNKNOWN"
        return self._task.health_status

    @property
    def reason(self) -> str | None:
        """Why the container stopped, when it never started (CannotPullContainerError)."""
        if self._task.pull_error and self._task.last_status in ("DEPROVISIONING", "STOPPED"):
            return self._task.pull_error
        return None

    @property
    def task_arn(self) -> str:
        return str(self._task.task_arn)

    @property
    def last_status(self) -> str:
        status = self._task.last_status
        if status in ("DEPROVISIONING", "STOPPED"):
            return "STOPPED"
        return "RUNNING" if status in ("RUNNING", "DEACTIVATING") else "PENDING"

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
