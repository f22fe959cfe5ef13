"""ECS task definition: every argument but tags forces a new revision (destroy deregisters).

``container_definitions`` is compared after the normalisation the real provider applies
(ContainerDefinitionsAreEquivalent), so a fresh apply plans clean.
"""

from __future__ import annotations

import json
from typing import Any

from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.resources.ecs import EcsResource
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_SET,
    block,
    comp,
    nested,
    opt,
    optc,
    req,
)

# defaults ECS fills in, and what an unset value reads back as (the real provider's reduce())
HEALTH_CHECK_DEFAULTS = {"interval": 30, "retries": 3, "timeout": 5}


def normalise_containers(text: str, awsvpc: bool) -> list[dict[str, Any]]:
    """Container definitions reduced as hashicorp/aws reduces both sides before comparing."""
    out = [_reduce(dict(c), awsvpc) for c in json.loads(text)]
    return sorted(out, key=lambda c: str(c.get("name", "")))


def _reduce(c: dict[str, Any], awsvpc: bool) -> dict[str, Any]:
    for key, value in list(c.items()):
        if isinstance(value, list):  # object entries with nothing set are dropped
            value = [v for v in value if not (isinstance(v, dict) and not any(v.values()))]
            c[key] = value
        if value in (None, []) or (key == "cpu" and value == 0):
            del c[key]
    c.setdefault("essential", True)
    if isinstance(c.get("healthCheck"), dict):
        c["healthCheck"] = {**HEALTH_CHECK_DEFAULTS, **c["healthCheck"]}
    for key in ("environment", "secrets"):
        if key in c:
            c[key] = sorted(c[key], key=lambda e: str(e.get("name", "")))
    if "portMappings" in c:
        c["portMappings"] = [_reduce_port(dict(p), awsvpc) for p in c["portMappings"]]
    return c


def _reduce_port(p: dict[str, Any], awsvpc: bool) -> dict[str, Any]:
    if p.get("protocol") == "tcp":
        del p["protocol"]
    if not p.get("hostPort"):
        p.pop("hostPort", None)
        if awsvpc:  # awsvpc: the host port is the container port
            p["hostPort"] = p.get("containerPort")
    return p


def containers_equal(a: Any, b: Any, awsvpc: bool = True) -> bool:
    try:
        return normalise_containers(a, awsvpc) == normalise_containers(b, awsvpc)
    except (TypeError, ValueError, AttributeError):
        return False


def containers_for_api(text: str) -> list[dict[str, Any]]:
    return list(json.loads(text))


RUNTIME_PLATFORM = nested(
    "runtime_platform", "list",
    opt("cpu_architecture", STRING, force_new=True),
    opt("operating_system_family", STRING, force_new=True),
    max_items=1, force_new=True,
)  # fmt: skip


class TaskDefinition(EcsResource):
    type_name = "aws_ecs_task_definition"
    schema = block(
        optc("id", STRING), comp("arn", STRING), comp("arn_without_revision", STRING), comp("revision", NUMBER),
        REGION, *TAGS,
        req("family", STRING, force_new=True),
        req("container_definitions", STRING, force_new=True),
        opt("cpu", STRING, force_new=True),
        opt("memory", STRING, force_new=True),
        optc("network_mode", STRING, force_new=True),
        opt("requires_compatibilities", STRING_SET, force_new=True),
        opt("execution_role_arn", STRING, force_new=True),
        opt("task_role_arn", STRING, force_new=True),
        opt("pid_mode", STRING, force_new=True),
        opt("ipc_mode", STRING, force_new=True),
        opt("skip_destroy", BOOL, default=False),
        opt("track_latest", BOOL, default=False),
        RUNTIME_PLATFORM,
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "family": planned["family"],
            "containerDefinitions": containers_for_api(planned["container_definitions"]),
        }
        for attr, api in (
            ("cpu", "cpu"), ("memory", "memory"), ("network_mode", "networkMode"),
            ("execution_role_arn", "executionRoleArn"), ("task_role_arn", "taskRoleArn"),
            ("pid_mode", "pidMode"), ("ipc_mode", "ipcMode"),
        ):  # fmt: skip
            if isinstance(planned.get(attr), str):
                args[api] = planned[attr]
        if planned.get("requires_compatibilities"):
            args["requiresCompatibilities"] = list(planned["requires_compatibilities"])
        if planned.get("runtime_platform"):
            rp = planned["runtime_platform"][0]
            args["runtimePlatform"] = {
                k: rp[a]
                for a, k in (
                    ("cpu_architecture", "cpuArchitecture"),
                    ("operating_system_family", "operatingSystemFamily"),
                )
                if rp.get(a)
            }
        if self.api_tags(planned):
            args["tags"] = self.api_tags(planned)
        td = self.ecs.register_task_definition(**args)["taskDefinition"]
        return self.read({**planned, "id": td["family"], "arn": td["taskDefinitionArn"]}) or planned

    def read(self, state: State) -> State | None:
        # track_latest reads the family's latest ACTIVE revision, as the real provider does
        ref = state["family"] if state.get("track_latest") else state.get("arn") or state["id"]
        try:
            found = self.ecs.describe_task_definition(taskDefinition=ref, include=["TAGS"])
        except Exception as exc:
            if not_found(exc, "ClientException", "ClientError"):
                return None
            raise
        td = found["taskDefinition"]
        if td.get("status") == "INACTIVE":
            return None
        arn = td["taskDefinitionArn"]
        rp = td.get("runtimePlatform")
        out = {
            **state,
            "id": td["family"],
            "arn": arn,
            "arn_without_revision": arn.rsplit(":", 1)[0],
            "revision": td["revision"],
            "region": self.ctx.region,
            "family": td["family"],
            "container_definitions": json.dumps(td["containerDefinitions"]),
            "cpu": td.get("cpu"),
            "memory": td.get("memory"),
            "network_mode": td.get("networkMode"),
            "requires_compatibilities": td.get("requiresCompatibilities") or None,
            "execution_role_arn": td.get("executionRoleArn"),
            "task_role_arn": td.get("taskRoleArn"),
            "pid_mode": td.get("pidMode"),
            "ipc_mode": td.get("ipcMode"),
            "runtime_platform": [
                {
                    "cpu_architecture": rp.get("cpuArchitecture"),
                    "operating_system_family": rp.get("operatingSystemFamily"),
                }
            ]
            if rp
            else [],
        }
        self.set_tags(out, found.get("tags"))
        return out

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        awsvpc = state.get("network_mode") == "awsvpc"
        return name == "container_definitions" and containers_equal(prior, fresh, awsvpc)

    def update(self, prior: State, planned: State) -> State:
        self.sync_tags(prior["arn"], prior, planned)
        return self.read({**planned, "arn": prior["arn"]}) or planned

    def delete(self, state: State) -> None:
        if not state.get("skip_destroy"):
            self.ecs.deregister_task_definition(taskDefinition=state["arn"])


RESOURCES: list[type[Resource]] = [TaskDefinition]
