"""Extract the schema of a real hashicorp/aws (from a filesystem mirror) for the stand-in's types.

    python tests/tfprovider/extract_real_schema.py 5.100.0

runs ``terraform providers schema -json`` with that version (found by
:mod:`harness.terraform.providers`) and writes ``fixtures/aws_schema_<version>.json`` in the
shape of ``aws_schema.json``, for the types the stand-in implements: the reference of the
stand-in answering as that version.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import process
from harness.terraform import binary, providers
from harness.tfprovider import registry

SOURCE = "registry.terraform.io/hashicorp/aws"


def shaped(block: dict[str, Any]) -> dict[str, Any]:
    """Terraform's schema JSON for one block in the fixture's shape."""
    return {
        "attributes": {
            name: {
                "type": a["type"],
                "required": bool(a.get("required")),
                "optional": bool(a.get("optional")),
                "computed": bool(a.get("computed")),
            }
            for name, a in block.get("attributes", {}).items()
        },
        "block_types": {
            name: {
                "nesting": b["nesting_mode"],
                "min_items": b.get("min_items", 0),
                "max_items": b.get("max_items", 0),
                "block": shaped(b["block"]),
            }
            for name, b in block.get("block_types", {}).items()
        },
    }


def extract(version: str) -> dict[str, Any]:
    chosen = providers.select("real")
    tf = binary.locate()
    env = process.child_env({**chosen.env, "CHECKPOINT_DISABLE": "1"})
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.tf").write_text(
            'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", '
            f'version = "{version}" }}\n  }}\n}}\n'
        )
        process.run([*tf.argv, "init", "-input=false"], env=env, cwd=Path(tmp), timeout=600)
        done = process.run(
            [*tf.argv, "providers", "schema", "-json"], env=env, cwd=Path(tmp), timeout=600
        )
    real = json.loads(done.stdout)["provider_schemas"][SOURCE]
    return {
        "source": {
            "generated_from": f"hashicorp/aws {version}",
            "extracted_by": "tests/tfprovider/extract_real_schema.py",
        },
        "provider": shaped(real["provider"]["block"]),
        "resources": {
            n: shaped(real["resource_schemas"][n]["block"]) for n in sorted(registry.resources())
        },
        "data_sources": {
            n: shaped(real["data_source_schemas"][n]["block"])
            for n in sorted(registry.data_sources())
        },
    }


if __name__ == "__main__":
    wanted = sys.argv[1] if len(sys.argv) > 1 else "5.100.0"
    out = Path(__file__).parent / "fixtures" / f"aws_schema_{wanted}.json"
    out.write_text(json.dumps(extract(wanted), indent=1, sort_keys=True) + "\n")
