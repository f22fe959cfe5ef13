"""The failure scenarios: an app update to a version that cannot start, and an infra update after it.

One failure cell per tool and strategy (expectations in :mod:`harness.failure_expectations`):

1. **app**: the tool deploys the good version (v1).
2. **broken app update**: the shared script deploys :data:`BROKEN` to every service. The
   version's service tasks cannot start: their essential container exits at once, set up
   through the emulator's ECS control hook for the services' families (every revision that
   exists now keeps running; the backend-update task, which runs the migrations, still
   succeeds). The script's own stability wait is shortened (:class:`FailureTimeouts`), so it
   gives up in seconds, not the 60 s it allows on the emulator.
3. **infra update while failing**: the tool applies its configuration again with a change to
   the web service (``service-property``), the deployment still failing. CloudFormation's wait
   for a service to stabilize (hours on AWS) is compressed through the emulator's
   ``cloudformation/async`` ``stabilize_timeout_s``, for the cell's stack alone; Terraform's
   stacks do not wait at all.

Each phase's record carries its ``failure_kind``, the versions each service's definition names,
the fewest healthy web targets while it ran, its status and error (and so how long until the
tool gave up: the failed phase's duration), and ``tool_state``: the stack's status (CDK) or
whether Terraform's state lock is left. Embedded emulator only (the hooks are its own).
"""

from __future__ import annotations

import contextlib
import json
import logging
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import app_update, images
from harness.app_side import AppSide
from harness.changes import apply_change
from harness.contract import SERVICES, WEB, EnvNames
from harness.drivers.base import AppSettings, StackDriver
from harness.drivers.cdk import app_stack
from harness.endpoint import Endpoint
from harness.failure_outcomes import BROKEN_TAG, GOOD_TAG, FailureObserved, observe_failure
from harness.health import HealthSampler
from harness.recorder import CellRecorder, PhaseNote
from harness.records import ChangeKind, FailureKind, Phase, Strategy, Tool

log = logging.getLogger(__name__)

INFRA_CHANGE = ChangeKind.SERVICE
"""The infra update's change: the web service's health-check grace period."""


@dataclass(frozen=True, slots=True)
class FailureTimeouts:
    """How long each party waits before it gives up, compressed for the emulator."""

    script_services_s: float = 4.0
    """The app-update script's wait for stable services (60 s on the emulator by default)."""
    cloudformation_stabilize_s: float = 8.0
    """CloudFormation's wait for an ECS service to stabilize (hours on AWS)."""


def run_failure_cell(
    driver: StackDriver,
    app: AppSide,
    recorder: CellRecorder,
    endpoint: Endpoint,
    initial: AppSettings,
    timeouts: FailureTimeouts | None = None,
) -> FailureObserved:
    """Drive one failure cell; the app layer is always destroyed. Its observation."""
    timeouts = timeouts or FailureTimeouts()
    env = initial.env
    try:
        _scenario(driver, app, recorder, endpoint, initial, timeouts)
    finally:
        _heal(endpoint, env)
        with recorder.phase(Phase.DESTROY, "app") as note:
            note.timings = dict(driver.destroy_app(initial).timings)
            app.deregister_revisions(env)
    return observe_failure(recorder.records)


def _scenario(
    driver: StackDriver,
    app: AppSide,
    recorder: CellRecorder,
    endpoint: Endpoint,
    initial: AppSettings,
    timeouts: FailureTimeouts,
) -> None:
    env, base = initial.env, initial.base
    with recorder.phase(Phase.APP) as note:
        note.timings = dict(driver.deploy_app(initial).timings)
        note.version_expected = initial.image_tag
        note.versions_after = app.running_versions(env)
        note.version_after = note.versions_after.get(WEB)
    images.publish(endpoint, base, [BROKEN_TAG])
    _break_new_revisions(endpoint, env)

    waits = app_update.Waits(0.1, 60.0, timeouts.script_services_s)
    with _failing_phase(recorder, Phase.APP_UPDATE, FailureKind.BROKEN_APP_UPDATE, app, env, base):
        app_update.update(endpoint, env, base, BROKEN_TAG, waits=waits)

    running = app.running_versions(env).get(WEB, GOOD_TAG)
    current = initial.with_tag(running) if initial.strategy is Strategy.PINNED else initial
    changed = apply_change(current, INFRA_CHANGE)
    kind = FailureKind.INFRA_UPDATE_WHILE_FAILING
    with (
        _stack_stabilize_timeout(endpoint, app_stack(env), timeouts.cloudformation_stabilize_s),
        _failing_phase(recorder, Phase.INFRA_UPDATE, kind, app, env, base,
                       lambda: tool_state(driver, endpoint, env)) as note,
    ):  # fmt: skip
        note.timings = dict(driver.deploy_app(changed).timings)


