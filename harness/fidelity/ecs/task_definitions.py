"""Task definitions as ECS keeps them: every property, read-only fields, ACTIVE-only family lookup.

moto 5.2.5 keeps what RegisterTaskDefinition is given but lacks the fields ECS adds
(``registeredAt``, ``registeredBy``, ``requiresAttributes``, ``deregisteredAt``), resolves a
bare family name to its newest revision even when that one is INACTIVE, and crashes running
a task whose containers leave memory to the task level (Fargate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.utils import utcnow
from moto.ecs import models as moto_models
from moto.ecs.exceptions import TaskDefinitionNotFoundException
from moto.utilities.utils import get_partition

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
models: Any = moto_models


def install() -> None:
    backend = models.EC2ContainerServiceBackend
    backend.register_task_definition = _registering(backend.register_task_definition)
    backend.deregister_task_definition = _deregistering(backend.deregister_task_definition)
    backend.describe_task_definition = _describe_task_definition
    backend._calculate_task_resource_requirements = staticmethod(_resource_requirements)


def _registering(original: Callable[..., Any]) -> Callable[..., Any]:
    def register_task_definition(self: Any, *args: Any, **kwargs: Any) -> Any:
        definition = original(self, *args, **kwargs)
        definition.registered_at = utcnow()
        partition = get_partition(self.region_name)
        definition.registered_by = f"arn:{partition}:iam::{self.account_id}:root"
        definition.requires_attributes = [{"name": n} for n in required_attributes(definition)]
        return definition

    return register_task_definition


def _deregistering(original: Callable[..., Any]) -> Callable[..., Any]:
    def deregister_task_definition(self: Any, task_definition_str: str) -> Any:
        definition = original(self, task_definition_str)
        definition.deregistered_at = utcnow()
        return definition

    return deregister_task_definition


def _describe_task_definition(self: Any, task_definition_str: str) -> Any:
    """``family:revision`` (or its ARN) exactly, any status; a bare family: its latest ACTIVE revision.

    DescribeTaskDefinition: "If a revision isn't specified, the latest ACTIVE revision is used."
    """
    name = task_definition_str.split("/")[-1]
    family, _, revision = name.partition(":")
    revisions = self.task_definitions.get(family, {})
    if revision:
        definition = revisions.get(int(revision)) if revision.isdigit() else None
    else:
        active = [n for n, d in revisions.items() if d.status == "ACTIVE"]
        definition = revisions[max(active)] if active else None
    if definition is None:
        raise TaskDefinitionNotFoundException()
    return definition


def required_attributes(definition: Any) -> list[str]:
    """The container-agent capabilities ECS lists in ``requiresAttributes`` for these features."""
    names: set[str] = set()
    if definition.network_mode == "awsvpc":
        names |= {"ecs.capability.task-eni", "com.amazonaws.ecs.capability.docker-remote-api.1.18"}
    if getattr(definition, "task_role_arn", None):
        names.add("com.amazonaws.ecs.capability.task-iam-role")
    for container in definition.container_definitions:
        log_driver = (container.get("logConfiguration") or {}).get("logDriver")
        if log_driver:
            names.add(f"com.amazonaws.ecs.capability.logging-driver.{log_driver}")
            if log_driver == "awslogs" and getattr(definition, "execution_role_arn", None):
                names.add("ecs.capability.execution-role-awslogs")
        for secret in container.get("secrets") or []:
            source = "asm" if ":secretsmanager:" in str(secret.get("valueFrom")) else "ssm"
            names.add(f"ecs.capability.secrets.{source}.environment-variables")
        if ".dkr.ecr." in str(container.get("image")):
            names.add("ecs.capability.execution-role-ecr-pull")
    return sorted(names)


def _resource_requirements(task_definition: Any) -> dict[str, Any]:
    """CPU, memory and ports a task reserves; Fargate containers may leave cpu/memory to the task."""
    needs: dict[str, Any] = {"CPU": 0, "MEMORY": 0, "PORTS": [], "PORTS_UDP": []}
    for container in task_definition.container_definitions:
        needs["CPU"] += int(container.get("cpu") or container.get("Cpu") or 0)
        memory = (
            container.get("memory")
            or container.get("Memory")
            or container.get("memoryReservation")
            or container.get("MemoryReservation")
        )
        needs["MEMORY"] += int(memory or 0)
        for mapping in container.get("portMappings") or container.get("PortMappings") or []:
            host_port = mapping.get("hostPort", mapping.get("HostPort"))
            if host_port is not None:
                needs["PORTS"].append(host_port)
    # Task-level sizes may be written "1 GB" or "1 vCPU"; placement only needs a number.
    if not needs["MEMORY"]:
        needs["MEMORY"] = _number(task_definition.memory)
    if not needs["CPU"]:
        needs["CPU"] = _number(task_definition.cpu)
    return needs


def _number(value: object) -> int:
    text = str(value or "0").strip()
    return int(text) if text.isdigit() else 0
