"""Filling a profile's input templates: ``"{settings.task_cpu}"`` -> ``256``.

A template is a TOML value. A string that is one placeholder, ``"{NAME}"`` or
``"{NAME|FILTER}"``, becomes the placeholder's value with its type (a number, a map), so a
Terraform variable gets what its ``type`` says; placeholders inside a longer string are
written as text. Tables and arrays are filled element by element; other values are taken
as they are. Placeholders:

- ``{region}`` ``{base}`` ``{account}`` ``{run_tags}`` (a map: the run's tags on a sandbox
  account, else empty), ``{domain}`` and ``{certificate_arn}`` (a profile's ``[requires]``:
  :mod:`harness.profiles.requires`) in every layer;
- ``{env}`` ``{strategy}`` ``{image_repository}`` ``{image_tag}`` ``{base_state_path}`` (the
  base layer's Terraform state file) ``{commands}`` (the app's container commands; the input
  is left out when the app has none) and ``{settings.FIELD}`` (an ``AppSettings`` field) in
  the app layer only.

Filters: ``null_if_empty`` (``""`` becomes null: a Terraform variable's default applies),
``json`` (the value as JSON text), ``name_value_list`` (a map as ``[{name, value}, ...]``, sorted
by name: the shape of ECS container environments, e.g. for ``settings.web_environment``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from enum import Enum
from typing import Any

from harness.drivers.base import AppSettings

BASE_PLACEHOLDERS = frozenset(
    {"region", "base", "account", "run_tags", "domain", "certificate_arn"}
)
APP_PLACEHOLDERS = BASE_PLACEHOLDERS | {
    "env",
    "strategy",
    "image_repository",
    "image_tag",
    "base_state_path",
    "commands",
}
SETTINGS_FIELDS = frozenset(f.name for f in fields(AppSettings))
FILTERS = frozenset({"null_if_empty", "json", "name_value_list"})
PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)(?:\|(\w+))?\}")


class _Absent:
    """A placeholder without a value here (``{commands}`` of an app that has none)."""


ABSENT = _Absent()


def placeholders(template: Any) -> list[tuple[str, str | None]]:
    """Every ``(name, filter)`` a template uses."""
    if isinstance(template, str):
        return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(template)]
    if isinstance(template, Mapping):
        return [p for v in template.values() for p in placeholders(v)]
    if isinstance(template, list):
        return [p for v in template for p in placeholders(v)]
    return []


def problems(template: Any, allowed: frozenset[str]) -> list[str]:
    """What is wrong with the placeholders of ``template`` (empty: nothing)."""
    found = []
    for name, filt in placeholders(template):
        if name.startswith("settings."):
            if name.removeprefix("settings.") not in SETTINGS_FIELDS:
                found.append(f"{{{name}}} is no AppSettings field; choose from "
                             f"{', '.join(sorted(SETTINGS_FIELDS))}")  # fmt: skip
            elif "settings" not in allowed:
                found.append(f"{{{name}}} is an app-layer value, not known in this layer")
        elif name not in allowed:
            found.append(f"unknown placeholder {{{name}}}; choose from "
                         f"{', '.join(sorted(allowed - {'settings'}))}, settings.FIELD")  # fmt: skip
        if filt is not None and filt not in FILTERS:
            found.append(f"unknown filter |{filt} in {{{name}|{filt}}}; choose from "
                         f"{', '.join(sorted(FILTERS))}")  # fmt: skip
    return found


def typed(value: Any) -> Any:
    """A harness value as an input takes it: enums by value, pairs as a map."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return dict(value)
    return value


def app_values(settings: AppSettings, common: Mapping[str, Any]) -> dict[str, Any]:
    """The placeholders of the app layer for ``settings`` (``common``: region, account...)."""
    values = {**common, "env": settings.env, "base": settings.base}
    values |= {"strategy": settings.strategy.value, "image_repository": settings.image_repository,
               "image_tag": settings.image_tag}  # fmt: skip
    values |= {f"settings.{f}": typed(getattr(settings, f)) for f in SETTINGS_FIELDS}
    return values


def render(template: Any, values: Mapping[str, Any]) -> Any:
    """``template`` filled from ``values`` (a placeholder without a value: :data:`ABSENT`)."""
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template)
        if whole:
            return _filtered(values.get(whole.group(1), ABSENT), whole.group(2))

        def text(m: re.Match[str]) -> str:
            value = _filtered(values.get(m.group(1), ABSENT), m.group(2))
            return value if isinstance(value, str) else json.dumps(value, sort_keys=True)

        return PLACEHOLDER.sub(text, template)
    if isinstance(template, Mapping):
        filled = {k: render(v, values) for k, v in template.items()}
        return {k: v for k, v in filled.items() if v is not ABSENT}
    if isinstance(template, list):
        return [render(v, values) for v in template]
    return template


def render_inputs(templates: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of a layer: each template filled; those whose value is absent left out."""
    filled = render(templates, values)
    assert isinstance(filled, dict)
    return filled


def as_context(inputs: Mapping[str, Any]) -> dict[str, str]:
    """Inputs as CDK context values, which are text: numbers as digits, maps as JSON, null as ""."""
    out = {}
    for key, value in inputs.items():
        if isinstance(value, str):
            out[key] = value
        elif value is None:
            out[key] = ""
        elif isinstance(value, bool | dict | list):
            out[key] = json.dumps(value, sort_keys=True)
        else:
            out[key] = str(value)
    return out


def _filtered(value: Any, filt: str | None) -> Any:
    if value is ABSENT or filt is None:
        return value
    if filt == "null_if_empty":
        return None if value in ("", {}, []) else value
    if filt == "name_value_list":
        return [{"name": k, "value": v} for k, v in sorted(dict(value).items())]
    return json.dumps(value, sort_keys=True)  # json
