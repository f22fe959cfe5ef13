"""A stand-in for Terraform's ``hashicorp/aws`` provider, written in Python.

It implements the resources and data sources a Django-on-ECS-Fargate deployment uses,
with the real provider's names, types, flags and replacement rules, against any AWS
endpoint (the harness's emulator in practice). Terraform reaches it through a
``filesystem_mirror`` the harness writes (see :mod:`harness.terraform.install`).

    plugin.py     the process Terraform starts (go-plugin handshake, gRPC server)
    server.py     tfplugin6: schema, plan (SDK v2 rules, plan.py), apply, read, import
    schema.py     how a type declares its schema (attributes flagged as hashicorp/aws flags them)
    context.py    the provider block: region, endpoints, credentials, default tags, API clients
    resources/    one module per AWS area; each type is a Resource (create/read/update/delete,
                  optional plan and equivalent hooks) listed in its module's RESOURCES

Adding a type: declare only what you implement (Terraform then rejects any other argument by
name), mark ``force_new`` as the real provider's ForceNew, register it in ``registry.py``, add it
to ``tests/tfprovider/extract_schema.py`` and re-extract the fixture; the schema conformance test
then checks every name, type and flag against hashicorp/aws. Record the type's ForceNew set,
read from the real provider's Go source (file and commit), in
``tests/tfprovider/extract_force_new.py`` and rerun it; ``test_force_new_conformance.py`` then
checks every ``force_new`` mark against it.
"""

from __future__ import annotations

PROVIDER_VERSION = "6.25.0"
"""The hashicorp/aws version whose schema the stand-in reproduces (and reports itself as)."""

STANDIN_REVISION = 5
"""Bumped when the stand-in's behaviour changes; recorded as ``stand-in harness provider vN``."""
