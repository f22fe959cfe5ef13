"""How a resource of the stand-in provider declares its schema, and its wire form.

Types are cty type expressions as Terraform writes them in JSON: ``"string"``,
``["list", "string"]``, ``["set", ["object", {...}]]``. Every attribute also says what the
real provider says about it beyond the schema Terraform sees: whether changing it forces a
new resource (``force_new``) and its default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

STRING = "string"
NUMBER = "number"
BOOL = "bool"
STRINGS = ["list", STRING]
STRING_SET = ["set", STRING]
STRING_MAP = ["map", STRING]


@dataclass(frozen=True, slots=True)
class Attr:
    """One attribute, flagged exactly as hashicorp/aws flags it."""

    name: str
    type: Any
    required: bool = False
    optional: bool = False
    computed: bool = False
    force_new: bool = False
    default: Any = None
    sensitive: bool = False


def req(name: str, type_: Any, *, force_new: bool = False) -> Attr:
    return Attr(name, type_, required=True, force_new=force_new)


def opt(name: str, type_: Any, *, force_new: bool = False, default: Any = None) -> Attr:
    return Attr(name, type_, optional=True, force_new=force_new, default=default)


def optc(name: str, type_: Any, *, force_new: bool = False) -> Attr:
    """Optional and computed: the API fills it in when the configuration leaves it out."""
    return Attr(name, type_, optional=True, computed=True, force_new=force_new)


def comp(name: str, type_: Any) -> Attr:
    return Attr(name, type_, computed=True)


@dataclass(frozen=True, slots=True)
class Block:
    attributes: tuple[Attr, ...]
    blocks: tuple[Nested, ...] = ()

    def attr(self, name: str) -> Attr | None:
        return next((a for a in self.attributes if a.name == name), None)

    def nested(self, name: str) -> Nested | None:
        return next((b for b in self.blocks if b.name == name), None)


@dataclass(frozen=True, slots=True)
class Nested:
    """A nested block: ``nesting`` is ``list``, ``set`` or ``single``."""

    name: str
    nesting: str
    block: Block
    min_items: int = 0
    max_items: int = 0
    force_new: bool = False


def block(*items: Attr | Nested) -> Block:
    return Block(
        tuple(i for i in items if isinstance(i, Attr)),
        tuple(i for i in items if isinstance(i, Nested)),
    )


def nested(name: str, nesting: str, *items: Attr | Nested, **kw: Any) -> Nested:
    return Nested(name, nesting, block(*items), **kw)


# --- wire form ---------------------------------------------------------------------------


def to_pb(schema: Block, version: int = 0) -> Any:
    from tf.gen import tfplugin_pb2 as pb

    return pb.Schema(version=version, block=_block_pb(schema))


def _block_pb(b: Block) -> Any:
    from tf.gen import tfplugin_pb2 as pb

    modes = {
        "list": pb.Schema.NestedBlock.NestingMode.LIST,
        "set": pb.Schema.NestedBlock.NestingMode.SET,
        "single": pb.Schema.NestedBlock.NestingMode.SINGLE,
    }
    return pb.Schema.Block(
        attributes=[
            pb.Schema.Attribute(
                name=a.name,
                type=json.dumps(a.type).encode(),
                required=a.required,
                optional=a.optional,
                computed=a.computed,
                sensitive=a.sensitive,
            )
            for a in b.attributes
        ],
        block_types=[
            pb.Schema.NestedBlock(
                type_name=n.name,
                block=_block_pb(n.block),
                nesting=modes[n.nesting],
                min_items=n.min_items,
                max_items=n.max_items,
            )
            for n in b.blocks
        ],
    )


def describe(b: Block) -> dict[str, Any]:
    """The schema in the fixture's JSON shape (for the conformance test)."""
    return {
        "attributes": {
            a.name: {
                "type": a.type,
                "required": a.required,
                "optional": a.optional,
                "computed": a.computed,
            }
            for a in b.attributes
        },
        "block_types": {
            n.name: {
                "nesting": n.nesting,
                "min_items": n.min_items,
                "max_items": n.max_items,
                "block": describe(n.block),
            }
            for n in b.blocks
        },
    }
