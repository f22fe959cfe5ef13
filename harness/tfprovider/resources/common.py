"""Attributes and helpers most resources share (tags, region, ARNs, not-found errors)."""

from __future__ import annotations

import json
from typing import Any

from harness.tfprovider.schema import STRING, STRING_MAP, Attr, comp, opt, optc

TAGS: tuple[Attr, ...] = (opt("tags", STRING_MAP), optc("tags_all", STRING_MAP))
REGION = optc("region", STRING, force_new=True)
ID = optc("id", STRING)
ARN = comp("arn", STRING)


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def not_found(exc: Exception, *codes: str) -> bool:
    """Whether a botocore error says the object is gone (so ``read`` returns None)."""
    code = error_code(exc)
    return (
        any(c in code for c in codes)
        or code.endswith("NotFound")
        or code.endswith("NotFoundException")
    )


def json_equal(a: Any, b: Any) -> bool:
    """JSON documents compared by meaning (key order and whitespace do not matter)."""
    try:
        return bool(_policy_canon(json.loads(a)) == _policy_canon(json.loads(b)))
    except (TypeError, ValueError):
        return False


def _policy_canon(doc: Any) -> Any:
    """What IAM policy equivalence ignores: a one-element list vs. its element, and the order
    of values and of statements (hashicorp/aws compares them as sets)."""
    if isinstance(doc, dict):
        return {k: _policy_canon(v) for k, v in doc.items()}
    if isinstance(doc, list):
        items = sorted((_policy_canon(v) for v in doc), key=lambda v: json.dumps(v, sort_keys=True))
        if len(items) == 1 and not isinstance(items[0], dict):
            return items[0]
        return items
    return doc


def compact_json(doc: Any) -> str:
    return json.dumps(doc, separators=(",", ":"))
