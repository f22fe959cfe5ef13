"""A stand-in for Terraform's ``hashicorp/aws`` provider, written in Python.

It implements the resources and data sources a Django-on-ECS-Fargate deployment uses,
with the real provider's names, types, flags and replacement rules, against any AWS
endpoint (the harness's emulator in practice). Terraform reaches it through a
``filesystem_mirror`` the harness writes (see :mod:`harness.terraform.install`).
"""

from __future__ import annotations

PROVIDER_VERSION = "6.25.0"
"""The hashicorp/aws version whose schema the stand-in reproduces (and reports itself as)."""

STANDIN_REVISION = 1
"""Bumped when the stand-in's behaviour changes; recorded as ``stand-in harness provider vN``."""