@contextlib.contextmanager
def _failing_phase(
    recorder: CellRecorder,
    phase: Phase,
    kind: FailureKind,
    app: AppSide,
    env: str,
    base: str,
    state: Any = None,
) -> Iterator[PhaseNote]:
    """A phase that may fail: its record says so (status, error), then the cell goes on.

    Versions, healthy targets and the tool's state are read whether or not it failed."""
    try:
        with recorder.phase(phase, str(kind)) as note:
            note.failure_kind = kind
            note.version_before = app.running_versions(env).get(WEB)
            sampler = HealthSampler(app.healthy_targets(env, base))
            try:
                with sampler:
                    yield note
            finally:
                note.min_healthy_targets = sampler.minimum
                note.versions_after = app.running_versions(env)
                note.version_after = note.versions_after.get(WEB)
                note.tool_state = state() if state is not None else None
    except Exception as exc:  # the record holds it: how the tool failed is the observation
        log.info("%s: %s failed as it may: %s", env, kind, exc)


def tool_state(driver: StackDriver, endpoint: Endpoint, env: str) -> str:
    """The app stack's status (CDK), or whether Terraform left its state locked."""
    if driver.tool is Tool.CDK:
        cf = endpoint.client("cloudformation")
        try:
            return str(cf.describe_stacks(StackName=app_stack(env))["Stacks"][0]["StackStatus"])
        except cf.exceptions.ClientError as exc:
            return f"unknown ({exc})"
    workdir = Path(getattr(driver, "workdir", "."))
    # The local backend writes .<state file>.lock.info beside the state while it holds the lock.
    locks = list((workdir / "state").glob(f"*app-{env}.tfstate.lock.info"))
    return "lock held" if locks else "unlocked"


# the emulator's hooks ----------------------------------------------------------------------
def _break_new_revisions(endpoint: Endpoint, env: str) -> None:
    """Every revision of the services' families registered from now on cannot start (its
    essential container exits); those that exist keep running as they do."""
    ecs = endpoint.client("ecs")
    names = EnvNames(env, "")
    for component in SERVICES:
        family = names.family(component)
        arns = ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]
        for arn in arns:
            _control(endpoint, "ecs/task-outcome", {"family": arn.rsplit("/", 1)[-1]})
        _control(endpoint, "ecs/task-outcome", {"family": family, "exit_code": 1})


def _heal(endpoint: Endpoint, env: str) -> None:
    with contextlib.suppress(Exception):  # best effort: the environment is destroyed next
        for component in SERVICES:
            family = EnvNames(env, "").family(component)
            _control(endpoint, "ecs/task-outcome", {"family": family})


@contextlib.contextmanager
def _stack_stabilize_timeout(endpoint: Endpoint, stack: str, seconds: float) -> Iterator[None]:
    """CloudFormation's stabilization wait for ``stack`` alone shortened while the block runs
    (the emulator's other stacks, other cells' running beside it, keep theirs)."""
    _control(endpoint, "cloudformation/async", {"stack": stack, "stabilize_timeout_s": seconds})
    try:
        yield
    finally:
        _control(endpoint, "cloudformation/async", {"stack": stack, "stabilize_timeout_s": None})


def _control(endpoint: Endpoint, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{endpoint.url}/_harness/{path}",
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())
