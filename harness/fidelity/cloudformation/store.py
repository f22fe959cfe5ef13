"""Every stack and change set the emulator knows, and the lock that serialises operations."""

from __future__ import annotations

import threading

from harness.fidelity.cloudformation.errors import ChangeSetNotFound, ValidationError
from harness.fidelity.cloudformation.model import ChangeSet, Stack

LOCK = threading.RLock()
"""Held for every CloudFormation request: stack operations run one at a time, in order."""

_stacks: dict[str, Stack] = {}
_change_sets: dict[str, ChangeSet] = {}


def reset(account: str | None = None, region: str | None = None) -> None:
    """Forget every stack (of ``account``/``region`` when given) and its change sets."""
    for stack_id, stack in list(_stacks.items()):
        if account in (None, stack.account) and region in (None, stack.region):
            del _stacks[stack_id]
    for change_set_id, change_set in list(_change_sets.items()):
        if change_set.stack_id not in _stacks:
            del _change_sets[change_set_id]


def add_stack(stack: Stack) -> None:
    _stacks[stack.stack_id] = stack


def stacks(account: str, region: str) -> list[Stack]:
    return [s for s in _stacks.values() if s.account == account and s.region == region]


def find_stack(account: str, region: str, name_or_id: str) -> Stack | None:
    """A live stack by name, or any stack (deleted ones too) by id, as CloudFormation finds them."""
    for stack in reversed(stacks(account, region)):
        if stack.stack_id == name_or_id:
            return stack
        if stack.name == name_or_id and stack.deleted is None:
            return stack
    return None


def get_stack(account: str, region: str, name_or_id: str) -> Stack:
    stack = find_stack(account, region, name_or_id)
    if stack is None:
        raise ValidationError(f"Stack with id {name_or_id} does not exist")
    return stack


def add_change_set(change_set: ChangeSet) -> None:
    _change_sets[change_set.change_set_id] = change_set


def find_change_set(stack: Stack | None, name_or_id: str) -> ChangeSet:
    """A change set by ARN, or by name within its stack (names are unique per stack only)."""
    if name_or_id in _change_sets:
        return _change_sets[name_or_id]
    for change_set in _change_sets.values():
        if (
            stack is not None
            and change_set.stack_id == stack.stack_id
            and change_set.name == name_or_id
        ):
            return change_set
    raise ChangeSetNotFound(f"ChangeSet [{name_or_id}] does not exist")


def change_sets_of(stack: Stack) -> list[ChangeSet]:
    return [c for c in _change_sets.values() if c.stack_id == stack.stack_id]


def remove_change_set(change_set: ChangeSet) -> None:
    _change_sets.pop(change_set.change_set_id, None)


def exports(account: str, region: str) -> dict[str, tuple[Stack, str]]:
    """Every export of a live stack: name -> (exporting stack, value)."""
    found: dict[str, tuple[Stack, str]] = {}
    for stack in stacks(account, region):
        if stack.deleted is None:
            for name, value in stack.exports.items():
                found[name] = (stack, value)
    return found


def importers(account: str, region: str, export_name: str) -> list[Stack]:
    """Live stacks whose current template imports ``export_name``."""
    return [s for s in stacks(account, region) if s.deleted is None and export_name in s.imports]
