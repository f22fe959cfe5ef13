"""Where a stack operation runs: after the API call returns, as on AWS (or inside it).

CreateStack, UpdateStack, DeleteStack and ExecuteChangeSet "start" an operation on AWS: the
call returns at once and the stack is ``*_IN_PROGRESS`` until it completes (CreateStack: "After
the call completes successfully, the stack creation starts"). The operation runs on its own
thread holding ``store.LOCK``, and lets go of the lock whenever a handler waits
(:func:`pause`, e.g. for an ECS service to be stable), so DescribeStacks and
DescribeStackEvents show the work in progress, events in order.

Time is compressed, as the ECS layer compresses it: what takes minutes on AWS takes tenths of
a second here. A client's own polling interval is not compressed (the CDK CLI reads
DescribeStacks every 5 s), so a DescribeStacks of a stack whose operation is running answers
once the operation has ended or ``describe_wait_s`` has passed, whichever comes first: the
client still sees ``*_IN_PROGRESS`` for an operation that outlasts it, and every event.

``/_harness/cloudformation/async`` (``{"defaults": true}`` restores the defaults)
``{"enabled": false}`` runs operations inside the call
instead (``HARNESS_CFN_ASYNC=0`` in the emulator's environment, likewise); ``"resource_s"``
makes each resource operation take that long at least, ``"describe_wait_s"`` sets the wait
above (0: DescribeStacks answers at once, as on AWS), ``"stabilize_timeout_s"`` how long a
resource waits to stabilize before it fails (an ECS service whose tasks never start: hours on
AWS, 60 s by default here); with ``"stack": NAME`` that stack's alone (``null``: the default
again), so that a failure scenario's short timeout reaches no other stack.

``/moto-api/reset`` cancels running operations before moto empties its backends
(:func:`cancel_all`): an operation holds ``store.LOCK`` while its handlers call moto, and
moto's reset holds moto's backend lock while it resets CloudFormation, which needs
``store.LOCK``: waiting on each other, they would hang.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from harness.fidelity import control
from harness.fidelity.cloudformation import store, timing
from harness.fidelity.cloudformation.model import Stack

log = logging.getLogger(__name__)

_CONDITION = threading.Condition(store.LOCK)
DEFAULTS: dict[str, Any] = {
    "enabled": os.environ.get("HARNESS_CFN_ASYNC", "1") != "0",
    "resource_s": 0.0,
    "describe_wait_s": 4.0,
    "stabilize_timeout_s": 60.0,
}
_state: dict[str, Any] = dict(DEFAULTS)
_stack_timeouts: dict[str, float] = {}
"""Stack name -> its own stabilization timeout (a failure scenario's stack, while the
emulator's other stacks keep theirs)."""
_running: list[threading.Thread] = []
_busy: set[str] = set()
"""Ids of the stacks whose operation is running."""
_generation = [0]
_local = threading.local()


class Cancelled(BaseException):
    """The emulator was reset under a running operation (a BaseException: no handler's
    ``except Exception`` turns it into a resource failure and a rollback)."""


def asynchronous() -> bool:
    return bool(_state["enabled"])


def stabilize_timeout_s(stack_name: str = "") -> float:
    """How long a resource of ``stack_name`` waits to stabilize (an ECS service) before it
    fails: the stack's own timeout when one was set, else the emulator's."""
    return float(_stack_timeouts.get(stack_name, _state["stabilize_timeout_s"]))


def working() -> None:
    """A resource operation begins: in asynchronous mode it takes ``resource_s`` at least
    (0 by default; tests stretch it to watch resources in progress)."""
    _check()
    if asynchronous() and _state["resource_s"] > 0:
        pause(float(_state["resource_s"]))


def run(stack: Stack, work: Callable[[], None], label: str) -> None:
    """Run ``work`` (an engine operation on ``stack``, started by action ``label``) on its own
    thread, or now when operations are synchronous."""
    if not asynchronous():
        work()
        return
    caller = control.calls.current()
    generation = _generation[0]
    _busy.add(stack.stack_id)  # the caller holds store.LOCK: nobody reads in between

    def operation() -> None:
        control.calls.set_current(caller)  # its calls still count for the caller
        _local.generation = generation
        with _CONDITION:
            began = time.perf_counter()
            try:
                _check()
                work()
            except Cancelled:
                log.info("stack operation on %s cancelled by a reset", stack.name)
            except Exception:  # the stack shows what failed; the thread must not die silently
                log.exception("stack operation failed")
            finally:
                timing.add(f"{label} (operation)", time.perf_counter() - began)
                _busy.discard(stack.stack_id)
                _CONDITION.notify_all()

    thread = threading.Thread(target=operation, name="cloudformation-operation", daemon=True)
    _running[:] = [t for t in _running if t.is_alive()] + [thread]
    thread.start()


def pause(seconds: float) -> None:
    """Sleep; if this thread holds the store's lock, let other requests in meanwhile."""
    _check()
    is_owned: Any = getattr(store.LOCK, "_is_owned", None)
    if is_owned is not None and is_owned():
        with _CONDITION:
            _CONDITION.wait(seconds)  # releases the lock however deeply it is held
    else:
        time.sleep(seconds)
    _check()


def settle(stack: Stack) -> None:
    """Hold a read of ``stack`` (the caller holds ``store.LOCK``) while its operation runs,
    ``describe_wait_s`` at most: see the module's docstring."""
    began = time.monotonic()
    deadline = began + float(_state["describe_wait_s"])
    with _CONDITION:
        while stack.stack_id in _busy and (left := deadline - time.monotonic()) > 0:
            _CONDITION.wait(left)
    timing.waited(time.monotonic() - began)


def cancel_all(timeout_s: float = 30.0) -> bool:
    """Stop every running operation at its next pause (for a reset); True if none is left.

    Called without ``store.LOCK`` and before moto takes its backend lock, so an operation
    that is inside a call to moto can finish that call and reach its next pause."""
    _generation[0] += 1
    deadline = time.monotonic() + timeout_s
    for thread in list(_running):
        thread.join(max(deadline - time.monotonic(), 0.0))
    left = [t for t in _running if t.is_alive()]
    if left:
        log.warning("%d stack operations still running after a reset", len(left))
    return not left


def _check() -> None:
    mine = getattr(_local, "generation", None)
    if mine is not None and mine != _generation[0]:
        raise Cancelled()


@control.route("cloudformation/async")
def _async_route(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    if method == "POST":
        if body.get("defaults"):
            _state.update(DEFAULTS)
            _stack_timeouts.clear()
            return 200, _settings()
        if "stack" in body:  # {"stack": NAME, "stabilize_timeout_s": seconds or null}
            return _stack_route(body)
        if not isinstance(body.get("enabled", True), bool):
            return 400, {
                "error": 'takes {"enabled": bool} and seconds: resource_s, describe_wait_s, stabilize_timeout_s'
            }
        for key in ("resource_s", "describe_wait_s", "stabilize_timeout_s"):
            if key in body:
                _state[key] = float(body[key])
        if "enabled" in body:
            _state["enabled"] = body["enabled"]
    return 200, _settings()


def _stack_route(body: dict[str, Any]) -> tuple[int, Any]:
    name, seconds = body.get("stack"), body.get("stabilize_timeout_s")
    if (
        not isinstance(name, str)
        or not name
        or not (seconds is None or isinstance(seconds, int | float))
    ):
        return 400, {"error": 'takes {"stack": NAME, "stabilize_timeout_s": seconds or null}'}
    if seconds is None:
        _stack_timeouts.pop(name, None)
    else:
        _stack_timeouts[name] = float(seconds)
    return 200, _settings()


def _settings() -> dict[str, Any]:
    """What the route answers: the settings, and the stacks with a timeout of their own."""
    return {**_state, "stacks": dict(_stack_timeouts)}
