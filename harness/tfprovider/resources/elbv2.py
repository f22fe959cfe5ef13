"""Elastic Load Balancing v2: load balancer, target group, listener, listener rule."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.resources.timeouts import timeouts
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
)


class ElbResource(Resource):
    @property
    def elb(self) -> Any:
        return self.ctx.client("elbv2")

    def api_tags(self, state: State) -> list[dict[str, str]]:
        return tag_list(self.tags_for_api(state))

    def read_tags(self, state: State, arn: str) -> None:
        found = self.elb.describe_tags(ResourceArns=[arn])["TagDescriptions"]
        state["tags"], state["tags_all"] = self.split_tags(
            state, tag_dict(found[0]["Tags"] if found else [])
        )

    def sync_tags(self, arn: str, prior: State, planned: State) -> None:
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        gone = [k for k in old if k not in new]
        if gone:
            self.elb.remove_tags(ResourceArns=[arn], TagKeys=gone)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if changed:
            self.elb.add_tags(ResourceArns=[arn], Tags=tag_list(changed))


def _name(planned: State, prefix_default: str = "tf-") -> str:
    name = planned.get("name")
    if isinstance(name, str):
        return name
    return (planned.get("name_prefix") or prefix_default) + uuid.uuid4().hex[
        : 26 - len(prefix_default)
    ]


class LoadBalancer(ElbResource):
    type_name = "aws_lb"
    schema = block(
        optc("id", STRING), comp("arn", STRING), comp("arn_suffix", STRING), REGION, *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        optc("internal", BOOL, force_new=True),
        opt("load_balancer_type", STRING, force_new=True, default="application"),
        optc("security_groups", STRING_SET),
        optc("subnets", STRING_SET),
        optc("ip_address_type", STRING),
        opt("idle_timeout", NUMBER, default=60),
        opt("enable_deletion_protection", BOOL, default=False),
        opt("enable_http2", BOOL, default=True),
        opt("drop_invalid_header_fields", BOOL, default=False),
        comp("dns_name", STRING),
        comp("zone_id", STRING),
        comp("vpc_id", STRING),
        timeouts("create", "delete", "update"),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "Name": _name(planned),
            "Subnets": list(planned.get("subnets") or []),
            "Scheme": "internal" if planned.get("internal") is True else "internet-facing",
            "Type": planned["load_balancer_type"],
        }
        if planned.get("security_groups"):
            args["SecurityGroups"] = list(planned["security_groups"])
        if planned.get("ip_address_type"):
            args["IpAddressType"] = planned["ip_address_type"]
        if self.api_tags(planned):
            args["Tags"] = self.api_tags(planned)
        lb = self.elb.create_load_balancer(**args)["LoadBalancers"][0]
        self._attributes(lb["LoadBalancerArn"], {}, planned)
        return self.read({**planned, "id": lb["LoadBalancerArn"]}) or planned

    ATTRS: ClassVar[dict[str, str]] = {
        "idle_timeout": "idle_timeout.timeout_seconds",
        "enable_deletion_protection": "deletion_protection.enabled",
        "enable_http2": "routing.http2.enabled",
        "drop_invalid_header_fields": "routing.http.drop_invalid_header_fields.enabled",
    }

    def _attributes(self, arn: str, prior: State, planned: State) -> None:
        changed = [
            {"Key": key, "Value": str(planned[name]).lower()}
            for name, key in self.ATTRS.items()
            if planned.get(name) is not None and planned.get(name) != prior.get(name)
        ]
        if changed:
            self.elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=changed)

    def read(self, state: State) -> State | None:
        try:
            lb = self.elb.describe_load_balancers(LoadBalancerArns=[state["id"]])["LoadBalancers"][
                0
            ]
        except Exception as exc:
            if not_found(exc, "LoadBalancerNotFound"):
                return None
            raise
        arn = lb["LoadBalancerArn"]
        attrs = {
            a["Key"]: a["Value"]
            for a in self.elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        }
        out = {
            **state,
            "id": arn,
            "arn": arn,
            "arn_suffix": arn.split(":loadbalancer/", 1)[-1],
            "region": self.ctx.region,
            "name": lb["LoadBalancerName"],
            "internal": lb.get("Scheme") == "internal",
            "load_balancer_type": lb.get("Type", "application"),
            "security_groups": lb.get("SecurityGroups", []),
            "subnets": [z["SubnetId"] for z in lb.get("AvailabilityZones", [])],
            "ip_address_type": lb.get("IpAddressType", "ipv4"),
            "dns_name": lb.get("DNSName"),
            "zone_id": lb.get("CanonicalHostedZoneId"),
            "vpc_id": lb.get("VpcId"),
        }
        for name, key in self.ATTRS.items():
            if key in attrs:
                value = attrs[key]
                out[name] = int(value) if name == "idle_timeout" else value == "true"
        self.read_tags(out, arn)
        return out

    def update(self, prior: State, planned: State) -> State:
        arn = prior["id"]
        if planned.get("security_groups") is not None and set(planned["security_groups"]) != set(
            prior["security_groups"] or []
        ):
            self.elb.set_security_groups(
                LoadBalancerArn=arn, SecurityGroups=list(planned["security_groups"])
            )
        if planned.get("subnets") is not None and set(planned["subnets"]) != set(
            prior["subnets"] or []
        ):
            self.elb.set_subnets(LoadBalancerArn=arn, Subnets=list(planned["subnets"]))
        if planned.get("ip_address_type") and planned["ip_address_type"] != prior.get(
            "ip_address_type"
        ):
            self.elb.set_ip_address_type(
                LoadBalancerArn=arn, IpAddressType=planned["ip_address_type"]
            )
        self._attributes(arn, prior, planned)
        self.sync_tags(arn, prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.elb.delete_load_balancer(LoadBalancerArn=state["id"])


HEALTH_CHECK = nested(
    "health_check", "list",
    opt("enabled", BOOL, default=True),
    opt("healthy_threshold", NUMBER, default=3),
    opt("interval", NUMBER, default=30),
    optc("matcher", STRING),
    optc("path", STRING),
    opt("port", STRING, default="traffic-port"),
    opt("protocol", STRING, default="HTTP"),
    optc("timeout", NUMBER),
    opt("unhealthy_threshold", NUMBER, default=3),
    max_items=1,
)  # fmt: skip
HC_API = {
    "enabled": "HealthCheckEnabled",
    "healthy_threshold": "HealthyThresholdCount",
    "interval": "HealthCheckIntervalSeconds",
    "path": "HealthCheckPath",
    "port": "HealthCheckPort",
    "protocol": "HealthCheckProtocol",
    "timeout": "HealthCheckTimeoutSeconds",
    "unhealthy_threshold": "UnhealthyThresholdCount",
}


class TargetGroup(ElbResource):
    type_name = "aws_lb_target_group"
    schema = block(
        optc("id", STRING), comp("arn", STRING), comp("arn_suffix", STRING), REGION, *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        opt("port", NUMBER, force_new=True),
        opt("protocol", STRING, force_new=True),
        optc("protocol_version", STRING, force_new=True),
        opt("vpc_id", STRING, force_new=True),
        opt("target_type", STRING, force_new=True, default="instance"),
        opt("deregistration_delay", STRING, default="300"),
        opt("slow_start", NUMBER, default=0),
        optc("ip_address_type", STRING, force_new=True),
        comp("load_balancer_arns", STRING_SET),
        HEALTH_CHECK,
    )  # fmt: skip

    def plan(self, prior: State | None, planned: State) -> State:
        for hc in planned.get("health_check") or []:
            if hc.get("matcher") is None and hc.get("protocol") in ("HTTP", "HTTPS"):
                hc["matcher"] = "200"
        return super().plan(prior, planned)

    def _health_args(self, planned: State) -> dict[str, Any]:
        hcs = planned.get("health_check") or []
        if not hcs:
            return {}
        hc = hcs[0]
        args = {
            api: hc[k] for k, api in HC_API.items() if hc.get(k) is not None and not _unknown(hc[k])
        }
        for k in (
            "HealthyThresholdCount",
            "HealthCheckIntervalSeconds",
            "HealthCheckTimeoutSeconds",
            "UnhealthyThresholdCount",
        ):
            if k in args:
                args[k] = int(args[k])
        if isinstance(hc.get("matcher"), str):
            args["Matcher"] = {"HttpCode": hc["matcher"]}
        return args

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {"Name": _name(planned), "TargetType": planned["target_type"]}
        for k, api in (("port", "Port"), ("protocol", "Protocol"), ("vpc_id", "VpcId")):
            if planned.get(k) is not None:
                args[api] = int(planned[k]) if k == "port" else planned[k]
        if isinstance(planned.get("protocol_version"), str):
            args["ProtocolVersion"] = planned["protocol_version"]
        if isinstance(planned.get("ip_address_type"), str):
            args["IpAddressType"] = planned["ip_address_type"]
        if self.api_tags(planned):
            args["Tags"] = self.api_tags(planned)
        tg = self.elb.create_target_group(**args, **self._health_args(planned))["TargetGroups"][0]
        self._attributes(tg["TargetGroupArn"], {}, planned)
        return self.read({**planned, "id": tg["TargetGroupArn"]}) or planned

    def _attributes(self, arn: str, prior: State, planned: State) -> None:
        changed = []
        if planned.get("deregistration_delay") != prior.get("deregistration_delay"):
            changed.append(
                {
                    "Key": "deregistration_delay.timeout_seconds",
                    "Value": str(planned["deregistration_delay"]),
                }
            )
        if planned.get("slow_start") != prior.get("slow_start"):
            changed.append(
                {"Key": "slow_start.duration_seconds", "Value": str(planned["slow_start"])}
            )
        if changed:
            self.elb.modify_target_group_attributes(TargetGroupArn=arn, Attributes=changed)

    def read(self, state: State) -> State | None:
        try:
            tg = self.elb.describe_target_groups(TargetGroupArns=[state["id"]])["TargetGroups"][0]
        except Exception as exc:
            if not_found(exc, "TargetGroupNotFound"):
                return None
            raise
        arn = tg["TargetGroupArn"]
        attrs = {
            a["Key"]: a["Value"]
            for a in self.elb.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
        }
        hc = {k: tg.get(api) for k, api in HC_API.items()}
        hc["matcher"] = (tg.get("Matcher") or {}).get("HttpCode")
        out = {
            **state,
            "id": arn,
            "arn": arn,
            "arn_suffix": "targetgroup/" + arn.split(":targetgroup/", 1)[-1],
            "region": self.ctx.region,
            "name": tg["TargetGroupName"],
            "port": tg.get("Port"),
            "protocol": tg.get("Protocol"),
            "protocol_version": tg.get("ProtocolVersion")
            or ("HTTP1" if tg.get("Protocol") in ("HTTP", "HTTPS") else None),
            "vpc_id": tg.get("VpcId"),
            "target_type": tg.get("TargetType", "instance"),
            "ip_address_type": tg.get("IpAddressType", "ipv4"),
            "load_balancer_arns": tg.get("LoadBalancerArns", []),
            "deregistration_delay": attrs.get(
                "deregistration_delay.timeout_seconds", state.get("deregistration_delay")
            ),
            "slow_start": int(
                attrs.get("slow_start.duration_seconds") or state.get("slow_start") or 0
            ),
            "health_check": [hc],
        }
        self.read_tags(out, arn)
        return out

    def update(self, prior: State, planned: State) -> State:
        arn = prior["id"]
        if planned.get("health_check") != prior.get("health_check"):
            self.elb.modify_target_group(TargetGroupArn=arn, **self._health_args(planned))
        self._attributes(arn, prior, planned)
        self.sync_tags(arn, prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.elb.delete_target_group(TargetGroupArn=state["id"])


def _unknown(value: Any) -> bool:
    from harness.tfprovider.values import UNKNOWN

    return value is UNKNOWN


RESOURCES: list[type[Resource]] = [LoadBalancer, TargetGroup]
