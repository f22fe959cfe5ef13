"""CloudFormation's stack API, answered by our engine instead of moto's (stack sets stay with moto).

``ACTIONS`` maps moto's ``CloudFormationResponse`` method names to our actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult

from harness.fidelity.cloudformation import change_set_actions, drift_actions, stack_actions

Action = Callable[[Any], ActionResult]

ACTIONS: dict[str, Action] = {
    name: getattr(stack_actions, name)
    for name in (
        "create_stack",
        "update_stack",
        "delete_stack",
        "describe_stacks",
        "list_stacks",
        "describe_stack_events",
        "describe_stack_resources",
        "describe_stack_resource",
        "list_stack_resources",
        "get_template",
        "get_template_summary",
        "validate_template",
        "list_exports",
        "list_imports",
        "update_termination_protection",
    )
}
ACTIONS.update(
    {
        name: getattr(change_set_actions, name)
        for name in (
            "create_change_set",
            "describe_change_set",
            "execute_change_set",
            "delete_change_set",
            "list_change_sets",
        )
    }
)
ACTIONS.update(
    {
        name: getattr(drift_actions, name)
        for name in (
            "detect_stack_drift",
            "describe_stack_drift_detection_status",
            "describe_stack_resource_drifts",
            "detect_stack_resource_drift",
        )
    }
)
