"""Dependencies between a template's resources: Ref, Fn::GetAtt, Fn::Sub and DependsOn."""

from __future__ import annotations

import re
from graphlib import CycleError, TopologicalSorter
from typing import Any

from harness.fidelity.cloudformation.errors import ValidationError

_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def references(value: Any) -> set[str]:
    """Names that ``value`` refers to through Ref, Fn::GetAtt and Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                target = arg.split(".", 1)[0] if isinstance(arg, str) else arg[0]
                if isinstance(target, str):
                    found.add(target)
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                local = set(arg[1]) if isinstance(arg, list) and len(arg) > 1 else set()
                found |= {m.split(".", 1)[0] for m in _SUB_VAR.findall(text)} - local
                if isinstance(arg, list) and len(arg) > 1:
                    found |= references(arg[1])
            else:
                found |= references(arg)
    return found


def dependencies(resources: dict[str, Any]) -> dict[str, set[str]]:
    """For each resource, the resources of the same template it depends on."""
    graph: dict[str, set[str]] = {}
    for logical_id, spec in resources.items():
        refs = references({k: v for k, v in spec.items() if k != "DependsOn"})
        depends_on = spec.get("DependsOn", [])
        refs |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        graph[logical_id] = {r for r in refs if r in resources and r != logical_id}
    return graph


def creation_order(resources: dict[str, Any]) -> list[str]:
    """Resources in an order where each comes after everything it depends on."""
    try:
        return list(TopologicalSorter(dependencies(resources)).static_order())
    except CycleError as exc:
        raise ValidationError(f"Circular dependency between resources: {exc.args[1]}") from exc
