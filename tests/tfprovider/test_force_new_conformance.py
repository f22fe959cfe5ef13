"""(a') Every attribute the stand-in marks ``force_new`` is one hashicorp/aws marks ForceNew
(SDKv2) or RequiresReplace (Plugin Framework), and the other way round, for the attributes
the stand-in declares.

The reference, ``fixtures/force_new_5.x.json``, was read from the real provider's Go source
(file and commit per type) by ``extract_force_new.py``. Cheap: no Terraform run. The source
index holds several versions of each file and hands back one; the commit read is recorded per
type, and where it lacked an attribute the stand-in declares, the fixture's note says where
that attribute's mark came from. Both answering versions are checked (5.100.0 and 6.25.0);
6.x's ``region`` argument is injected by the provider's framework, not declared in the
resource's source file, so it is out of scope here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.tfprovider import PROVIDER_VERSION, registry, versions
from harness.tfprovider.schema import Block

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "force_new_5.x.json").read_text())
TYPES: dict[str, dict[str, object]] = FIXTURE["types"]
V5 = registry.resources(versions.V5)
CURRENT = registry.resources()
OUT_OF_SCOPE = {"region"}

# Where the stand-in deliberately differs from the source: type -> {path: reason}.
EXCEPTIONS: dict[str, dict[str, str]] = {
    "aws_ecs_service": {
        "deployment_controller": "the planner (plan.replace_paths) checks ForceNew on top-level "
        "attributes and whole blocks only; `type`, the block's only attribute, is ForceNew in "
        "hashicorp/aws, so marking the block plans the same replacement",
    },
}


def declared(b: Block, prefix: str = "") -> dict[str, bool]:
    """Every attribute and nested block path the stand-in declares, with its force_new mark."""
    out: dict[str, bool] = {}
    for a in b.attributes:
        out[prefix + a.name] = a.force_new
    for n in b.blocks:
        out[prefix + n.name] = n.force_new
        out.update(declared(n.block, f"{prefix}{n.name}."))
    return out


def test_fixture_names_its_source() -> None:
    assert FIXTURE["repository"] == "hashicorp/terraform-provider-aws"
    for name, entry in TYPES.items():
        assert str(entry["source"]).startswith("internal/service/"), name
        assert len(str(entry["commit"])) == 40, name


@pytest.mark.parametrize("version", [versions.V5, PROVIDER_VERSION])
@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_force_new_matches_source(type_name: str, version: str) -> None:
    types = V5 if version == versions.V5 else CURRENT
    assert type_name in types, f"{type_name} is not a stand-in resource type"
    ours = {k: v for k, v in declared(types[type_name].schema).items() if k not in OUT_OF_SCOPE}
    real = set(TYPES[type_name]["force_new"])  # type: ignore[call-overload]
    skip = EXCEPTIONS.get(type_name, {})
    problems = [
        f"{path}: stand-in force_new={mark}, hashicorp/aws ForceNew={path in real}"
        for path, mark in sorted(ours.items())
        if path not in skip and mark != (path in real)
    ]
    assert problems == []


def test_exceptions_are_still_differences() -> None:
    """An exception that no longer differs is stale: remove it."""
    for type_name, paths in EXCEPTIONS.items():
        ours = declared(V5[type_name].schema)
        real = set(TYPES[type_name]["force_new"])  # type: ignore[call-overload]
        for path in paths:
            assert ours.get(path) != (path in real), f"{type_name}.{path}"


def test_every_standin_type_is_checked() -> None:
    assert sorted(set(V5) - set(TYPES)) == []
