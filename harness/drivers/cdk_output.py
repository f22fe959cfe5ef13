"""Reading the CDK CLI's human-oriented output: pure functions, unit-tested on recorded runs.

The CLI has no machine-readable form for what ``cdk diff`` lists or whether ``cdk deploy``
skipped an unchanged stack; these read the lines it prints (colours stripped). Outputs come
from ``--outputs-file`` (JSON) instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from harness.errors import CommandError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RESOURCE_LINE = re.compile(r"^\[([+~-])\] (\S+::\S+::\S+) (.+)$")
_IMPACT = re.compile(r"\s+(?:replace|may be replaced|destroy|orphan|remove)$")
_STACKS_WITH_DIFFERENCES = re.compile(r"Number of stacks with differences:\s*(\d+)")
_DEPLOYMENT_TIME = re.compile(r"Deployment time:\s*([\d.]+)s")
_NO_CHANGES = re.compile(r"\(no changes\)")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def diff_logical_ids(output: str) -> tuple[str, ...]:
    """Logical ids of the resources ``cdk diff`` lists as added, removed or changed, in order.

    A resource line reads ``[~] AWS::ECS::TaskDefinition Web/TaskDefinition WebTaskDef1A2B replace``
    (the construct path is absent when the template has no metadata; the impact word may be too).
    """
    ids: list[str] = []
    for line in strip_ansi(output).splitlines():
        match = _RESOURCE_LINE.match(line.rstrip())
        if match is None:
            continue
        rest = _IMPACT.sub("", match.group(3).strip())
        logical_id = rest.split()[-1]
        if logical_id not in ids:
            ids.append(logical_id)
    return tuple(ids)


def stacks_with_differences(output: str) -> int | None:
    """The count ``cdk diff`` ends with, or None when the output has none (it failed)."""
    match = _STACKS_WITH_DIFFERENCES.search(strip_ansi(output))
    return int(match.group(1)) if match else None


def deployment_time_s(output: str) -> float | None:
    """CloudFormation's share of a ``cdk deploy`` as the CLI reports it (``Deployment time``)."""
    match = _DEPLOYMENT_TIME.search(strip_ansi(output))
    return float(match.group(1)) if match else None


def deploy_skipped(output: str) -> bool:
    """Whether ``cdk deploy`` found the stack unchanged and did not deploy (``(no changes)``)."""
    return bool(_NO_CHANGES.search(strip_ansi(output)))


def stack_outputs(outputs_file: Mapping[str, Any], stack: str) -> dict[str, str]:
    """One stack's outputs from a ``--outputs-file`` document (``{stack: {key: value}}``)."""
    return {str(k): str(v) for k, v in (outputs_file.get(stack) or {}).items()}


def error_headline(exc: CommandError) -> str:
    """The CLI's own reason (its ``❌``/``Error`` lines) as the headline of the error."""
    lines = [ln.strip() for ln in strip_ansi(exc.stderr_tail).splitlines()]
    reasons = [ln for ln in lines if ln.startswith(("❌", "‣", "Error", "ValidationError"))]
    reason = reasons[-1] if reasons else (lines[-1] if lines else "")
    head = f"cdk exited with {exc.returncode}"
    return f"{head}: {reason}" if reason else head


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(strip_ansi(text).rstrip().splitlines()[-lines:])
