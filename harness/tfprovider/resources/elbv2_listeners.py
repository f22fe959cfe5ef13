"""Elastic Load Balancing v2: listener and listener rule (forward and fixed-response actions)."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, TAGS, error_code, not_found
from harness.tfprovider.resources.elbv2 import ElbResource
from harness.tfprovider.schema import (
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

FIXED_RESPONSE = nested(
    "fixed_response", "list", req("content_type", STRING), opt("message_body", STRING), optc("status_code", STRING),
    max_items=1,
)  # fmt: skip
# the real provider's defaults: each part of the request URL is kept unless replaced
REDIRECT = nested(
    "redirect", "list",
    opt("host", STRING, default="#{host}"), opt("path", STRING, default="/#{path}"),
    opt("port", STRING, default="#{port}"), opt("protocol", STRING, default="#{protocol}"),
    opt("query", STRING, default="#{query}"), req("status_code", STRING),
    max_items=1,
)  # fmt: skip
REDIRECT_FIELDS = {"host": "Host", "path": "Path", "port": "Port", "protocol": "Protocol",
                   "query": "Query", "status_code": "StatusCode"}  # fmt: skip
ACTION_ITEMS = (
    optc("order", NUMBER),
    opt("target_group_arn", STRING),
    req("type", STRING),
    FIXED_RESPONSE,
    REDIRECT,
)


log = logging.getLogger(__name__)

PRIORITY_ATTEMPTS = 10
"""How often a rule without ``priority`` is retried on PriorityInUse (concurrent creates race)."""


def action_to_api(action: dict[str, Any], index: int) -> dict[str, Any]:
    out: dict[str, Any] = {"Type": action["type"], "Order": int(action.get("order") or index + 1)}
    if action["type"] == "forward":
        out["TargetGroupArn"] = action["target_group_arn"]
    elif action["type"] == "fixed-response":
        fixed = (action.get("fixed_response") or [{}])[0]
        out["FixedResponseConfig"] = {
            "ContentType": fixed["content_type"],
            **({"MessageBody": fixed["message_body"]} if fixed.get("message_body") else {}),
            "StatusCode": fixed.get("status_code") or "200",
        }
    elif action["type"] == "redirect":
        redirect = (action.get("redirect") or [{}])[0]
        out["RedirectConfig"] = {
            api: redirect[key] for key, api in REDIRECT_FIELDS.items() if redirect.get(key)
        }
    else:
        raise ProviderError(
            f"action type {action['type']!r} is not implemented by the stand-in provider"
        )
    return out


def action_from_api(action: dict[str, Any]) -> dict[str, Any]:
    fixed = action.get("FixedResponseConfig")
    redirect = action.get("RedirectConfig")
    return {
        "order": action.get("Order", 1),
        "target_group_arn": action.get("TargetGroupArn"),
        "type": action["Type"],
        "fixed_response": [
            {
                "content_type": fixed["ContentType"],
                "message_body": fixed.get("MessageBody"),
                "status_code": fixed.get("StatusCode"),
            }
        ]
        if fixed
        else [],
        "redirect": [{key: redirect.get(api) for key, api in REDIRECT_FIELDS.items()}]
        if redirect
        else [],
    }


class Listener(ElbResource):
    type_name = "aws_lb_listener"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("load_balancer_arn", STRING, force_new=True),
        opt("port", NUMBER),
        optc("protocol", STRING),
        opt("certificate_arn", STRING),
        optc("ssl_policy", STRING),
        nested("default_action", "list", *ACTION_ITEMS, min_items=1),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "LoadBalancerArn": planned["load_balancer_arn"],
            "Protocol": planned.get("protocol")
            if isinstance(planned.get("protocol"), str)
            else "HTTP",
            "Port": int(planned.get("port") or 80),
            "DefaultActions": [
                action_to_api(a, i) for i, a in enumerate(planned["default_action"])
            ],
        }
        if planned.get("certificate_arn"):
            args["Certificates"] = [{"CertificateArn": planned["certificate_arn"]}]
        if planned.get("ssl_policy"):
            args["SslPolicy"] = planned["ssl_policy"]
        if self.api_tags(planned):
            args["Tags"] = self.api_tags(planned)
        listener = self.elb.create_listener(**args)["Listeners"][0]
        return self.read({**planned, "id": listener["ListenerArn"]}) or planned

    def read(self, state: State) -> State | None:
        try:
            listener = self.elb.describe_listeners(ListenerArns=[state["id"]])["Listeners"][0]
        except Exception as exc:
            if not_found(exc, "ListenerNotFound"):
                return None
            raise
        arn = listener["ListenerArn"]
        out = {
            **state,
            "id": arn,
            "arn": arn,
            "region": self.ctx.region,
            "load_balancer_arn": listener["LoadBalancerArn"],
            "port": listener.get("Port"),
            "protocol": listener.get("Protocol"),
            "ssl_policy": listener.get("SslPolicy") or "",
            "certificate_arn": (listener.get("Certificates") or [{}])[0].get("CertificateArn"),
            "default_action": [action_from_api(a) for a in listener.get("DefaultActions", [])],
        }
        self.read_tags(out, arn)
        return out

    def update(self, prior: State, planned: State) -> State:
        args: dict[str, Any] = {
            "ListenerArn": prior["id"],
            "Port": int(planned.get("port") or 80),
            "Protocol": planned["protocol"]
            if isinstance(planned.get("protocol"), str)
            else prior["protocol"],
            "DefaultActions": [
                action_to_api(a, i) for i, a in enumerate(planned["default_action"])
            ],
        }
        if planned.get("ssl_policy"):
            args["SslPolicy"] = planned["ssl_policy"]
        if planned.get("certificate_arn"):
            args["Certificates"] = [{"CertificateArn": planned["certificate_arn"]}]
        self.elb.modify_listener(**args)
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.elb.delete_listener(ListenerArn=state["id"])


CONDITION = nested(
    "condition", "set",
    nested("path_pattern", "list", opt("values", STRING_SET), max_items=1),
    nested("host_header", "list", opt("values", STRING_SET), max_items=1),
    min_items=1,
)  # fmt: skip
CONDITION_FIELDS = {
    "path_pattern": ("path-pattern", "PathPatternConfig"),
    "host_header": ("host-header", "HostHeaderConfig"),
}


def condition_to_api(cond: dict[str, Any]) -> dict[str, Any]:
    for key, (field, config) in CONDITION_FIELDS.items():
        if cond.get(key):
            return {"Field": field, config: {"Values": list(cond[key][0]["values"])}}
    raise ProviderError(
        "listener rule condition: only path_pattern and host_header are implemented by the stand-in provider"
    )


def condition_from_api(cond: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: [] for k in CONDITION_FIELDS}
    for key, (field, config) in CONDITION_FIELDS.items():
        if cond.get("Field") == field:
            values = (cond.get(config) or {}).get("Values") or cond.get("Values") or []
            out[key] = [{"values": values}]
    return out


class ListenerRule(ElbResource):
    type_name = "aws_lb_listener_rule"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("listener_arn", STRING, force_new=True),
        optc("priority", NUMBER),
        nested("action", "list", *ACTION_ITEMS, min_items=1),
        CONDITION,
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "ListenerArn": planned["listener_arn"],
            "Conditions": [condition_to_api(c) for c in planned["condition"]],
            "Actions": [action_to_api(a, i) for i, a in enumerate(planned["action"])],
        }
        if self.api_tags(planned):
            args["Tags"] = self.api_tags(planned)
        if isinstance(planned.get("priority"), (int, float)):
            rule = self._create_at(args, int(planned["priority"]))
        else:
            rule = self._create_at_next_free(args)
        return self.read({**planned, "id": rule["RuleArn"]}) or planned

    def _create_at(self, args: dict[str, Any], priority: int) -> dict[str, Any]:
        """CreateRule at a priority the configuration gives: a clash is the user's error."""
        try:
            rule: dict[str, Any] = self.elb.create_rule(**args, Priority=priority)["Rules"][0]
        except Exception as exc:
            if error_code(exc) == "PriorityInUse":
                raise ProviderError(
                    f"creating ELBv2 Listener Rule: priority {priority} is already in use "
                    f"on listener {args['ListenerArn']}",
                    str(exc),
                ) from exc
            raise
        return rule

    def _create_at_next_free(self, args: dict[str, Any]) -> dict[str, Any]:
        """As hashicorp/aws does without ``priority``: highest existing + 1, and again on
        PriorityInUse, because another apply (or a sibling rule) may take it in between."""
        for attempt in range(1, PRIORITY_ATTEMPTS + 1):
            priority = self._highest_priority(args["ListenerArn"]) + 1
            try:
                rule: dict[str, Any] = self.elb.create_rule(**args, Priority=priority)["Rules"][0]
                return rule
            except Exception as exc:
                if error_code(exc) != "PriorityInUse" or attempt == PRIORITY_ATTEMPTS:
                    raise
                log.info("listener rule priority %d taken meanwhile; retrying", priority)
                time.sleep(random.uniform(0.05, 0.3) * attempt)  # jitter: racers spread out
        raise AssertionError("unreachable")  # the loop returns or raises

    def _highest_priority(self, listener_arn: str) -> int:
        """The listener's highest numeric rule priority (the default rule has none): 0 if none."""
        highest, marker = 0, None
        while True:
            page = self.elb.describe_rules(
                ListenerArn=listener_arn, **({"Marker": marker} if marker else {})
            )
            for rule in page.get("Rules", []):
                if str(rule.get("Priority", "")).isdigit():
                    highest = max(highest, int(rule["Priority"]))
            marker = page.get("NextMarker")
            if not marker:
                return highest

    def read(self, state: State) -> State | None:
        try:
            rule = self.elb.describe_rules(RuleArns=[state["id"]])["Rules"][0]
        except Exception as exc:
            if not_found(exc, "RuleNotFound"):
                return None
            raise
        arn = rule["RuleArn"]
        out = {
            **state,
            "id": arn,
            "arn": arn,
            "region": self.ctx.region,
            "listener_arn": state.get("listener_arn")
            or arn.replace(":listener-rule/", ":listener/").rsplit("/", 1)[0],
            "priority": int(rule["Priority"]) if str(rule.get("Priority", "")).isdigit() else None,
            "action": [action_from_api(a) for a in rule.get("Actions", [])],
            "condition": [condition_from_api(c) for c in rule.get("Conditions", [])],
        }
        self.read_tags(out, arn)
        return out

    def update(self, prior: State, planned: State) -> State:
        arn = prior["id"]
        if planned.get("priority") != prior.get("priority") and isinstance(
            planned.get("priority"), (int, float)
        ):
            self.elb.set_rule_priorities(
                RulePriorities=[{"RuleArn": arn, "Priority": int(planned["priority"])}]
            )
        self.elb.modify_rule(
            RuleArn=arn,
            Conditions=[condition_to_api(c) for c in planned["condition"]],
            Actions=[action_to_api(a, i) for i, a in enumerate(planned["action"])],
        )
        self.sync_tags(arn, prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.elb.delete_rule(RuleArn=state["id"])


RESOURCES: list[type[Resource]] = [Listener, ListenerRule]
