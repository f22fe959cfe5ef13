"""What an update would do, resource by resource: the Changes of a change set.

CloudFormation compares each resource's resolved properties with the ones it last applied.
Unchanged: left alone. Changed create-only property (from the provider schema): replaced.
Otherwise: modified in place. Values that depend on a resource being created or replaced
are not known yet; CloudFormation reports them as Dynamic, and a create-only property that
might change as Replacement "Conditional".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from harness.fidelity.cloudformation.evaluation import Evaluation
from harness.fidelity.cloudformation.graph import creation_order
from harness.fidelity.cloudformation.intrinsics import is_unknown
from harness.fidelity.cloudformation.schema import replacing_properties

TAG_PROPERTIES = frozenset({"Tags"})


@dataclass(slots=True)
class PlannedChange:
    action: str  # Add, Modify, Remove
    logical_id: str
    resource_type: str
    physical_id: str = ""
    replacement: str = ""  # True, False, Conditional ("" for Add/Remove)
    details: list[dict[str, Any]] = field(default_factory=list)

    def to_api(self) -> dict[str, Any]:
        change: dict[str, Any] = {
            "Action": self.action,
            "LogicalResourceId": self.logical_id,
            "ResourceType": self.resource_type,
            "Scope": sorted({d["Target"]["Attribute"] for d in self.details}),
            "Details": self.details,
        }
        if self.physical_id:
            change["PhysicalResourceId"] = self.physical_id
        if self.replacement:
            change["Replacement"] = self.replacement
        return {"Type": "Resource", "ResourceChange": change}


def changed_properties(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Top-level properties whose resolved value differs (an unknown value counts as changed)."""
    return {k for k in set(old) | set(new) if is_unknown(new.get(k)) or old.get(k) != new.get(k)}


def plan(evaluation: Evaluation, old_template: dict[str, Any]) -> list[PlannedChange]:
    """Every resource change of moving the stack to ``evaluation.template``."""
    stack = evaluation.stack
    active = evaluation.active_resources()
    changes: list[PlannedChange] = []
    for logical_id in creation_order(active):
        spec = active[logical_id]
        current = stack.resources.get(logical_id)
        if current is None or current.type != spec["Type"]:
            evaluation.unknown.add(logical_id)
            changes.append(PlannedChange("Add", logical_id, spec["Type"]))
            continue
        change = _modification(evaluation, logical_id, old_template, spec)
        if change is not None:
            changes.append(change)
    for logical_id, resource in stack.resources.items():
        if logical_id not in active or resource.type != active[logical_id]["Type"]:
            changes.append(PlannedChange("Remove", logical_id, resource.type, resource.physical_id))
    return changes


def _modification(
    evaluation: Evaluation, logical_id: str, old_template: dict[str, Any], spec: dict[str, Any]
) -> PlannedChange | None:
    current = evaluation.stack.resources[logical_id]
    new = evaluation.properties(logical_id)
    changed = changed_properties(current.properties, new)
    if not changed:
        return None
    known_new = {k: v for k, v in new.items() if not is_unknown(v)}
    certain = replacing_properties(
        current.type, current.properties, known_new, {k for k in changed if k in known_new}
    )
    possible = replacing_properties(current.type, current.properties, new, changed)
    replacement = "True" if certain else "Conditional" if possible else "False"
    if replacement != "False":
        evaluation.unknown.add(logical_id)
    old_spec = old_template.get("Resources", {}).get(logical_id, {}).get("Properties", {})
    raw = spec.get("Properties", {})
    parameters = set(evaluation.template.get("Parameters", {}))
    details = [
        _detail(
            name,
            name in possible,
            is_unknown(new.get(name)),
            _source(raw.get(name), old_spec.get(name) != raw.get(name), parameters),
        )
        for name in sorted(changed)
    ]
    return PlannedChange(
        "Modify", logical_id, current.type, current.physical_id, replacement, details
    )


def _source(raw: Any, direct: bool, parameters: set[str]) -> str:
    """ChangeSource as the API reference (ResourceChangeDetail) defines it: DirectModification
    for an edited template value; otherwise what the value refers to: Fn::GetAtt ->
    ResourceAttribute, Ref to a parameter -> ParameterReference, Ref to a resource ->
    ResourceReference."""
    if direct:
        return "DirectModification"
    refs, attributes = _references(raw)
    if attributes:
        return "ResourceAttribute"
    if refs and refs <= parameters:
        return "ParameterReference"
    return "ResourceReference"


def _references(value: Any) -> tuple[set[str], bool]:
    """Names ``value`` refers to with Ref (or ``${X}`` in Fn::Sub), and whether it uses an
    attribute (Fn::GetAtt, or ``${X.Attr}``)."""
    refs: set[str] = set()
    attributes = False
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                refs.add(inner)
            elif key == "Fn::GetAtt":
                attributes = True
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                for name in re.findall(r"\$\{([^}!]+)\}", str(text)):
                    attributes = attributes or "." in name
                    refs.add(name.split(".", 1)[0])
            found, attrs = _references(inner)
            refs, attributes = refs | found, attributes or attrs
    elif isinstance(value, list):
        for item in value:
            found, attrs = _references(item)
            refs, attributes = refs | found, attributes or attrs
    return refs, attributes


def _detail(name: str, recreates: bool, dynamic: bool, source: str) -> dict[str, Any]:
    target = {
        "Attribute": "Tags" if name in TAG_PROPERTIES else "Properties",
        "RequiresRecreation": ("Conditionally" if dynamic else "Always") if recreates else "Never",
    }
    if name not in TAG_PROPERTIES:
        target["Name"] = name
    return {
        "Target": target,
        "Evaluation": "Dynamic" if dynamic else "Static",
        "ChangeSource": source,
    }
