"""(a) Every type, attribute and block the stand-in declares matches hashicorp/aws 6.25.0,
and, answering as 5.100.0 (for configurations pinned to 5.x), matches hashicorp/aws 5.100.0.

The references: ``fixtures/aws_schema.json``, extracted by ``extract_schema.py`` from
``@cdktf/provider-aws`` 21.22.1 (generated from hashicorp/aws 6.25.0), and
``fixtures/aws_schema_5.100.0.json``, extracted by ``extract_real_schema.py`` from the real
provider 5.100.0's ``terraform providers schema -json``. A wrong name, type,
required/optional/computed flag, nesting mode or max_items fails here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.tfprovider import registry, versions
from harness.tfprovider.schema import Block, describe

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "aws_schema.json").read_text())
RESOURCES = registry.resources()
DATA_SOURCES = registry.data_sources()
V5_REFERENCE = json.loads((FIXTURES / f"aws_schema_{versions.V5}.json").read_text())
V5_RESOURCES = registry.resources(versions.V5)
V5_DATA_SOURCES = registry.data_sources(versions.V5)


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


def test_the_5x_reference_names_its_source() -> None:
    assert V5_REFERENCE["source"]["generated_from"] == f"hashicorp/aws {versions.V5}"


@pytest.mark.parametrize("type_name", sorted(V5_RESOURCES))
def test_resource_answering_as_5x_matches_5x(type_name: str) -> None:
    ours = describe(V5_RESOURCES[type_name].schema)
    assert mismatches(ours, V5_REFERENCE["resources"][type_name], type_name) == []


@pytest.mark.parametrize("type_name", sorted(V5_DATA_SOURCES))
def test_data_source_answering_as_5x_matches_5x(type_name: str) -> None:
    ours = describe(V5_DATA_SOURCES[type_name].schema)
    reference = V5_REFERENCE["data_sources"][type_name]
    assert mismatches(ours, reference, f"data.{type_name}") == []


def test_answering_as_5x_drops_what_6_0_added() -> None:
    assert RESOURCES["aws_vpc"].schema.attr("region") is not None
    assert V5_RESOURCES["aws_vpc"].schema.attr("region") is None
    assert V5_DATA_SOURCES["aws_region"].schema.attr("region") is None
    assert V5_DATA_SOURCES["aws_region"].schema.attr("name") is not None


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
    assert len(RESOURCES) >= 60
    assert len(DATA_SOURCES) >= 8
    assert total > 850
