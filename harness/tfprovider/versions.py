"""The hashicorp/aws versions the stand-in answers as, and how its schema differs between them.

The stand-in implements 6.25.0. A configuration pinned to 5.x (``~> 5.0``, as many are) must
still init offline, and must be refused what 5.x would refuse; so the stand-in's mirror also
offers 5.100.0, the last 5.x release, whose schema for the types implemented here differs
only as :func:`schema_as` says (checked against the real 5.100.0's own schema by
``tests/tfprovider/test_schema_conformance.py``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from harness.tfprovider import PROVIDER_VERSION
from harness.tfprovider.schema import Attr, Block, Nested

V5 = "5.100.0"
VERSIONS = (PROVIDER_VERSION, V5)
"""Every version the stand-in's mirror offers (the newest first)."""

_ONLY_IN_6 = {"aws_ecs_service": {"arn"}, "aws_s3_bucket": {"bucket_region"},
              "aws_flow_log": {"regional_nat_gateway_id"}}  # fmt: skip
"""Attributes 6.0 added, besides the per-resource ``region`` argument."""
_DEFAULT_IN_5 = {"aws_ecs_service": {"availability_zone_rebalancing": "DISABLED"}}
"""Arguments 5.x gave a default that 6.x leaves to the API (optional and computed there)."""
_RULE_VALUES = {("condition", "path_pattern", "values"), ("condition", "host_header", "values")}
_REQUIRED_IN_5 = {"aws_lb_listener_rule": _RULE_VALUES, "aws_alb_listener_rule": _RULE_VALUES}
_FLAGS_IN_5: dict[str, dict[str, dict[str, Any]]] = {
    # 6.x added regional NAT gateways (no subnet) and made the secondary addresses computed
    "aws_nat_gateway": {
        "subnet_id": {"required": True, "optional": False},
        "secondary_allocation_ids": {"computed": False},
    },
    "aws_route53_zone": {"vpc_id": {"computed": True}},
}
"""Top-level flags 5.100.0 declares differently from 6.x (checked against the real 5.100.0)."""


def major(version: str) -> int:
    return int(version.split(".", 1)[0])


def schema_as(type_name: str, schema: Block, version: str) -> Block:
    """``schema`` (6.x) as hashicorp/aws ``version`` declares it for ``type_name``."""
    if major(version) >= 6:
        return schema
    dropped = {"region", *_ONLY_IN_6.get(type_name, set())}
    attributes = tuple(
        _as_v5(a, type_name) for a in schema.attributes if _kept(a, dropped, type_name)
    )
    blocks = tuple(_required(n, (n.name,), type_name) for n in schema.blocks)
    return dataclasses.replace(schema, attributes=attributes, blocks=blocks)


def _kept(attr: Attr, dropped: set[str], type_name: str) -> bool:
    # aws_s3_bucket's region was computed-only in 5.x (6.0 made it an argument)
    return attr.name not in dropped or (type_name == "aws_s3_bucket" and attr.name == "region")


def _as_v5(attr: Attr, type_name: str) -> Attr:
    if type_name == "aws_s3_bucket" and attr.name == "region":
        return dataclasses.replace(attr, optional=False, computed=True, force_new=False)
    flags = _FLAGS_IN_5.get(type_name, {}).get(attr.name)
    if flags:
        changed: dict[str, Any] = dict(flags)
        return dataclasses.replace(attr, **changed)
    default = _DEFAULT_IN_5.get(type_name, {}).get(attr.name)
    if default is not None:
        return dataclasses.replace(attr, computed=False, default=default)
    return attr


def _required(nested: Nested, path: tuple[str, ...], type_name: str) -> Nested:
    wanted = _REQUIRED_IN_5.get(type_name, set())
    attributes = tuple(
        dataclasses.replace(a, required=True, optional=False, computed=False)
        if (*path, a.name) in wanted
        else a
        for a in nested.block.attributes
    )
    blocks = tuple(_required(n, (*path, n.name), type_name) for n in nested.block.blocks)
    return dataclasses.replace(nested, block=Block(attributes, blocks))
