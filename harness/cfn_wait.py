"""Waiting for CloudFormation's asynchronous operations, as a client of AWS must.

On AWS and LocalStack, CreateStack, UpdateStack, DeleteStack, CreateChangeSet and
ExecuteChangeSet return while the operation runs (``*_IN_PROGRESS``); the embedded emulator
finishes inside the call. These helpers use boto3's own waiters and return the status the
operation ended in, failures included (a rollback is an outcome to assert, not an error
here): only a wait that runs out of time raises.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import WaiterError

DELAY_S = 1
MAX_ATTEMPTS = 300

_STACK_WAITERS = {
    "create": "stack_create_complete",
    "update": "stack_update_complete",
    "delete": "stack_delete_complete",
    "import": "stack_import_complete",
}


def stack(cf: Any, name: str, operation: str) -> str:
    """Wait until ``operation`` ("create", "update", "delete") on stack ``name`` (a name or,
    for a deleted stack, its id) has ended; return the stack's final status."""
    try:
        cf.get_waiter(_STACK_WAITERS[operation]).wait(StackName=name, WaiterConfig=_config())
    except WaiterError as exc:
        if not _settled(exc.last_response, "Stacks", "StackStatus"):
            raise
    return _stack_status(cf, name)


def change_set(cf: Any, stack_name: str, change_set_name: str) -> dict[str, Any]:
    """Wait until a change set is created (or has failed: "didn't contain changes"); return
    its description."""
    waiter = cf.get_waiter("change_set_create_complete")
    try:
        waiter.wait(StackName=stack_name, ChangeSetName=change_set_name, WaiterConfig=_config())
    except WaiterError as exc:
        if (exc.last_response or {}).get("Status") != "FAILED":
            raise
    described: dict[str, Any] = cf.describe_change_set(
        StackName=stack_name, ChangeSetName=change_set_name
    )
    return described


def _config() -> dict[str, int]:
    return {"Delay": DELAY_S, "MaxAttempts": MAX_ATTEMPTS}


def _settled(response: dict[str, Any] | None, key: str, field: str) -> bool:
    """Whether a waiter stopped on an end state (a failure acceptor), not on time or an error."""
    items = (response or {}).get(key) or []
    return bool(items) and not str(items[0].get(field, "")).endswith("_IN_PROGRESS")


def _stack_status(cf: Any, name: str) -> str:
    try:
        return str(cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
    except cf.exceptions.ClientError as exc:
        if "does not exist" in str(exc):  # deleted, asked for by name
            return "DELETE_COMPLETE"
        raise
