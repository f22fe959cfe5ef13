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

Stack operations run after the call that starts them returns, as on AWS (:mod:`.operations`).

Control routes: ``/_harness/cloudformation/timing`` (seconds spent serving each action,
resource work included), ``/_harness/cloudformation/reset`` and
``/_harness/cloudformation/async``. The calls CloudFormation
makes to other services are signed with the access key ``cloudformation``, so
``/_harness/calls`` can count them apart from the caller's.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from harness.fidelity import control
from harness.fidelity.cloudformation import api, operations, s3_policy, store, timing

log = logging.getLogger(__name__)


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
    """``/moto-api/reset`` empties moto's backends; our stacks, which point into them, go too.

    Running operations are cancelled first, before moto takes its backend lock: an operation
    holds ``store.LOCK`` while its handlers call moto, so taking ``store.LOCK`` under moto's
    lock would wait for an operation that waits for moto's lock (:mod:`.operations`)."""
    from moto.cloudformation.models import CloudFormationBackend
    from moto.moto_api._internal.models import MotoAPIBackend

    original_api_reset = MotoAPIBackend.reset

    def api_reset(backend: Any) -> None:
        operations.cancel_all()
        with store.LOCK:  # no operation starts meanwhile; moto's lock is taken after ours
            original_api_reset(backend)

    MotoAPIBackend.reset = api_reset  # type: ignore[method-assign,assignment]
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
        timing.take_waited()
        try:
            with store.LOCK:
                return action(resp)
        finally:
            timing.add(name, time.perf_counter() - began - timing.take_waited())

    return method


@control.route("cloudformation/timing")
def _timing_route(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    """Count and seconds spent per CloudFormation action (resource work included)."""
    per_action = timing.snapshot()
    total = round(sum(v["seconds"] for v in per_action.values()), 4)
    return 200, {"actions": per_action, "total_seconds": total}


@control.route("cloudformation/reset")
def _reset_route(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    operations.cancel_all()
    with store.LOCK:
        store.reset()
    timing.clear()
    return 200, {"reset": True}
