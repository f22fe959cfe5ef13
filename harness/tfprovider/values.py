"""Values as they cross the plugin protocol: msgpack, with an unknown marker.

An object sent to Terraform must carry every attribute of its type (null where unset);
:func:`conform` fills them in. :func:`equal` compares two values by their type (sets
ignore order), which is what "changed" means to Terraform.
"""

from __future__ import annotations

import json
from typing import Any

import msgpack  # type: ignore[import-untyped]
from tf.types import Unknown

from harness.tfprovider.schema import Block

UNKNOWN: Any = Unknown


def _default(obj: Any) -> Any:
    if obj is UNKNOWN:
        return msgpack.ExtType(0, b"\x00")
    raise TypeError(f"cannot encode {type(obj).__name__} {obj!r}")


def _ext(code: int, data: bytes) -> Any:
    # 0: unknown; 12: unknown with refinements (a known prefix, not null, ...): still unknown
    if code in (0, 12):
        return UNKNOWN
    return msgpack.ExtType(code, data)


def decode(dv: Any) -> Any:
    """A ``DynamicValue`` as Python values."""
    if dv.json:
        return json.loads(dv.json)
    if dv.msgpack:
        return msgpack.unpackb(dv.msgpack, ext_hook=_ext)
    return None


def encode(value: Any) -> Any:
    from tf.gen import tfplugin_pb2 as pb

    return pb.DynamicValue(msgpack=msgpack.packb(value, default=_default))


def conform(b: Block, value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``value`` with exactly the attributes and blocks of ``b`` (missing ones null/empty)."""
    if value is None:
        return None
    out: dict[str, Any] = {}
    for a in b.attributes:
        out[a.name] = conform_type(a.type, value.get(a.name))
    for n in b.blocks:
        v = value.get(n.name)
        if v is UNKNOWN:
            out[n.name] = v
        elif n.nesting == "single":
            out[n.name] = conform(n.block, v) if v else None
        else:
            out[n.name] = [conform(n.block, item) for item in (v or [])]
    return out


def conform_type(t: Any, v: Any) -> Any:
    if v is None or v is UNKNOWN:
        return v
    if t == "number":
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else _number(v)
    if t == "string":
        return v if isinstance(v, str) else json.dumps(v) if isinstance(v, (dict, list)) else str(v)
    if t == "bool":
        return bool(v)
    kind, inner = t
    if kind in ("list", "set"):
        return [conform_type(inner, x) for x in v]
    if kind == "map":
        return {k: conform_type(inner, x) for k, x in v.items()}
    if kind == "object":
        return {k: conform_type(it, v.get(k)) for k, it in inner.items()}
    raise ValueError(f"unsupported type {t!r}")


def _number(v: Any) -> int | float:
    f = float(v)
    return int(f) if f.is_integer() else f


def equal(t: Any, a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same value of type ``t`` (unknown equals nothing)."""
    if a is UNKNOWN or b is UNKNOWN:
        return False
    if a is None or b is None:
        return a is None and b is None
    if isinstance(t, list) and t[0] == "set":
        return bool(_canon(a) == _canon(b))
    return bool(_canon_ordered(a) == _canon_ordered(b))


def _canon(v: Any) -> Any:
    """Order-free canonical form of a set (and of any sets nested in it)."""
    return sorted(json.dumps(x, sort_keys=True, default=str) for x in v)


def _canon_ordered(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)
