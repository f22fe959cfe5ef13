"""Reading Terraform's machine-readable output: ``show -json``, ``output -json``, ``-json`` logs.

The one parser of Terraform output: the driver and the stand-in provider's tests read plans
through it.

Pure functions, unit-tested on recorded output (``tests/fixtures/terraform/``); the driver
(:mod:`harness.drivers.terraform`) runs the commands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any


def changed_addresses(plan_json: Mapping[str, Any]) -> tuple[str, ...]:
    """Addresses a ``terraform show -json PLAN`` document changes, resources then outputs."""
    # A data source read at apply time ("read") is a consequence of a change, not one itself.
    resources = [
        str(rc["address"])
        for rc in plan_json.get("resource_changes") or ()
        if _actions(rc) not in (["no-op"], ["read"], [])
    ]
    outputs = [
        f"output.{name}"
        for name, change in sorted((plan_json.get("output_changes") or {}).items())
        if change.get("actions") not in (["no-op"], [], None)
    ]
    return (*sorted(resources), *outputs)


# `plan -json` actions that change nothing: a data source read, a no-op, a move or an import
# alone (``show -json`` lists those as ``no-op``/``read``).
_UNCHANGED = frozenset({"noop", "read", "move", "import"})


def planned_changes(plan_log: str) -> tuple[tuple[str, ...], str]:
    """What a ``plan -json`` log says the plan changes: the addresses as
    :func:`changed_addresses` lists them (resources, then ``output.NAME``) and the summary as
    :func:`action_summary` words it, from its ``planned_change``, ``outputs`` and
    ``change_summary`` messages (Terraform's machine-readable UI), so that no ``show -json``
    of the saved plan is needed."""
    resources: set[str] = set()
    outputs: set[str] = set()
    summary = "0 to add, 0 to change, 0 to destroy"
    for message in _messages(plan_log):
        kind = message.get("type")
        if kind == "planned_change":
            change = message.get("change") or {}
            if change.get("action") not in _UNCHANGED:
                resources.add(str(change["resource"]["addr"]))
        elif kind == "outputs":
            outputs |= {
                f"output.{name}"
                for name, out in (message.get("outputs") or {}).items()
                if out.get("action") not in (None, "noop")
            }
        elif kind == "change_summary":
            c = message.get("changes") or {}
            summary = f"{c.get('add', 0)} to add, {c.get('change', 0)} to change, {c.get('remove', 0)} to destroy"
    return (*sorted(resources), *sorted(outputs)), summary


def _messages(json_lines: str, containing: str = "") -> list[dict[str, Any]]:
    """The JSON objects of a ``-json`` log, one a line (other lines left out); with
    ``containing``, only the lines that contain it are parsed (an apply's log is long)."""
    found = []
    for line in json_lines.splitlines():
        if not line.startswith("{") or containing not in line:
            continue
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            found.append(message)
    return found


def resource_actions(plan_json: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Address -> actions (``("update",)``, ``("delete", "create")`` ...), changes only."""
    return {
        str(rc["address"]): tuple(_actions(rc))
        for rc in plan_json.get("resource_changes") or ()
        if _actions(rc) not in (["no-op"], ["read"], [])
    }


def drifted(plan_json: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Address -> actions of the changes made outside Terraform that the refresh found."""
    return {
        str(d["address"]): tuple(d["change"]["actions"])
        for d in plan_json.get("resource_drift") or ()
    }


def replaced(plan_json: Mapping[str, Any]) -> set[str]:
    """Addresses the plan replaces (destroy and create, in either order)."""
    return {
        a for a, acts in resource_actions(plan_json).items() if set(acts) == {"create", "delete"}
    }


def action_summary(plan_json: Mapping[str, Any]) -> str:
    """``N to add, M to change, K to destroy`` as Terraform counts them (replace = add + destroy)."""
    add = change = destroy = 0
    for rc in plan_json.get("resource_changes") or ():
        actions = _actions(rc)
        add += "create" in actions
        change += actions == ["update"]
        destroy += "delete" in actions
    return f"{add} to add, {change} to change, {destroy} to destroy"


def diagnostics(json_lines: str) -> list[str]:
    """Error diagnostics from Terraform's ``-json`` log lines, as ``summary: detail [address]``."""
    found = []
    for message in _messages(json_lines, containing='"diagnostic"'):
        diag = message.get("diagnostic")
        if not isinstance(diag, dict) or diag.get("severity") != "error":
            continue
        text = str(diag.get("summary", "")).strip()
        if diag.get("detail"):
            text += f": {str(diag['detail']).strip()}"
        if diag.get("address"):
            text += f" [{diag['address']}]"
        found.append(text)
    return found


def output_values(output_json: Mapping[str, Any]) -> dict[str, str]:
    """``terraform output -json`` as strings (JSON for lists and maps), sensitive ones left out."""
    values = {}
    for name, out in output_json.items():
        if out.get("sensitive"):
            continue
        value = out.get("value")
        values[name] = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return values


def apply_outputs(apply_stdout: str) -> dict[str, Any] | None:
    """The outputs an ``apply -json`` reported (its ``outputs`` message, ``output -json``'s
    shape without sensitive values), or None when it reported none."""
    found: dict[str, Any] | None = None
    for message in _messages(apply_stdout, containing='"outputs"'):
        if message.get("type") == "outputs":
            found = dict(message.get("outputs") or {})
    return found


def provider_startup_s(debug_log: str) -> float:
    """Seconds spent starting provider plugins, from a ``TF_LOG=debug`` log on stderr.

    Each start runs from core's ``starting plugin`` to the plugin protocol handshake
    (``using plugin``); Terraform starts the provider several times per command.
    """
    total, started = 0.0, None
    for line in debug_log.splitlines():
        stamp, _, message = line.partition(" ")
        if "provider: starting plugin:" in message:
            started = _timestamp(stamp)
        elif "provider: using plugin:" in message and started is not None:
            total += (_timestamp(stamp) - started).total_seconds()
            started = None
    return total


_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z \[[A-Z]+\]")


def without_log(stderr: str) -> str:
    """``stderr`` without the ``TF_LOG`` lines (and their indented continuations)."""
    kept, in_log = [], False
    for line in stderr.splitlines():
        if _LOG_LINE.match(line):
            in_log = True
        elif not line.startswith((" ", "\t")):
            in_log = False
        if not in_log:
            kept.append(line)
    return "\n".join(kept).strip("\n")


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _actions(change: Mapping[str, Any]) -> list[str]:
    return list((change.get("change") or {}).get("actions") or [])
