"""Data sources: caller identity, region, availability zones, IAM policy document, task definition."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from harness.tfprovider.resource import DataSource, State
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_SET,
    STRINGS,
    block,
    comp,
    nested,
    opt,
    optc,
    req,
)


class CallerIdentity(DataSource):
    type_name = "aws_caller_identity"
    schema = block(
        optc("id", STRING), comp("account_id", STRING), comp("arn", STRING), comp("user_id", STRING)
    )

    def read(self, config: State) -> State:
        who = self.ctx.client("sts").get_caller_identity()
        return {
            "id": who["Account"],
            "account_id": who["Account"],
            "arn": who["Arn"],
            "user_id": who["UserId"],
        }


class Region(DataSource):
    type_name = "aws_region"
    schema = block(
        optc("id", STRING),
        optc("name", STRING),
        optc("region", STRING),
        optc("endpoint", STRING),
        comp("description", STRING),
    )

    def read(self, config: State) -> State:
        region = config.get("region") or config.get("name") or self.ctx.region
        return {
            "id": region,
            "name": region,
            "region": region,
            "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region,
        }


class AvailabilityZones(DataSource):
    type_name = "aws_availability_zones"
    schema = block(
        optc("id", STRING), optc("region", STRING),
        opt("state", STRING), opt("all_availability_zones", BOOL),
        opt("exclude_names", STRING_SET), opt("exclude_zone_ids", STRING_SET),
        comp("names", STRINGS), comp("zone_ids", STRINGS), comp("group_names", STRING_SET),
    )  # fmt: skip

    def read(self, config: State) -> State:
        filters = [{"Name": "state", "Values": [config["state"]]}] if config.get("state") else []
        zones = self.ctx.client("ec2").describe_availability_zones(Filters=filters)[
            "AvailabilityZones"
        ]
        excluded = set(config.get("exclude_names") or []) | set(
            config.get("exclude_zone_ids") or []
        )
        zones = sorted(
            (z for z in zones if z["ZoneName"] not in excluded and z.get("ZoneId") not in excluded),
            key=lambda z: z["ZoneName"],
        )
        return {
            "id": self.ctx.region,
            "region": self.ctx.region,
            "names": [z["ZoneName"] for z in zones],
            "zone_ids": [z.get("ZoneId") for z in zones],
            "group_names": sorted({z.get("GroupName") or self.ctx.region for z in zones}),
        }


PRINCIPALS = (req("type", STRING), req("identifiers", STRING_SET))


class IamPolicyDocument(DataSource):
    type_name = "aws_iam_policy_document"
    schema = block(
        optc("id", STRING), comp("json", STRING), comp("minified_json", STRING),
        opt("version", STRING), opt("policy_id", STRING),
        opt("source_policy_documents", STRINGS), opt("override_policy_documents", STRINGS),
        nested(
            "statement", "list",
            opt("sid", STRING), opt("effect", STRING),
            opt("actions", STRING_SET), opt("not_actions", STRING_SET),
            opt("resources", STRING_SET), opt("not_resources", STRING_SET),
            nested("principals", "set", *PRINCIPALS),
            nested("not_principals", "set", *PRINCIPALS),
            nested("condition", "set", req("test", STRING), req("variable", STRING), req("values", STRINGS)),
        ),
    )  # fmt: skip

    def read(self, config: State) -> State:
        statements: list[dict[str, Any]] = []
        for source in config.get("source_policy_documents") or []:
            statements += _statements(json.loads(source))
        for s in config.get("statement") or []:
            statement = _statement(s)
            statements = [
                x
                for x in statements
                if not (statement.get("Sid") and x.get("Sid") == statement["Sid"])
            ]
            statements.append(statement)
        for override in config.get("override_policy_documents") or []:
            for o in _statements(json.loads(override)):
                statements = [
                    x for x in statements if not (o.get("Sid") and x.get("Sid") == o["Sid"])
                ] + [o]
        doc: dict[str, Any] = {"Version": config.get("version") or "2012-10-17"}
        if config.get("policy_id"):
            doc["Id"] = config["policy_id"]
        doc["Statement"] = statements
        pretty = json.dumps(doc, indent=2)
        return {
            "id": str(int(hashlib.sha256(pretty.encode()).hexdigest()[:8], 16)),
            "json": pretty,
            "minified_json": json.dumps(doc, separators=(",", ":")),
        }


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = doc.get("Statement") or []
    return [found] if isinstance(found, dict) else list(found)


def _one_or_list(values: list[str]) -> Any:
    """As the real data source: a single value is written as a string, several sorted."""
    values = sorted(values, reverse=True)
    return values[0] if len(values) == 1 else values


def _statement(s: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if s.get("sid"):
        out["Sid"] = s["sid"]
    out["Effect"] = s.get("effect") or "Allow"
    for attr, key in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        if s.get(attr):
            out[key] = _one_or_list(list(s[attr]))
    for attr, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if s.get(attr):
            principal: dict[str, Any] = {}
            for p in s[attr]:
                principal.setdefault(p["type"], []).extend(p["identifiers"])
            out[key] = (
                "*"
                if principal == {"*": ["*"]}
                else {k: _one_or_list(v) for k, v in principal.items()}
            )
    if s.get("condition"):
        conditions: dict[str, dict[str, Any]] = {}
        for c in s["condition"]:
            conditions.setdefault(c["test"], {})[c["variable"]] = _one_or_list(list(c["values"]))
        out["Condition"] = conditions
    return out


class EcsTaskDefinition(DataSource):
    type_name = "aws_ecs_task_definition"
    schema = block(
        optc("id", STRING), optc("region", STRING), req("task_definition", STRING),
        comp("arn", STRING), comp("arn_without_revision", STRING), comp("family", STRING),
        comp("revision", NUMBER), comp("status", STRING), comp("network_mode", STRING),
        comp("task_role_arn", STRING), comp("execution_role_arn", STRING),
        comp("container_definitions", STRING), comp("cpu", STRING), comp("memory", STRING),
        comp("requires_compatibilities", STRING_SET),
    )  # fmt: skip

    def read(self, config: State) -> State:
        td = self.ctx.client("ecs").describe_task_definition(
            taskDefinition=config["task_definition"]
        )["taskDefinition"]
        arn = td["taskDefinitionArn"]
        return {
            "id": arn,
            "region": self.ctx.region,
            "arn": arn,
            "arn_without_revision": arn.rsplit(":", 1)[0],
            "family": td["family"],
            "revision": td["revision"],
            "status": td.get("status"),
            "network_mode": td.get("networkMode"),
            "task_role_arn": td.get("taskRoleArn"),
            "execution_role_arn": td.get("executionRoleArn"),
            "container_definitions": json.dumps(td["containerDefinitions"]),
            "cpu": td.get("cpu"),
            "memory": td.get("memory"),
            "requires_compatibilities": td.get("requiresCompatibilities") or [],
        }


DATA_SOURCES: list[type[DataSource]] = [
    CallerIdentity,
    Region,
    AvailabilityZones,
    IamPolicyDocument,
    EcsTaskDefinition,
]
