"""CloudFormation property shapes to AWS API shapes: ``PascalCase`` keys to ``camelCase``."""

from __future__ import annotations

from typing import Any

# Keys whose values are free-form maps: their own keys belong to the user, not the schema.
FREE_FORM = frozenset({"Options", "DockerLabels", "DriverOpts", "Labels", "SecretOptions"})


def camel(value: Any) -> Any:
    """Convert keys recursively, leaving free-form maps as they are."""
    if isinstance(value, list):
        return [camel(v) for v in value]
    if not isinstance(value, dict):
        return value
    converted: dict[str, Any] = {}
    for key, item in value.items():
        name = key[:1].lower() + key[1:]
        converted[name] = item if key in FREE_FORM and isinstance(item, dict) else camel(item)
    return converted


def api_tags(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """CloudFormation ``[{Key, Value}]`` tags as the lower-case ``[{key, value}]`` ECS uses."""
    return [{"key": t["Key"], "value": t["Value"]} for t in tags or []]
