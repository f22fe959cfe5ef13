"""Pointing any Terraform configuration's ``aws`` provider at an endpoint, as LocalStack's tflocal does.

An override file (``*_override.tf``) merges into every ``provider "aws"`` block the
configuration declares (aliases included); a configuration with none gets a plain provider
block. Both the real ``hashicorp/aws`` and the stand-in honour these arguments, and both
also read ``AWS_ENDPOINT_URL`` from the environment for services not listed here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from harness.endpoint import Endpoint

OVERRIDE_FILE = "zz_harness_endpoint_override.tf"
PROVIDER_FILE = "zz_harness_endpoint_provider.tf"
SERVICES = (
    "ec2",
    "ecr",
    "ecs",
    "elbv2",
    "iam",
    "logs",
    "rds",
    "s3",
    "secretsmanager",
    "ssm",
    "sts",
)

_PROVIDER = re.compile(r'^\s*provider\s+"aws"\s*\{', re.M)
_ALIAS = re.compile(r'^\s*alias\s*=\s*"([^"]+)"', re.M)
_USES_AWS = re.compile(r'^\s*(resource|data)\s+"aws_', re.M)


def provider_aliases(text: str) -> list[str | None]:
    """The alias of each ``provider "aws"`` block in ``text`` (None for the default one)."""
    found: list[str | None] = []
    for match in _PROVIDER.finditer(text):
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        body = text[match.end() : end]
        top_level = re.sub(r"\{[^{}]*\}", "", body)  # nested blocks may not hold the alias
        alias = _ALIAS.search(top_level)
        found.append(alias.group(1) if alias else None)
    return found


def provider_block(endpoint: Endpoint, alias: str | None) -> str:
    # No access_key / secret_key: credentials reach the provider through the environment
    # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never through a file in a working copy.
    lines = [
        'provider "aws" {',
        *([f"  alias = {json.dumps(alias)}"] if alias else []),
        f"  region                      = {json.dumps(endpoint.region)}",
        "  s3_use_path_style           = true",
        "  skip_credentials_validation = true",
        "  skip_metadata_api_check     = true",
        "  endpoints {",
        *(f"    {s:<5} = {json.dumps(endpoint.url)}" for s in SERVICES),
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def write(workdir: Path, endpoint: Endpoint) -> Path | None:
    """Write the override (or provider) file into ``workdir``; None if nothing needs it."""
    if not endpoint.url:
        return None
    text = "\n".join(
        p.read_text(errors="replace") for p in sorted(workdir.glob("*.tf")) if not _ours(p)
    )
    aliases = provider_aliases(text)
    if aliases:
        path = workdir / OVERRIDE_FILE
        body = "\n".join(provider_block(endpoint, a) for a in aliases)
    elif _USES_AWS.search(text):
        path = workdir / PROVIDER_FILE
        body = provider_block(endpoint, None)
    else:
        return None
    path.write_text("# Written by `python -m harness tf`; removed when it finishes.\n" + body)
    return path


def _ours(path: Path) -> bool:
    return path.name in (OVERRIDE_FILE, PROVIDER_FILE)
