"""The emulator's control API under ``/_harness/``: call counts, info, and test hooks.

Layers register routes with :func:`route`; the server answers them before moto sees the
request. These endpoints exist only on the embedded emulator, bound to loopback.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

PREFIX = "/_harness/"

Handler = Callable[[str, dict[str, Any]], tuple[int, Any]]
"""(HTTP method, JSON body or query dict) -> (status, JSON-able answer)."""

_routes: dict[str, Handler] = {}


def route(path: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``/_harness/<path>``."""

    def register(handler: Handler) -> Handler:
        _routes[path.strip("/")] = handler
        return handler

    return register


def dispatch(path: str, method: str, body: dict[str, Any]) -> tuple[int, bytes]:
    handler = _routes.get(path[len(PREFIX) :].strip("/"))
    if handler is None:
        known = ", ".join(sorted(_routes))
        return 404, json.dumps({"error": f"no control route {path}; known: {known}"}).encode()
    status, answer = handler(method, body)
    return status, json.dumps(answer, default=str).encode()


ON_BEHALF_HEADER = "x-harness-on-behalf-of"
"""Set by the emulator's own services (CloudFormation) on the calls they make for a caller."""
VIA_SEPARATOR = ">"
"""Calls made on a caller's behalf are counted as ``cloudformation>ecs:CreateService``."""


class CallCounter:
    """Thread-safe count of the AWS API calls the emulator served, keyed ``service:Action``.

    Counts are also kept per caller (access key id), so cells that share one emulator but use
    their own (dummy) access key each can read their own calls. Temporary keys a caller got
    from STS (the CDK CLI assumes the bootstrap roles) count for that caller, and so do the
    calls CloudFormation makes to carry out that caller's stack operations.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, Counter[str]] = {}
        self._aliases: dict[str, str] = {}
        self._local = threading.local()
        # per caller: requests in flight, since when, and the seconds with at least one
        self._inflight: Counter[str] = Counter()
        self._busy_since: dict[str, float] = {}
        self._busy: dict[str, float] = {}

    def caller(self, access_key: str) -> str:
        """The original caller behind ``access_key`` (itself unless a temporary key)."""
        with self._lock:
            return self._aliases.get(access_key, access_key)

    def alias(self, temporary_key: str, access_key: str) -> None:
        """Count ``temporary_key``'s calls for the caller behind ``access_key``."""
        original = self.caller(access_key)
        with self._lock:
            self._aliases[temporary_key] = original

    def add(self, call: str, caller: str = "") -> None:
        with self._lock:
            self._counts.setdefault(caller, Counter())[call] += 1

    def begin(self, caller: str) -> None:
        """A request served for ``caller`` starts (see :meth:`busy_s`)."""
        with self._lock:
            if not self._inflight[caller]:
                self._busy_since[caller] = self._clock()
            self._inflight[caller] += 1

    def end(self, caller: str) -> None:
        with self._lock:
            self._inflight[caller] -= 1
            if not self._inflight[caller]:
                elapsed = self._clock() - self._busy_since.pop(caller)
                self._busy[caller] = self._busy.get(caller, 0.0) + elapsed

    def busy_s(self, access_key: str) -> float:
        """Seconds during which at least one request for ``access_key`` was being served (its
        own and those made on its behalf): the time the AWS side took, overlaps counted once."""
        with self._lock:
            busy = self._busy.get(access_key, 0.0)
            if self._inflight[access_key]:
                busy += self._clock() - self._busy_since[access_key]
            return busy

    def snapshot(self, access_key: str | None = None) -> dict[str, int]:
        with self._lock:
            if access_key is not None:
                return dict(self._counts.get(access_key, {}))
            total: Counter[str] = Counter()
            for counts in self._counts.values():
                total.update(counts)
            return dict(total)

    # The caller whose request this server thread is handling; services that call back into
    # the emulator on its behalf (CloudFormation's handlers) read it to sign their calls.
    def set_current(self, caller: str | None) -> None:
        self._local.caller = caller

    def current(self) -> str | None:
        return getattr(self._local, "caller", None)


calls = CallCounter()


@route("busy")
def _busy(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    return 200, {"busy_s": calls.busy_s(str(body.get("key", "")))}


@route("calls")
def _calls(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    return 200, calls.snapshot(body.get("key"))


@route("info")
def _info(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    """What this emulator is: its fidelity layers (for a harness attaching to it)."""
    from harness import fidelity

    return 200, {"layers": fidelity.installed_layers()}
