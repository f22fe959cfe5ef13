"""A DB instance's ``DbiResourceId`` is its own, as in AWS.

moto 5.2.5 gives every DB instance the same ``DbiResourceId`` (``db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U``).
AWS documents it as "the AWS Region-unique, immutable identifier for the DB instance"
(RDS API reference, DBInstance), and the real hashicorp/aws (5.x: the resource's id is the
DbiResourceId) reads an instance back through DescribeDBInstances filtered by
``dbi-resource-id``: with two instances in one account (two bases, or a Terraform and a CDK
base side by side) that answers both, and the provider fails the apply with "reading RDS DB
Instance (...): couldn't find resource". Conformance: ``tests/fidelity/test_rds.py``.
"""

from __future__ import annotations

import functools
import secrets
import string
from typing import Any

from moto.rds import models as moto_models

models: Any = moto_models  # moto's internals, patched at run time: not an API

_ALPHABET = string.ascii_uppercase + string.digits


def install() -> None:
    original = models.DBInstance.__init__

    @functools.wraps(original)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.dbi_resource_id = new_resource_id()

    models.DBInstance.__init__ = init


def new_resource_id() -> str:
    """``db-`` and 26 upper-case letters and digits, the shape RDS gives."""
    return "db-" + "".join(secrets.choice(_ALPHABET) for _ in range(26))
