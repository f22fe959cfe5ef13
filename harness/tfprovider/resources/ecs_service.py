"""ECS service: changes are applied in place by one UpdateService carrying only what changed.

As the real provider's ``d.HasChange`` checks: an attribute kept by ``ignore_changes`` is
unchanged in the plan, so it is never sent. ``task_definition`` is read back in the form
the configuration uses (an ARN, or ``family:revision``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from harness.tfprovider.context import CreatedButFailed
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.resources.ecs import EcsResource
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
# hashicorp/aws marks only `type` ForceNew; the planner checks blocks as a whole, and `type`
# is the block's only attribute, so marking the block too plans the same replacement.
CONTROLLER = nested(
    "deployment_controller", "list", opt("type", STRING, force_new=True, default="ECS"),
    max_items=1, force_new=True,
)  # fmt: skip
CAPACITY = nested(
    "capacity_provider_strategy",
    "set",
    req("capacity_provider", STRING),
    opt("base", NUMBER),
    opt("weight", NUMBER),
)


def capacity_to_api(planned: State) -> list[dict[str, Any]]:
    return [
        {"capacityProvider": c["capacity_provider"], "base": int(c.get("base") or 0),
         "weight": int(c.get("weight") or 0)}
        for c in planned.get("capacity_provider_strategy") or []
    ]  # fmt: skip


# attribute -> UpdateService parameter, for plain values sent when changed
SERVICE_UPDATES = {
    "task_definition": "taskDefinition",
    "desired_count": "desiredCount",
    "health_check_grace_period_seconds": "healthCheckGracePeriodSeconds",
    "enable_execute_command": "enableExecuteCommand",
    "enable_ecs_managed_tags": "enableECSManagedTags",
    "propagate_tags": "propagateTags",
    "platform_version": "platformVersion",
    "availability_zone_rebalancing": "availabilityZoneRebalancing",
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


def service_address(state: State) -> tuple[str | None, str]:
    """(cluster, service) from state, an ARN (``service/<cluster>/<name>``) or an import id
    ``<cluster>/<name>`` as the real provider accepts."""
    ident = str(state["id"])
    cluster = state.get("cluster") if isinstance(state.get("cluster"), str) else None
    path = ident.split(":service/", 1)[-1]
    if cluster is None and "/" in path:
        cluster, _, name = path.partition("/")
        return cluster, name
    return cluster, ident


class Service(EcsResource):
    type_name = "aws_ecs_service"
    unsupported: ClassVar[dict[str, str]] = {}
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("name", STRING, force_new=True),
        optc("cluster", STRING, force_new=True),
        opt("task_definition", STRING),
        opt("desired_count", NUMBER),
        optc("launch_type", STRING, force_new=True),
        optc("platform_version", STRING),
        optc("availability_zone_rebalancing", STRING),
        opt("scheduling_strategy", STRING, force_new=True, default="REPLICA"),
        opt("deployment_maximum_percent", NUMBER, default=200),
        opt("deployment_minimum_healthy_percent", NUMBER, default=100),
        opt("health_check_grace_period_seconds", NUMBER),
        opt("enable_execute_command", BOOL, default=False),
        opt("enable_ecs_managed_tags", BOOL, default=False),
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
            # as hashicorp/aws: the strategy is always sent (empty: the cluster's default)
            "capacityProviderStrategy": capacity_to_api(planned),
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
        try:
            self._wait(state)
        except Exception as exc:  # as the real provider: the service exists, tainted
            raise CreatedButFailed(
                f"waiting for {planned['name']} to be stable: {exc}", state
            ) from exc
        return self.read(state) or planned

    def _wait(self, state: State) -> None:
        if state.get("wait_for_steady_state"):
            waiter = self.ecs.get_waiter("services_stable")
            waiter.wait(
                cluster=state["cluster"],
                services=[state["id"]],
                WaiterConfig=self.ctx.waiter_config("ecs", 120.0),
            )

    def read(self, state: State) -> State | None:
        cluster, service = service_address(state)
        found = self.ecs.describe_services(
            services=[service], include=["TAGS"], **({"cluster": cluster} if cluster else {})
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
            "availability_zone_rebalancing": s.get("availabilityZoneRebalancing"),
            "deployment_maximum_percent": config.get("maximumPercent", 200),
            "deployment_minimum_healthy_percent": config.get("minimumHealthyPercent", 100),
            "health_check_grace_period_seconds": s.get(
                "healthCheckGracePeriodSeconds", state.get("health_check_grace_period_seconds")
            ),
            "enable_execute_command": s.get(
                "enableExecuteCommand", state.get("enable_execute_command")
            ),
            "iam_role": s.get("roleArn") or "",
            "enable_ecs_managed_tags": s.get("enableECSManagedTags", False),
            # as the real provider's DiffSuppressFunc: "NONE" read back means "not set"
            "propagate_tags": None
            if s.get("propagateTags") in (None, "NONE") and not state.get("propagate_tags")
            else s.get("propagateTags"),
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
            "capacity_provider_strategy": [
                {
                    "capacity_provider": c["capacityProvider"],
                    "base": c.get("base", 0),
                    "weight": c.get("weight", 0),
                }
                for c in s.get("capacityProviderStrategy") or []
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

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
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
        if planned.get("capacity_provider_strategy") != prior.get("capacity_provider_strategy"):
            # a new strategy takes effect with a new deployment (the real provider forces one)
            args["capacityProviderStrategy"] = capacity_to_api(planned)
            args["forceNewDeployment"] = True
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
            return
        # As the real provider's waitServiceInactive: DRAINING until its tasks stopped.
        self.ecs.get_waiter("services_inactive").wait(
            cluster=cluster, services=[ident], WaiterConfig=self.ctx.waiter_config("ecs", 1200.0)
        )


RESOURCES: list[type[Resource]] = [Service]
