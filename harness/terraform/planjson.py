"""Reading ``terraform show -json <planfile>``: what a plan would do to each resource."""

from __future__ import annotations

from typing import Any

NO_OP = ("no-op",)


def actions(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Address -> actions (``("update",)``, ``("delete", "create")`` ...), changes only."""
    found = {}
    for change in plan.get("resource_changes") or []:
        acts = tuple(change["change"]["actions"])
        if acts not in (NO_OP, ("read",)):
            found[change["address"]] = acts
    return found


def drifted(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Address -> actions of the changes made outside Terraform that the refresh found."""
    return {d["address"]: tuple(d["change"]["actions"]) for d in plan.get("resource_drift") or []}


def replaced(plan: dict[str, Any]) -> set[str]:
    return {a for a, acts in actions(plan).items() if set(acts) == {"create", "delete"}}
