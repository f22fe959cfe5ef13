"""Where a stack operation runs: inside the API call, or after it returns, as on AWS.

CreateStack, UpdateStack, DeleteStack and ExecuteChangeSet "start" an operation on AWS: the
call returns at once and the stack is ``*_IN_PROGRESS`` until it completes (CreateStack: "After
the call completes successfully, the stack creation starts"). Asynchronous mode does that: the
operation runs on its own thread holding ``store.LOCK``, and lets go of the lock whenever a
handler waits (:func:`pause`, e.g. for an ECS service to be stable), so DescribeStacks and
DescribeStackEvents show the work in progress, events in order.

It is a switch, off by default while clients of the emulator that read a stack right after
changing it are converted to wait (as they must on AWS): ``/_harness/cloudformation/async``
``{"enabled": true}`` (with ``"resource_s": 0.2``, each resource operation takes that long
at least), or ``HARNESS_CFN_ASYNC=1`` in the emulator's environment.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from harness.fidelity import control
from harness.fidelity.cloudformation import store

log = logging.getLogger(__name__)

_CONDITION = threading.Condition(store.LOCK)
_state: dict[str, Any] = {
    "enabled": os.environ.get("HARNESS_CFN_ASYNC", "") == "1",
    "resource_s": 0.0,
}
_running: list[threading.Thread] = []


def asynchronous() -> bool:
    return bool(_state["enabled"])


def working() -> None:
    """A resource operation begins: in asynchronous mode it takes ``resource_s`` at least
    (0 by default; tests stretch it to watch resources in progress)."""
    if asynchronous() and _state["resource_s"] > 0:
        pause(float(_state["resource_s"]))


def run(work: Callable[[], None]) -> None:
    """Run ``work`` (an engine operation) now, or on its own thread in asynchronous mode."""
    if not asynchronous():
        work()
        return
    caller = control.calls.current()

    def operation() -> None:
        control.calls.set_current(caller)  # its calls still count for the caller
        with store.LOCK:
            try:
                work()
            except Exception:  # the stack shows what failed; the thread must not die silently
                log.exception("stack operation failed")

    thread = threading.Thread(target=operation, name="cloudformation-operation", daemon=True)
    _running[:] = [t for t in _running if t.is_alive()] + [thread]
    thread.start()


def pause(seconds: float) -> None:
    """Sleep; if this thread holds the store's lock, let other requests in meanwhile."""
    is_owned: Any = getattr(store.LOCK, "_is_owned", None)
    if is_owned is not None and is_owned():
        with _CONDITION:
            _CONDITION.wait(seconds)  # releases the lock however deeply it is held
    else:
        time.sleep(seconds)


def wait_idle(timeout_s: float = 60.0) -> bool:
    """Wait until no operation runs (for a reset); True if none is left."""
    deadline = time.monotonic() + timeout_s
    for thread in list(_running):
        thread.join(max(deadline - time.monotonic(), 0.0))
    return not any(t.is_alive() for t in _running)


@control.route("cloudformation/async")
def _async_route(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    if method == "POST":
        if not isinstance(body.get("enabled"), bool):
            return 400, {"error": 'needs {"enabled": true|false} and optionally "resource_s"'}
        _state["enabled"] = body["enabled"]
        _state["resource_s"] = float(body.get("resource_s", 0.0))
    return 200, dict(_state)
