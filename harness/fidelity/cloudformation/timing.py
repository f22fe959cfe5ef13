"""Seconds spent per CloudFormation action, the work of the operations it starts included.

A stack operation runs after its call returns (:mod:`.operations`): its time is counted under
``"<Action> (operation)"``. A DescribeStacks held while an operation runs does not count its
wait, which the operation's own time already holds.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_timing: dict[str, list[float]] = {}
_local = threading.local()


def add(name: str, seconds: float) -> None:
    with _lock:
        entry = _timing.setdefault(name, [0, 0.0])
        entry[0] += 1
        entry[1] += seconds


def waited(seconds: float) -> None:
    """This request thread waited ``seconds`` for an operation (not its own work)."""
    _local.waited = getattr(_local, "waited", 0.0) + seconds


def take_waited() -> float:
    seconds: float = getattr(_local, "waited", 0.0)
    _local.waited = 0.0
    return seconds


def snapshot() -> dict[str, dict[str, float]]:
    with _lock:
        return {k: {"count": int(n), "seconds": round(s, 4)} for k, (n, s) in _timing.items()}


def clear() -> None:
    with _lock:
        _timing.clear()
