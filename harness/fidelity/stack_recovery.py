"""Stacks left in failed states, and the way out of them, on the emulator's CloudFormation.

- ``ContinueUpdateRollback``: from ``UPDATE_ROLLBACK_FAILED`` the rollback goes on to
  ``UPDATE_ROLLBACK_COMPLETE`` (CloudFormation API reference, ContinueUpdateRollback: "For a
  specified stack that's in the UPDATE_ROLLBACK_FAILED state, continues rolling it back to the
  UPDATE_ROLLBACK_COMPLETE state"); from any other state it is refused with a ValidationError.
  The emulator's stacks only reach that state through the hook below, their resources as they
  were before the update, so the rollback has nothing left to undo.
- Control route ``/_harness/cloudformation/stack-status`` (POST ``{"stack": NAME, "status":
  STATUS}``): put a stack into the state an interrupted or failed operation leaves
  (``UPDATE_ROLLBACK_FAILED``, ``ROLLBACK_COMPLETE``, ``UPDATE_IN_PROGRESS``...), for the tests
  of ``harness.recovery``. An ``*_IN_PROGRESS`` status set with ``"settle_s": N`` goes back to
  the stack's previous status after N seconds, as an operation that finishes.

Kept apart from ``fidelity/cloudformation`` (the stack engine), which it only reads and marks.
"""

from __future__ import annotations

import threading
from typing import Any

from harness.fidelity import control

DEFAULT_ACCOUNT = "123456789012"


def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    CloudFormationResponse.continue_update_rollback = _continue_update_rollback  # type: ignore[attr-defined]


def _continue_update_rollback(resp: Any) -> Any:
    from moto.core.responses import EmptyResult

    from harness.fidelity.cloudformation import requests, store
    from harness.fidelity.cloudformation.errors import ValidationError

    account, region = requests.where(resp)
    with store.LOCK:
        stack = store.get_stack(account, region, requests.params(resp)["StackName"])
        if stack.status != "UPDATE_ROLLBACK_FAILED":
            raise ValidationError(
                f"Stack:{stack.stack_id} is in {stack.status} state and can not continue "
                "update rollback: only UPDATE_ROLLBACK_FAILED stacks can"
            )
        for status in (
            "UPDATE_ROLLBACK_IN_PROGRESS",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
            "UPDATE_ROLLBACK_COMPLETE",
        ):
            stack.stack_event(status, "ContinueUpdateRollback" if "IN_PROGRESS" in status else "")
    return EmptyResult()


@control.route("cloudformation/stack-status")
def _stack_status(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    from harness.fidelity.cloudformation import store

    account = str(body.get("account", DEFAULT_ACCOUNT))
    region = str(body.get("region", "us-east-1"))
    with store.LOCK:
        stack = store.find_stack(account, region, str(body.get("stack", "")))
        if stack is None:
            return 404, {"error": f"no stack {body.get('stack')!r} in {account}/{region}"}
        previous, status = stack.status, str(body["status"])
        stack.stack_event(status, "set through the harness control API")
    settle_s = float(body.get("settle_s", 0))
    if settle_s and status.endswith("_IN_PROGRESS"):

        def settle() -> None:
            with store.LOCK:
                if stack.status == status:
                    stack.stack_event(previous)

        threading.Timer(settle_s, settle).start()
    return 200, {"stack": stack.name, "status": status, "previous": previous}
