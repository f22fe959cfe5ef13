"""Bucket policies with conditions: what CDK's bootstrap bucket needs from moto's S3.

The bootstrap template's bucket policy denies every request where ``aws:SecureTransport`` is
false. moto ignores conditions ("Conditions are not taken into account", moto.s3.models
put_bucket_policy), so that conditional Deny becomes unconditional and ``cdk deploy``
cannot upload a template. A statement moto cannot evaluate must not apply unconditionally:
we leave conditional statements out of moto's evaluation. (The emulator stands in for
AWS's HTTPS endpoints, so the SecureTransport deny would not match anyway.)
"""

from __future__ import annotations

import json
from typing import Any


def install() -> None:
    from moto.s3.models import FakeBucket

    original = FakeBucket.get_permission

    def get_permission(self: Any, action: str, resource: str) -> Any:
        policy = self.policy
        if policy is None:
            return original(self, action, resource)
        unconditional = _without_conditions(policy)
        self.policy = unconditional
        try:
            return original(self, action, resource)
        finally:
            self.policy = policy

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


def _without_conditions(policy: bytes) -> bytes | None:
    try:
        document = json.loads(policy)
    except ValueError:
        return policy
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    kept = [s for s in statements if "Condition" not in s]
    if not kept:
        return None
    return json.dumps({**document, "Statement": kept}).encode()
