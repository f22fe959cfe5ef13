"""Dynamic references: ``{{resolve:ssm:name}}`` and ``{{resolve:secretsmanager:...}}``.

CloudFormation resolves them when it calls the resource's API, not in the template it
keeps: diffs compare the reference text, so a rotated secret does not change the resource
("Get values stored in other services using dynamic references", CloudFormation User
Guide). CDK uses them for RDS master passwords from generated secrets.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.fidelity.cloudformation.errors import ResourceFailed
from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import ResourceContext

_REFERENCE = re.compile(r"\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]*)\}\}")


def resolve(ctx: ResourceContext, value: Any) -> Any:
    """``value`` with every dynamic reference replaced by what it refers to."""
    if isinstance(value, str):
        return _REFERENCE.sub(lambda m: _lookup(ctx, m.group(1), m.group(2)), value)
    if isinstance(value, list):
        return [resolve(ctx, v) for v in value]
    if isinstance(value, dict):
        return {k: resolve(ctx, v) for k, v in value.items()}
    return value


def _lookup(ctx: ResourceContext, service: str, reference: str) -> str:
    try:
        if service.startswith("ssm"):
            name, _, version = reference.partition(":")
            wanted = f"{name}:{version}" if version else name
            ssm = client("ssm", ctx.account, ctx.region)
            return str(ssm.get_parameter(Name=wanted, WithDecryption=True)["Parameter"]["Value"])
        return _secret(ctx, reference)
    except ResourceFailed:
        raise
    except Exception as exc:
        raise ResourceFailed(
            f"Could not resolve dynamic reference {service}:{reference}: {exc}"
        ) from exc


def _secret(ctx: ResourceContext, reference: str) -> str:
    # secret-id may be an ARN (it has colons): arn:aws:secretsmanager:r:a:secret:name-XXXX
    parts = reference.split(":")
    if reference.startswith("arn:"):
        secret_id, rest = ":".join(parts[:7]), parts[7:]
    else:
        secret_id, rest = parts[0], parts[1:]
    json_key = rest[1] if len(rest) > 1 else ""
    stage = rest[2] if len(rest) > 2 and rest[2] else None
    version = rest[3] if len(rest) > 3 and rest[3] else None
    request: dict[str, Any] = {"SecretId": secret_id}
    if stage:
        request["VersionStage"] = stage
    if version:
        request["VersionId"] = version
    text = client("secretsmanager", ctx.account, ctx.region).get_secret_value(**request)[
        "SecretString"
    ]
    if not json_key:
        return str(text)
    value = json.loads(text)[json_key]
    return str(value)
