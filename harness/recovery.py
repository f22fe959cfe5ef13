"""Before a deploy or destroy: what an interrupted run left behind, detected and handled.

A tool killed in the middle of an apply or deploy leaves one of these; the next run of that
environment meets it here, says what it found, and recovers as the tools' documentation says,
or stops with an error saying what to do. It never hangs, and never lets the tool fail with
an error that does not say why.

**Terraform, local backend** (the harness keeps one state file per layer). Terraform locks a
local state with an OS lock on the state file (``fcntl``) and writes who holds it to
``.NAME.lock.info`` beside it (ID, Operation, Who, Version, Created). The OS lock ends with
its holder: "A lock on a local state file only lasts for the duration of the calling
process" (hashicorp/terraform#11724); ``terraform force-unlock`` cannot release it from
another process (it answers "LocalState not locked"), and a stale ``.lock.info`` whose
holder is dead does not block the next command. So: a lock whose holder is dead is stale,
reported (what was interrupted, when) and its info file removed; a lock whose holder still
runs (an orphaned ``terraform`` of a killed run) is waited for, then refused with
:class:`StateLocked` naming the holder's process.

**CloudFormation** (CDK stacks), as "Troubleshooting CloudFormation" and the stack status
codes in the CloudFormation User Guide describe:

- ``*_IN_PROGRESS``: an operation is still running (killing the CLI does not stop it, it runs
  in CloudFormation): wait until the stack leaves it, then look again.
- ``UPDATE_ROLLBACK_FAILED``: "you can continue rolling back the update" (ContinueUpdateRollback,
  "Continue rolling back an update"), which returns it to ``UPDATE_ROLLBACK_COMPLETE``, from
  which it can be updated again.
- ``ROLLBACK_COMPLETE`` (a failed creation; also ``ROLLBACK_FAILED``, ``CREATE_FAILED``):
  "the stack can't be updated: delete it and create it again" (DescribeStacks,
  ``ROLLBACK_COMPLETE``: "after a failed stack creation ... you can only delete the stack").
- ``DELETE_FAILED`` before a destroy: the destroy deletes it again, as documented.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import StackStuck, StateLocked

log = logging.getLogger(__name__)

LOCK_WAIT_S = 60.0
STACK_WAIT_S = 900.0
POLL_S = 1.0

Say = Callable[[str], None]
"""Where a recovery tells the user what it found and did (logged by default)."""


def _log(text: str) -> None:
    log.warning("%s", text)


# -- Terraform ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LockInfo:
    """What Terraform wrote about the holder of a state lock."""

    id: str
    operation: str
    who: str
    created: str
    path: Path

    def describe(self) -> str:
        return f"lock {self.id} ({self.operation} by {self.who}, since {self.created})"


def lock_info_path(state: Path) -> Path:
    """Where the local backend writes the lock info of ``state``: ``.NAME.lock.info``."""
    return state.with_name(f".{state.name}.lock.info")


def read_lock_info(state: Path) -> LockInfo | None:
    path = lock_info_path(state)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):  # cut short by the kill: still a lock left behind
        raw = {}
    return LockInfo(
        str(raw.get("ID", "?")),
        str(raw.get("Operation", "?")).removeprefix("OperationType").lower(),
        str(raw.get("Who", "?")),
        str(raw.get("Created", "?")),
        path,
    )


def lock_holder(state: Path) -> int | None:
    """The process holding Terraform's OS lock on ``state`` (0 if held, pid unknown), or None."""
    try:
        fd = os.open(state, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        if sys.platform == "linux":  # F_GETLK names the holder; struct flock of Linux
            query = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0) + bytes(4)
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
            kind, _, _, _, pid = struct.unpack("hhqqi", answer[: struct.calcsize("hhqqi")])
            return None if kind == fcntl.F_UNLCK else pid
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def recover_terraform_state(
    state: Path, *, wait_s: float = LOCK_WAIT_S, say: Say = _log, poll_s: float = POLL_S
) -> str | None:
    """Handle a lock an interrupted Terraform left on ``state``; what was done, or None.

    Raises :class:`StateLocked` when a live process still holds it after ``wait_s``.
    """
    info = read_lock_info(state)
    deadline = time.monotonic() + wait_s
    holder = lock_holder(state)
    if info is None and holder is None:
        return None
    described = info.describe() if info else "a lock"
    if holder is not None:
        say(f"{state.name}: {described} is held by process {holder or '?'}: waiting up to "
            f"{wait_s:g}s for it to finish")  # fmt: skip
    while holder is not None:
        if time.monotonic() >= deadline:
            raise StateLocked(
                f"Terraform state {state} is locked: {described}, held by the running process "
                f"{holder or '(unknown)'}, probably a terraform left by an interrupted run. Wait "
                f"for it, or stop it (kill {holder or 'PID'}); the lock ends with that process "
                "(terraform force-unlock cannot release a local state lock another process holds)"
            )
        time.sleep(poll_s)
        holder = lock_holder(state)
    if info is None:
        return None
    # The holder is gone: its lock ended with it; only the info file is left.
    with contextlib.suppress(FileNotFoundError):
        info.path.unlink()
    done = (
        f"{state.name}: stale {described}: that terraform was interrupted and no process holds "
        "the lock any more; removed its lock info. What it was doing may be half done: the "
        "next plan shows what remains"
    )
    say(done)
    return done


