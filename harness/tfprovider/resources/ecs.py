"""ECS: cluster, task definition, service — with the real provider's update rules.

- ``aws_ecs_task_definition``: every argument but tags forces a new resource (a new
  revision is registered; destroy deregisters the old one). ``container_definitions``
  is compared after the normalisation the real provider applies, so a fresh apply plans clean.
- ``aws_ecs_service``: changes are applied in place with one UpdateService that carries only
  what changed (the real provider's ``d.HasChange`` checks); ``task_definition`` is read
  back in the form the configuration uses (an ARN, or ``family:revision``).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from harness.tfprovider.resource import Resource, State, tag_list
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_MAP,
    STRING_SET,
    block,
    comp,
    nested,
    opt,
    optc,
    req,
)
from harness.tfprovider.values import UNKNOWN


class EcsResource(Resource):
    @property
    def ecs(self) -> Any:
        return self.ctx.client("ecs")

    def api_tags(self, state: State) -> list[dict[str, str]]:
        return tag_list(self.tags_for_api(state), "key", "value")

    def sync_tags(self, arn: str, prior: State, planned: State) -> None:
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        gone = [k for k in old if k not in new]
        if gone:
            self.ecs.untag_resource(resourceArn=arn, tagKeys=gone)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if changed:
            self.ecs.tag_resource(resourceArn=arn, tags=tag_list(changed, "key", "value"))

    def set_tags(self, state: State, api_tags: list[dict[str, str]] | None) -> None:
        tags = {t["key"]: t["value"] for t in api_tags or []}
        state["tags"], state["tags_all"] = self.split_tags(state, tags)


class Cluster(EcsResource):
    type_name = "aws_ecs_cluster"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("name", STRING, force_new=True),
        nested("setting", "set", req("name", STRING), req("value", STRING)),
    )  # fmt: skip

    def _settings(self, planned: State) -> list[dict[str, str]]:
        return [{"name": s["name"], "value": s["value"]} for s in planned.get("setting") or []]

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {"clusterName": planned["name"], "tags": self.api_tags(planned)}
        if planned.get("setting"):
            args["settings"] = self._settings(planned)
        arn = self.ecs.create_cluster(**args)["cluster"]["clusterArn"]
        return self.read({**planned, "id": arn}) or planned

    def read(self, state: State) -> State | None:
        found = self.ecs.describe_clusters(clusters=[state["id"]], include=["TAGS", "SETTINGS"])[
            "clusters"
        ]
        if not found or found[0].get("status") == "INACTIVE":
            return None
        cluster = found[0]
        out = {
            **state,
            "id": cluster["clusterArn"],
            "arn": cluster["clusterArn"],
            "name": cluster["clusterName"],
            "region": self.ctx.region,
            "setting": [
                {"name": s["name"], "value": s["value"]} for s in cluster.get("settings") or []
            ],
        }
        if not state.get("setting") and all(s["value"] == "disabled" for s in out["setting"]):
            out["setting"] = (
                state.get("setting") or []
            )  # AWS reports containerInsights=disabled by default
        self.set_tags(out, cluster.get("tags"))
        return out

    def update(self, prior: State, planned: State) -> State:
        if planned.get("setting") != prior.get("setting"):
            self.ecs.update_cluster(cluster=prior["id"], settings=self._settings(planned))
        self.sync_tags(prior["arn"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ecs.delete_cluster(cluster=state["id"])


# --- task definition -----------------------------------------------------------------------


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
        opt("skip_destroy", BOOL),
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


# --- service -------------------------------------------------------------------------------

NETWORK = nested(
    "network_configuration", "list",
    req("subnets", STRING_SET), opt("security_groups", STRING_SET), opt("assign_public_ip", BOOL, default=False),
    max_items=1,
)  # fmt: skip
LOAD_BALANCER = nested(
    "load_balancer", "set",
    opt("elb_name", STRING), opt("target_group_arn", STRING), req("container_name", STRING), req("container_port", NUMBER),
)  # fmt: skip
CIRCUIT_BREAKER = nested(
    "deployment_circuit_breaker", "list", req("enable", BOOL), req("rollback", BOOL), max_items=1
)
CONTROLLER = nested(
    "deployment_controller", "list", opt("type", STRING, default="ECS"), max_items=1, force_new=True
)
CAPACITY = nested(
    "capacity_provider_strategy",
    "set",
    req("capacity_provider", STRING),
    opt("base", NUMBER),
    opt("weight", NUMBER),
)

# attribute -> UpdateService parameter, for plain values sent when changed
SERVICE_UPDATES = {
    "task_definition": "taskDefinition",
    "desired_count": "desiredCount",
    "health_check_grace_period_seconds": "healthCheckGracePeriodSeconds",
    "enable_execute_command": "enableExecuteCommand",
    "enable_ecs_managed_tags": "enableECSManagedTags",
    "propagate_tags": "propagateTags",
    "platform_version": "platformVersion",
}


def task_definition_as_configured(configured: Any, arn: Any) -> Any:
    """The service's task definition in the form the state holds it, as the real provider reads it.

    An ARN stays an ARN; anything else (``family:revision`` or a bare family) is stored as
    ``family:revision`` of the revision running, so a bare family shows a difference.
    """
    if not isinstance(arn, str) or ":task-definition/" not in arn:
        return arn
    if isinstance(configured, str) and configured.startswith("arn:"):
        return arn
    return arn.split(":task-definition/", 1)[1]


class Service(EcsResource):
    type_name = "aws_ecs_service"
    unsupported: ClassVar[dict[str, str]] = {"capacity_provider_strategy": "use launch_type"}
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("name", STRING, force_new=True),
        optc("cluster", STRING, force_new=True),
        opt("task_definition", STRING),
        opt("desired_count", NUMBER),
        optc("launch_type", STRING, force_new=True),
        optc("platform_version", STRING),
        opt("scheduling_strategy", STRING, force_new=True, default="REPLICA"),
        opt("deployment_maximum_percent", NUMBER, default=200),
        opt("deployment_minimum_healthy_percent", NUMBER, default=100),
        opt("health_check_grace_period_seconds", NUMBER),
        opt("enable_execute_command", BOOL),
        opt("enable_ecs_managed_tags", BOOL),
        opt("propagate_tags", STRING),
        opt("force_new_deployment", BOOL),
        opt("force_delete", BOOL),
        opt("wait_for_steady_state", BOOL, default=False),
        optc("iam_role", STRING, force_new=True),
        optc("triggers", STRING_MAP),
        NETWORK, LOAD_BALANCER, CIRCUIT_BREAKER, CONTROLLER, CAPACITY,
    )  # fmt: skip

    def _network(self, planned: State) -> dict[str, Any] | None:
        nets = planned.get("network_configuration") or []
        if not nets:
            return None
        n = nets[0]
        return {
            "awsvpcConfiguration": {
                "subnets": list(n["subnets"]),
                "securityGroups": list(n.get("security_groups") or []),
                "assignPublicIp": "ENABLED" if n.get("assign_public_ip") else "DISABLED",
            }
        }

    def _load_balancers(self, planned: State) -> list[dict[str, Any]]:
        return [
            {
                **(
                    {"targetGroupArn": lb["target_group_arn"]} if lb.get("target_group_arn") else {}
                ),
                **({"loadBalancerName": lb["elb_name"]} if lb.get("elb_name") else {}),
                "containerName": lb["container_name"],
                "containerPort": int(lb["container_port"]),
            }
            for lb in planned.get("load_balancer") or []
        ]

    def _deployment_config(self, planned: State) -> dict[str, Any]:
        config: dict[str, Any] = {
            "maximumPercent": int(planned["deployment_maximum_percent"]),
            "minimumHealthyPercent": int(planned["deployment_minimum_healthy_percent"]),
        }
        if planned.get("deployment_circuit_breaker"):
            cb = planned["deployment_circuit_breaker"][0]
            config["deploymentCircuitBreaker"] = {
                "enable": cb["enable"],
                "rollback": cb["rollback"],
            }
        return config

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "serviceName": planned["name"],
            "desiredCount": int(planned.get("desired_count") or 0),
            "schedulingStrategy": planned["scheduling_strategy"],
            "deploymentConfiguration": self._deployment_config(planned),
        }
        for attr, api in (
            ("cluster", "cluster"),
            ("launch_type", "launchType"),
            ("iam_role", "role"),
        ):
            if isinstance(planned.get(attr), str):
                args[api] = planned[attr]
        for attr, api in SERVICE_UPDATES.items():
            if (
                attr != "desired_count"
                and planned.get(attr) is not None
                and planned.get(attr) is not UNKNOWN
            ):
                args[api] = (
                    int(planned[attr]) if isinstance(planned[attr], float) else planned[attr]
                )
        if self._network(planned):
            args["networkConfiguration"] = self._network(planned)
        if self._load_balancers(planned):
            args["loadBalancers"] = self._load_balancers(planned)
        if planned.get("deployment_controller"):
            args["deploymentController"] = {"type": planned["deployment_controller"][0]["type"]}
        if self.api_tags(planned):
            args["tags"] = self.api_tags(planned)
        service = self.ecs.create_service(**args)["service"]
        state = {**planned, "id": service["serviceArn"], "cluster": service["clusterArn"]}
        self._wait(state)
        return self.read(state) or planned

    def _wait(self, state: State) -> None:
        if state.get("wait_for_steady_state"):
            waiter = self.ecs.get_waiter("services_stable")
            waiter.wait(
                cluster=state["cluster"],
                services=[state["id"]],
                WaiterConfig={"Delay": 1, "MaxAttempts": 120},
            )

    def read(self, state: State) -> State | None:
        cluster = state.get("cluster") if isinstance(state.get("cluster"), str) else None
        found = self.ecs.describe_services(
            services=[state["id"]], include=["TAGS"], **({"cluster": cluster} if cluster else {})
        )["services"]
        if not found or found[0].get("status") == "INACTIVE":
            return None
        s = found[0]
        config = s.get("deploymentConfiguration") or {}
        net = (s.get("networkConfiguration") or {}).get("awsvpcConfiguration")
        cb = config.get("deploymentCircuitBreaker")
        out = {
            **state,
            "id": s["serviceArn"],
            "arn": s["serviceArn"],
            "region": self.ctx.region,
            "name": s["serviceName"],
            "cluster": s["clusterArn"],
            "task_definition": task_definition_as_configured(
                state.get("task_definition"), s.get("taskDefinition")
            ),
            "desired_count": s.get("desiredCount"),
            "launch_type": s.get("launchType") or "",
            "platform_version": s.get("platformVersion")
            or ("LATEST" if s.get("launchType") == "FARGATE" else ""),
            "scheduling_strategy": s.get("schedulingStrategy", "REPLICA"),
            "deployment_maximum_percent": config.get("maximumPercent", 200),
            "deployment_minimum_healthy_percent": config.get("minimumHealthyPercent", 100),
            "health_check_grace_period_seconds": s.get(
                "healthCheckGracePeriodSeconds", state.get("health_check_grace_period_seconds")
            ),
            "enable_execute_command": s.get(
                "enableExecuteCommand", state.get("enable_execute_command")
            ),
            "iam_role": s.get("roleArn") or "",
            "network_configuration": [
                {
                    "subnets": net.get("subnets", []),
                    "security_groups": net.get("securityGroups", []),
                    "assign_public_ip": net.get("assignPublicIp") == "ENABLED",
                }
            ]
            if net
            else [],
            "load_balancer": [
                {
                    "elb_name": lb.get("loadBalancerName"),
                    "target_group_arn": lb.get("targetGroupArn"),
                    "container_name": lb["containerName"],
                    "container_port": lb["containerPort"],
                }
                for lb in s.get("loadBalancers") or []
            ],
            "deployment_circuit_breaker": [{"enable": cb["enable"], "rollback": cb["rollback"]}]
            if cb
            else [],
            "deployment_controller": [
                {"type": (s.get("deploymentController") or {}).get("type", "ECS")}
            ],
        }
        if not state.get("deployment_controller") and out["deployment_controller"] == [
            {"type": "ECS"}
        ]:
            out["deployment_controller"] = state.get("deployment_controller") or []
        if (
            cb
            and not state.get("deployment_circuit_breaker")
            and not cb["enable"]
            and not cb["rollback"]
        ):
            out["deployment_circuit_breaker"] = state.get("deployment_circuit_breaker") or []
        if out.get("triggers") is None or out.get("triggers") is UNKNOWN:
            out["triggers"] = {}
        self.set_tags(out, s.get("tags"))
        return out

    def equivalent(self, name: str, prior: Any, fresh: Any) -> bool:
        return (
            name in ("launch_type", "platform_version", "iam_role")
            and fresh == ""
            and prior is None
        )

    def update(self, prior: State, planned: State) -> State:
        args: dict[str, Any] = {}
        for attr, api in SERVICE_UPDATES.items():
            if planned.get(attr) != prior.get(attr) and planned.get(attr) is not None:
                args[api] = (
                    int(planned[attr]) if isinstance(planned[attr], float) else planned[attr]
                )
        if any(
            planned.get(k) != prior.get(k)
            for k in (
                "deployment_maximum_percent",
                "deployment_minimum_healthy_percent",
                "deployment_circuit_breaker",
            )
        ):
            args["deploymentConfiguration"] = self._deployment_config(planned)
        if planned.get("network_configuration") != prior.get(
            "network_configuration"
        ) and self._network(planned):
            args["networkConfiguration"] = self._network(planned)
        if planned.get("load_balancer") != prior.get("load_balancer"):
            args["loadBalancers"] = self._load_balancers(planned)
        if planned.get("force_new_deployment") or planned.get("triggers") != prior.get("triggers"):
            args["forceNewDeployment"] = bool(
                planned.get("force_new_deployment") or planned.get("triggers")
            )
        if args:
            self.ecs.update_service(cluster=prior["cluster"], service=prior["id"], **args)
            self._wait(prior | {"wait_for_steady_state": planned.get("wait_for_steady_state")})
        self.sync_tags(prior["arn"], prior, planned)
        return self.read({**planned, "id": prior["id"], "cluster": prior["cluster"]}) or planned

    def delete(self, state: State) -> None:
        cluster, ident = state["cluster"], state["id"]
        try:
            if state.get("scheduling_strategy") != "DAEMON":
                self.ecs.update_service(cluster=cluster, service=ident, desiredCount=0)
            self.ecs.delete_service(
                cluster=cluster, service=ident, force=bool(state.get("force_delete"))
            )
        except Exception as exc:
            if not not_found(exc, "ServiceNotFound", "ServiceNotActive"):
                raise


RESOURCES: list[type[Resource]] = [Cluster, TaskDefinition, Service]
