"""Planning a change the way terraform-plugin-sdk v2 (which hashicorp/aws uses) does.

Terraform core proposes a new state (configuration merged with prior state); the provider
fills in defaults, marks what the API will compute as unknown on create, and names the
changed attributes that force a new resource.
"""

from __future__ import annotations

from typing import Any

from harness.tfprovider.schema import Attr, Block, Nested
from harness.tfprovider.values import UNKNOWN, conform, equal

Path = list[Any]


def plan_create(b: Block, proposed: dict[str, Any]) -> dict[str, Any]:
    """The planned state of a new object: defaults applied, computed values unknown."""
    out = dict(proposed)
    for a in b.attributes:
        value = out.get(a.name)
        if value is None:
            if a.default is not None:
                out[a.name] = a.default
            elif a.computed:
                out[a.name] = UNKNOWN
    for n in b.blocks:
        out[n.name] = _map_block(n, out.get(n.name), plan_create)
    return conform(b, out) or {}


def plan_update(b: Block, prior: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
    """The planned state of an existing object: defaults applied; computed values kept."""
    out = dict(proposed)
    for a in b.attributes:
        if out.get(a.name) is None and a.default is not None and not a.computed:
            out[a.name] = a.default
    for n in b.blocks:
        out[n.name] = _map_block(n, out.get(n.name), plan_create_nested)
    return conform(b, out) or {}


def plan_create_nested(b: Block, value: dict[str, Any]) -> dict[str, Any]:
    """Inside blocks of an update, only defaults apply (their computed values stay)."""
    out = dict(value)
    for a in b.attributes:
        if out.get(a.name) is None and a.default is not None:
            out[a.name] = a.default
    for n in b.blocks:
        out[n.name] = _map_block(n, out.get(n.name), plan_create_nested)
    return out


def _map_block(n: Nested, value: Any, fn: Any) -> Any:
    if value is None or value is UNKNOWN:
        return value
    if n.nesting == "single":
        return fn(n.block, value)
    return [fn(n.block, v) if isinstance(v, dict) else v for v in value]


def replace_paths(b: Block, prior: dict[str, Any], planned: dict[str, Any]) -> list[Path]:
    """Attribute paths whose change forces a new resource (``ForceNew`` in the real provider)."""
    paths: list[Path] = []
    for a in b.attributes:
        if a.force_new and _changed(a, prior.get(a.name), planned.get(a.name)):
            paths.append([a.name])
    for n in b.blocks:
        if n.force_new and not equal(_block_type(n), prior.get(n.name), planned.get(n.name)):
            paths.append([n.name])
    return paths


def _changed(a: Attr, before: Any, after: Any) -> bool:
    if a.computed and after is UNKNOWN:
        return False  # the API decides; nothing the configuration changed
    return not equal(a.type, before, after)


def _block_type(n: Nested) -> Any:
    fields: dict[str, Any] = {a.name: a.type for a in n.block.attributes}
    for inner in n.block.blocks:
        fields[inner.name] = _block_type(inner)
    obj = ["object", fields]
    if n.nesting == "single":
        return obj
    return [n.nesting, obj]
