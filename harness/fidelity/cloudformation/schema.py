"""Replacement semantics from the resource provider schemas that cfn-lint ships.

A property listed in a type's ``createOnlyProperties`` cannot change in place: CloudFormation
replaces the resource (cfn-lint ships the resource provider schemas: the source for replacement).
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _schemas_dir() -> Path:
    # Found, not imported: importing any cfnlint module runs cfnlint/__init__.py, which
    # imports the whole linter (seconds of the emulator's CPU) for a few JSON files.
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cfn-lint is not installed: the emulator needs its schemas")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"


@cache
def _provider_index(region: str) -> dict[str, str]:
    path = _schemas_dir() / "providers" / f"{region}.json"
    if not path.exists():
        path = _schemas_dir() / "providers" / "us-east-1.json"
    index: dict[str, str] = json.loads(path.read_text())
    return index


@cache
def resource_schema(resource_type: str, region: str = "us-east-1") -> dict[str, Any]:
    """The provider schema of ``resource_type`` ({} for types cfn-lint does not know)."""
    key = _provider_index(region).get(resource_type)
    if key is None:
        return {}
    schema: dict[str, Any] = json.loads((_schemas_dir() / "resources" / f"{key}.json").read_text())
    return schema


@cache
def create_only_properties(resource_type: str) -> frozenset[str]:
    """Top-level property names whose change replaces the resource."""
    return frozenset(path[0] for path in create_only_paths(resource_type) if len(path) == 1)


@cache
def create_only_paths(resource_type: str) -> tuple[tuple[str, ...], ...]:
    """Create-only property paths, nested ones included (``/properties/A/B``)."""
    paths = resource_schema(resource_type).get("createOnlyProperties", [])
    return tuple(tuple(p.split("/")[2:]) for p in paths if p.startswith("/properties/"))


@cache
def primary_identifiers(resource_type: str) -> frozenset[str]:
    """Names of the properties that identify a resource of the type (its Ref, usually)."""
    paths = resource_schema(resource_type).get("primaryIdentifier", [])
    return frozenset(p.split("/")[-1] for p in paths if p.startswith("/properties/"))


def replacing_properties(
    resource_type: str, old: dict[str, Any], new: dict[str, Any], changed: set[str]
) -> set[str]:
    """The changed top-level properties whose change replaces the resource."""
    replacing = changed & create_only_properties(resource_type)
    for path in create_only_paths(resource_type):
        if len(path) > 1 and path[0] in changed and _at(old, path) != _at(new, path):
            replacing.add(path[0])
    return replacing


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
