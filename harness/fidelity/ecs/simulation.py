"""How long simulated ECS work takes, how simulated tasks end, and the control routes that change both.

The emulator runs no containers: a task's life (PROVISIONING -> PENDING -> RUNNING ->
DEPROVISIONING -> STOPPED) and a service's rollout are computed from the wall clock when
they are observed. Defaults are short so tests stay fast; tests stretch them to watch the
intermediate states, and make a task family fail, hang or fail its health checks:

    POST /_harness/ecs/task-outcome  {"family": "alpha-backend-update", "exit_code": 1}
    POST /_harness/ecs/task-outcome  {"family": "alpha-backend-update", "never_stops": true}
    POST /_harness/ecs/task-outcome  {"family": "alpha-web", "unhealthy": true}
    POST /_harness/ecs/timing        {"provisioning_s": 1.0, "draining_s": 2.0}
    POST /_harness/ecs/reset         back to defaults: every task exits 0, default timing

``family`` may name one revision (``alpha-web:3``), which wins over its family's outcome.
A one-off task (RunTask) exits 0 after ``task_run_s`` unless its family's outcome says
otherwise; a service's task runs until it is stopped, unless its family was given an outcome
with an exit code (its essential container then exits after ``task_run_s``).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

from harness.fidelity import control


@dataclass(frozen=True, slots=True)
class Timing:
    """Simulated durations, in seconds."""

    provisioning_s: float = 0.05
    pending_s: float = 0.05
    task_run_s: float = 0.3
    """How long an essential container runs before it exits by itself."""
    stopping_s: float = 0.05
    crash_s: float = 0.02
    """How long a service's failing essential container runs before it exits (before its
    health checks could pass, as a crashing server does)."""
    health_check_s: float = 0.1
    """From a target's registration (or a container's start) until its health check verdict."""
    draining_s: float = 0.1
    """A stopped service task's load balancer deregistration delay (AWS default: 300 s)."""
    retry_s: float = 0.2
    """The service scheduler's first back-off after a task failed; it doubles, up to 16x."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How tasks of one family end."""

    exit_code: int | None = None
    """None: a one-off task exits 0, a service's task runs until stopped."""
    never_stops: bool = False
    unhealthy: bool = False
    """Its health checks fail (load balancer target, or the container's healthCheck)."""


class _State:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._timing = Timing()
        self._outcomes: dict[str, Outcome] = {}

    def timing(self) -> Timing:
        with self._lock:
            return self._timing

    def set_timing(self, **changes: float) -> Timing:
        with self._lock:
            self._timing = dataclasses.replace(self._timing, **changes)
            return self._timing

    def outcome(self, family: str) -> Outcome | None:
        """The outcome set for ``family``; None when none was set."""
        with self._lock:
            return self._outcomes.get(family)

    def set_outcome(self, family: str, outcome: Outcome) -> None:
        with self._lock:
            self._outcomes[family] = outcome

    def outcomes(self) -> dict[str, Outcome]:
        with self._lock:
            return dict(self._outcomes)

    def reset(self) -> None:
        with self._lock:
            self._timing = Timing()
            self._outcomes.clear()


state = _State()


@control.route("ecs/task-outcome")
def _task_outcome(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    if method == "POST":
        family = body.get("family")
        if not isinstance(family, str) or not family:
            return 400, {
                "error": 'needs {"family": NAME} and "exit_code": N, "never_stops" or "unhealthy"'
            }
        outcome = Outcome(
            None if body.get("exit_code") is None else int(body["exit_code"]),
            bool(body.get("never_stops", False)),
            bool(body.get("unhealthy", False)),
        )
        state.set_outcome(family, outcome)
    return 200, {name: dataclasses.asdict(o) for name, o in state.outcomes().items()}


@control.route("ecs/timing")
def _timing(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    if method == "POST":
        known = {f.name for f in dataclasses.fields(Timing)}
        unknown = sorted(set(body) - known)
        if unknown:
            return 400, {"error": f"unknown timing {unknown}; known: {sorted(known)}"}
        state.set_timing(**{k: float(v) for k, v in body.items()})
    return 200, dataclasses.asdict(state.timing())


@control.route("ecs/reset")
def _reset(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    state.reset()
    return 200, {"timing": dataclasses.asdict(state.timing()), "outcomes": {}}
