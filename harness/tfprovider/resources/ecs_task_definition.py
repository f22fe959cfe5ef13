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


def normalise_containers(text: str) -> Any:
    """Container definitions as the real provider compares them (ContainerDefinitionsAreEquivalent)."""
    containers = json.loads(text)
    out = []
    for c in containers:
        c = {k: v for k, v in c.items() if v not in (None, [], {}, "")}
        c.setdefault("essential", True)
        if c.get("cpu") == 0:
            del c["cpu"]
        for key in ("environment", "secrets"):
            if key in c:
                c[key] = sorted(c[key], key=lambda e: e.get("name", ""))
        if "portMappings" in c:
            c["portMappings"] = [
                {
                    "protocol": "tcp",
                    "hostPort": p.get("containerPort"),
                    **{k: v for k, v in p.items() if v is not None},
                }
                for p in c["portMappings"]
            ]
        out.append(c)
    return out


def containers_equal(a: Any, b: Any) -> bool:
    try:
        return bool(normalise_containers(a) == normalise_containers(b))
    except (TypeError, ValueError):
        return False


def containers_for_api(text: str) -> list[dict[str, Any]]:
    return list(json.loads(text))


RUNTIME_PLATFORM = nested(
    "runtime_platform", "list", opt("cpu_architecture", STRING), opt("operating_system_family", STRING),
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

    def equivalent(self, name: str, prior: Any, fresh: Any) -> bool:
        return name == "container_definitions" and containers_equal(prior, fresh)

    def update(self, prior: State, planned: State) -> State:
        self.sync_tags(prior["arn"], prior, planned)
        return self.read({**planned, "arn": prior["arn"]}) or planned

    def delete(self, state: State) -> None:
        if not state.get("skip_destroy"):
            self.ecs.deregister_task_definition(taskDefinition=state["arn"])


RESOURCES: list[type[Resource]] = [TaskDefinition]