# -- CloudFormation ----------------------------------------------------------------------------
RECREATE = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED")
"""A failed creation: the stack can only be deleted (then created again)."""
GONE = ("DELETE_COMPLETE",)


def stack_status(cfn: Any, stack: str) -> str | None:
    """The status of the live stack ``stack``, or None when there is none."""
    try:
        found = cfn.describe_stacks(StackName=stack)["Stacks"]
    except cfn.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    status = str(found[0]["StackStatus"]) if found else None
    return None if status in GONE else status


def wait_settled(
    cfn: Any, stack: str, *, wait_s: float = STACK_WAIT_S, poll_s: float = POLL_S
) -> str | None:
    """Wait until ``stack`` is in no ``*_IN_PROGRESS`` state (REVIEW_IN_PROGRESS excepted: it
    waits for a change set, not an operation); its status then."""
    deadline = time.monotonic() + wait_s
    status = stack_status(cfn, stack)
    while status and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        if time.monotonic() >= deadline:
            raise StackStuck(
                f"stack {stack} is still {status} after {wait_s:g}s: an operation started by an "
                "earlier (interrupted?) run is running in CloudFormation. Wait for it (see its "
                f"events: aws cloudformation describe-stack-events --stack-name {stack}), "
                "then run again"
            )
        time.sleep(poll_s)
        status = stack_status(cfn, stack)
    return status


def recover_stack(
    cfn: Any,
    stack: str,
    *,
    destroying: bool = False,
    wait_s: float = STACK_WAIT_S,
    say: Say = _log,
    poll_s: float = POLL_S,
) -> str | None:
    """Bring ``stack`` into a state a deploy (or destroy) can start from; what was done, or None."""
    status = stack_status(cfn, stack)
    if status is None:
        return None
    done: list[str] = []
    if status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        say(f"stack {stack} is {status} (an operation still running): waiting for it")
        status = wait_settled(cfn, stack, wait_s=wait_s, poll_s=poll_s)
        done.append(f"waited for {stack} to leave its operation: now {status}")
    if status == "UPDATE_ROLLBACK_FAILED":
        say(f"stack {stack} is UPDATE_ROLLBACK_FAILED: continuing the rollback "
            "(ContinueUpdateRollback)")  # fmt: skip
        cfn.continue_update_rollback(StackName=stack)
        status = wait_settled(cfn, stack, wait_s=wait_s, poll_s=poll_s)
        if status != "UPDATE_ROLLBACK_COMPLETE":
            raise StackStuck(
                f"stack {stack}: ContinueUpdateRollback ended in {status}, not "
                "UPDATE_ROLLBACK_COMPLETE. Fix the resources its events name, or continue the "
                f"rollback skipping them (aws cloudformation continue-update-rollback "
                f"--stack-name {stack} --resources-to-skip ...)"
            )
        done.append(f"continued the rollback of {stack}: now {status}")
    if status in RECREATE and not destroying:
        say(f"stack {stack} is {status} (its creation failed): deleting it to create it again")
        cfn.delete_stack(StackName=stack)
        status = wait_settled(cfn, stack, wait_s=wait_s, poll_s=poll_s)
        if status is not None:
            raise StackStuck(
                f"stack {stack} was {' / '.join(RECREATE)} and deleting it ended in {status}: "
                "delete what its events name by hand, then run again"
            )
        done.append(f"deleted {stack} after its failed creation, to create it again")
    return "; ".join(done) or None
