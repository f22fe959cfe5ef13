"""Start-up stays lean: Terraform starts the provider 3-5 times per command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from harness import process
from harness.paths import REPO_ROOT

ROOT = REPO_ROOT
PROBE = (
    "import sys; from harness.tfprovider.server import Servicer; Servicer(); "
    "import json; print(json.dumps(sorted(m for m in ('boto3', 'botocore', 'cryptography', 'moto') if m in sys.modules)))"
)


def test_serving_the_schema_imports_no_aws_sdk() -> None:
    """botocore (~0.3 s) loads only when a resource first calls the API; cryptography only
    when the TLS certificate must be generated; boto3 and moto never."""
    done = process.run(
        [sys.executable, "-c", PROBE], env=process.child_env({"PYTHONPATH": str(ROOT)})
    )
    assert json.loads(done.stdout) == []


def test_schema_is_served_from_the_declared_types() -> None:
    from harness.tfprovider.server import Servicer

    response = Servicer().GetProviderSchema(None, None)
    assert "aws_ecs_service" in response.resource_schemas
    assert "aws_iam_policy_document" in response.data_source_schemas
    types = {
        a.name: json.loads(a.type)
        for a in response.resource_schemas["aws_ecs_service"].block.attributes
    }
    assert types["desired_count"] == "number"
    nested = {
        b.type_name: b for b in response.resource_schemas["aws_ecs_service"].block.block_types
    }
    assert nested["network_configuration"].max_items == 1


def test_certificate_is_made_once_and_renewed_before_expiry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.tfprovider import certificate

    monkeypatch.setattr(certificate, "CACHE", tmp_path / "cert.json")
    first = certificate.load_or_create()
    assert certificate.load_or_create() == first, "reused from the cache"
    record = json.loads((tmp_path / "cert.json").read_text())
    record["not_after"] = 0
    (tmp_path / "cert.json").write_text(json.dumps(record))
    assert certificate.load_or_create() != first, "an expiring certificate is replaced"
    assert first[1].startswith(b"-----BEGIN PRIVATE KEY-----")
