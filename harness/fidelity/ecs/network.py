"""Task network interfaces that go away when their task stops, as Fargate releases them.

moto 5.2.5 creates one elastic network interface for every awsvpc task and never deletes it,
so interfaces of long-stopped tasks stay in their subnets and security groups. ECS deletes a
task's interface while the task is DEPROVISIONING ("Task lifecycle": "the task's network
interface is detached and deleted"), so none is left once the task is STOPPED, and the task's
attachment then reports status DELETED.

A simulated task stops on the wall clock, not by an event (:mod:`.tasks`), so interfaces are
released lazily: before anything can observe them - EC2 calls that list interfaces or delete
what they depend on - and after the ECS calls that show tasks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.ec2 import models as moto_ec2_models
from moto.ecs import models as moto_ecs_models

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
ec2_models: Any = moto_ec2_models
ecs_models: Any = moto_ecs_models

# EC2 backend calls that see task interfaces: listing them (describe, a subnet's free address
# count) or deleting the subnet, security group or VPC an interface would keep in use.
_EC2_OBSERVERS = (
    "get_all_network_interfaces",
    "describe_network_interfaces",
    "delete_subnet",
    "delete_security_group",
    "delete_vpc",
)
_ECS_OBSERVERS = ("describe_tasks", "list_tasks", "stop_task")
_ENI = "ElasticNetworkInterface"
_RELEASED = "DELETED"

_lock = threading.Lock()


def install() -> None:
    ec2 = ec2_models.EC2Backend
    for name in _EC2_OBSERVERS:
        setattr(ec2, name, _releasing_before(getattr(ec2, name)))
    ecs = ecs_models.EC2ContainerServiceBackend
    for name in _ECS_OBSERVERS:
        setattr(ecs, name, _releasing_after(getattr(ecs, name)))


def release_stopped(ecs_backend: Any) -> list[str]:
    """Delete the interfaces of every STOPPED task of ``ecs_backend``; the deleted IDs."""
    released: list[str] = []
    with _lock:
        for cluster_tasks in list(ecs_backend.tasks.values()):
            for task in list(cluster_tasks.values()):
                held = [a for a in task.attachments if _holds_interface(a)]
                if held and task.last_status == "STOPPED":
                    released += _release(task, held)
    return released


def _holds_interface(attachment: dict[str, Any]) -> bool:
    return attachment.get("type") == _ENI and attachment.get("status") != _RELEASED


def _release(task: Any, attachments: list[dict[str, Any]]) -> list[str]:
    ec2 = ec2_models.ec2_backends[task._account_id][task.region_name]
    released: list[str] = []
    for attachment in attachments:
        ids = [
            d["value"]
            for d in attachment.get("details", [])
            if d.get("name") == "networkInterfaceId"
        ]
        # pop, not delete_network_interface: a caller may have deleted it already.
        released += [str(eni) for eni in ids if ec2.enis.pop(eni, None) is not None]
        attachment["status"] = _RELEASED
    return released


def _ecs_backend_of(ec2_backend: Any) -> Any:
    """The ECS backend of the EC2 backend's account and region, if one was ever used."""
    # dict.get, not [] or `in`: moto's backend dicts create (or claim) every known region.
    regions = ecs_models.ecs_backends.get(ec2_backend.account_id)
    return None if regions is None else regions.get(ec2_backend.region_name)


def _releasing_before(original: Callable[..., Any]) -> Callable[..., Any]:
    def observed(self: Any, *args: Any, **kwargs: Any) -> Any:
        ecs_backend = _ecs_backend_of(self)
        if ecs_backend is not None:
            release_stopped(ecs_backend)
        return original(self, *args, **kwargs)

    observed.__name__ = original.__name__
    return observed


def _releasing_after(original: Callable[..., Any]) -> Callable[..., Any]:
    def observed(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        release_stopped(self)
        return result

    observed.__name__ = original.__name__
    return observed
