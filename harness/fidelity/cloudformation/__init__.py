"""CloudFormation on the emulator, faithful to AWS: our own stack engine in place of moto's.

moto's stack engine fails or hangs with the real CDK CLI and re-creates unchanged resources
on update (docs/design.md, "Targets and the fidelity layers"). ``install()`` routes
CloudFormation's stack and change-set actions to this package (stack sets stay with moto):

- ``template``/``intrinsics``/``evaluation``: templates (JSON or YAML), parameters (SSM
  types, UsePreviousValue), conditions, rules, intrinsic functions, pseudo parameters,
  imports; ``dynamic``: ``{{resolve:...}}`` references, resolved only when calling APIs.
- ``planner``: a change set's Changes (Add/Modify/Remove, Replacement True/False/Conditional,
  Static/Dynamic details), from resolved properties and the ``createOnlyProperties`` of the
  provider schemas cfn-lint ships (``schema``).
- ``engine``: create/update/delete in dependency order; unchanged resources untouched,
  create-only changes replace (old copies deleted at cleanup), rollback on failure, events.
- ``stack_actions``/``change_set_actions``: the API; ``store``: stacks and change sets.
- ``handlers``: one per resource type. Ours call the service APIs on this emulator (ECS,
  RDS, SSM parameters, secrets, ...); other types go through moto's model classes, with
  what those miss (properties, tags, updates, deletes) filled in through the APIs.

Control routes: ``/_harness/cloudformation/timing`` (seconds spent serving each action,
resource work included) and ``/_harness/cloudformation/reset``. The calls CloudFormation
makes to other services are signed with the access key ``cloudformation``, so
``/_harness/calls`` can count them apart from the caller's.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from harness.fidelity import control
from harness.fidelity.cloudformation import api, s3_policy, store

log = logging.getLogger(__name__)

_timing_lock = threading.Lock()
_timing: dict[str, list[float]] = {}


def install() -> None:
    """Route CloudFormation's stack actions to our engine (in the emulator's process)."""
    from moto.cloudformation.responses import CloudFormationResponse

    for name, action in api.ACTIONS.items():
        setattr(CloudFormationResponse, name, _served(name, action))
    # moto's transformers reshape its own model objects; ours are already API-shaped.
    CloudFormationResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER = {
        k: v
        for k, v in CloudFormationResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER.items()
        if k.startswith("DescribeStackSet")
    }
    s3_policy.install()
    _follow_moto_reset()


def _follow_moto_reset() -> None:
    """``/moto-api/reset`` empties moto's backends; our stacks, which point into them, go too."""
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.reset

    def reset(backend: Any) -> None:
        with store.LOCK:
            store.reset(backend.account_id, backend.region_name)
        original(backend)

    CloudFormationBackend.reset = reset  # type: ignore[method-assign,assignment]


def _served(name: str, action: api.Action) -> Callable[[Any], Any]:
    @functools.wraps(action)
    def method(resp: Any) -> Any:
        began = time.perf_counter()
        try:
            with store.LOCK:
                return action(resp)
        finally:
            elapsed = time.perf_counter() - began
            with _timing_lock:
                entry = _timing.setdefault(name, [0, 0.0])
                entry[0] += 1
                entry[1] += elapsed

    return method


@control.route("cloudformation/timing")
def _timing_route(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    """Count and seconds spent per CloudFormation action (resource work included)."""
    with _timing_lock:
        per_action = {k: {"count": int(n), "seconds": round(s, 4)} for k, (n, s) in _timing.items()}
    total = round(sum(v["seconds"] for v in per_action.values()), 4)
    return 200, {"actions": per_action, "total_seconds": total}


@control.route("cloudformation/reset")
def _reset_route(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    with store.LOCK:
        store.reset()
    with _timing_lock:
        _timing.clear()
    return 200, {"reset": True}
