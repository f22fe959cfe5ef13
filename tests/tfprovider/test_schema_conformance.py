"""(a) Every type, attribute and block the stand-in declares matches hashicorp/aws 6.25.0.

The reference is ``fixtures/aws_schema.json``, extracted by ``extract_schema.py`` from
``@cdktf/provider-aws`` 21.22.1 (generated from hashicorp/aws 6.25.0). A wrong name, type,
required/optional/computed flag, nesting mode or max_items fails here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.tfprovider import registry
from harness.tfprovider.schema import Block, describe

REFERENCE = json.loads((Path(__file__).parent / "fixtures" / "aws_schema.json").read_text())
RESOURCES = registry.resources()
DATA_SOURCES = registry.data_sources()


def mismatches(ours: dict[str, Any], real: dict[str, Any], where: str) -> list[str]:
    """Every way ``ours`` (a described block) differs from the real block."""
    problems = []
    for name, attr in ours["attributes"].items():
        ref = real["attributes"].get(name)
        if ref is None:
            problems.append(f"{where}.{name}: no such attribute in hashicorp/aws")
            continue
        for key in ("type", "required", "optional", "computed"):
            if attr[key] != ref[key]:
                problems.append(
                    f"{where}.{name}: {key} is {attr[key]!r}, hashicorp/aws says {ref[key]!r}"
                )
    for name, blk in ours["block_types"].items():
        ref = real["block_types"].get(name)
        if ref is None:
            problems.append(f"{where}.{name}: no such block in hashicorp/aws")
            continue
        for key in ("nesting", "min_items", "max_items"):
            if ref[key] is not None and blk[key] != ref[key]:
                problems.append(
                    f"{where}.{name}: {key} is {blk[key]!r}, hashicorp/aws says {ref[key]!r}"
                )
        problems += mismatches(blk["block"], ref["block"], f"{where}.{name}")
    return problems


def counts(b: Block) -> int:
    return len(b.attributes) + sum(counts(n.block) for n in b.blocks)


def test_reference_names_its_source() -> None:
    assert REFERENCE["source"]["package"] == "@cdktf/provider-aws@21.22.1"
    assert REFERENCE["source"]["generated_from"] == "hashicorp/aws 6.25.0"


def test_provider_block_matches() -> None:
    assert mismatches(describe(registry.PROVIDER_SCHEMA), REFERENCE["provider"], "provider") == []


@pytest.mark.parametrize("type_name", sorted(RESOURCES))
def test_resource_matches(type_name: str) -> None:
    assert type_name in REFERENCE["resources"], f"{type_name} is not a hashicorp/aws resource"
    ours = describe(RESOURCES[type_name].schema)
    assert mismatches(ours, REFERENCE["resources"][type_name], type_name) == []


@pytest.mark.parametrize("type_name", sorted(DATA_SOURCES))
def test_data_source_matches(type_name: str) -> None:
    assert type_name in REFERENCE["data_sources"], f"{type_name} is not a hashicorp/aws data source"
    ours = describe(DATA_SOURCES[type_name].schema)
    assert mismatches(ours, REFERENCE["data_sources"][type_name], f"data.{type_name}") == []


@pytest.mark.parametrize("type_name", sorted(RESOURCES))
def test_required_arguments_are_all_implemented(type_name: str) -> None:
    """A configuration valid for hashicorp/aws must not miss a required argument here."""
    real = REFERENCE["resources"][type_name]
    required = {n for n, a in real["attributes"].items() if a["required"]}
    assert required <= {a.name for a in RESOURCES[type_name].schema.attributes}


def test_the_checker_catches_a_wrong_type() -> None:
    ours = describe(RESOURCES["aws_vpc"].schema)
    ours["attributes"]["cidr_block"]["type"] = "number"
    ours["attributes"]["enable_dns_suport"] = ours["attributes"].pop("enable_dns_support")
    found = mismatches(ours, REFERENCE["resources"]["aws_vpc"], "aws_vpc")
    assert any("cidr_block: type" in p for p in found)
    assert any("enable_dns_suport: no such attribute" in p for p in found)


def test_coverage_report() -> None:
    """Every implemented type is checked; the totals go into the closing note."""
    total = sum(counts(c.schema) for c in RESOURCES.values()) + sum(
        counts(c.schema) for c in DATA_SOURCES.values()
    )
    assert len(RESOURCES) >= 24
    assert len(DATA_SOURCES) == 5
    assert total > 350
