"""One cell of the comparison: a tool and strategy driven through the lifecycle with one change kind.

Phases (docs/design.md, "The lifecycle"): app deploy of v1, the post-deploy backend-update
task, an app update to v2 by the shared script, the infra update with the change kind, and,
when the change did not take effect at once, a second app update (v3) to see whether it was
deferred to it. A drift check follows each phase. The app layer is always destroyed, also
after a failure, and so are the task definition revisions the script registered outside the
tool. The base layer is deployed once per tool by the caller (:func:`deploy_base`); a cell of a
base-layer change kind gets one of its own (:data:`OWN_BASE_KINDS`) and redeploys it.

The tool is reached only through its driver, the application only through an
:class:`~harness.app_side.AppSide`; the outcome is read back from the cell's own records
(:mod:`harness.outcomes`), so it is the same reading the report makes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from harness.app_side import AppSide
from harness.changes import apply_change
from harness.contract import WEB
from harness.drivers.base import AppSettings, DriftReport, StackDriver
from harness.expectations import Expectation, VersionOutcome, expected
from harness.health import HealthSampler
from harness.outcomes import (
    AFTER_APP_UPDATE,
    NEXT_APP_UPDATE,
    Observed,
    Verdict,
    judge,
    observe,
)
from harness.recorder import CellRecorder, PhaseNote
from harness.records import ChangeKind, Phase, Strategy

log = logging.getLogger(__name__)

V1, V2, V3 = "v1", "v2", "v3"
VERSIONS = [V1, V2, V3]
OWN_BASE_KINDS = frozenset({ChangeKind.SECURITY_GROUP_RULE})
"""Change kinds of the base layer: a cell of one deploys its base with the change, so it runs
on a base of its own (cells sharing a base would see each other's change)."""


@dataclass(frozen=True, slots=True)
class CellOutcome:
    """What was observed in one cell, next to what the tools' documentation says."""

    expectation: Expectation
    observed: Observed
    verdict: Verdict


def deploy_base(driver: StackDriver, recorder: CellRecorder, base: str) -> None:
    with recorder.phase(Phase.BASE) as note:
        note.timings = dict(driver.deploy_base(base).timings)


def destroy_base(driver: StackDriver, recorder: CellRecorder, base: str) -> None:
    with recorder.phase(Phase.DESTROY, "base") as note:
        note.timings = dict(driver.destroy_base(base).timings)


def run_cell(
    driver: StackDriver,
    app: AppSide,
    recorder: CellRecorder,
    initial: AppSettings,
    kind: ChangeKind,
) -> CellOutcome:
    """Drive one cell and return its outcome; the app layer is destroyed at the end."""
    expectation = expected(driver.tool, initial.strategy, kind)
    try:
        _lifecycle(driver, app, recorder, initial, kind, expectation)
    finally:
        with recorder.phase(Phase.DESTROY, "app") as note:
            note.timings = dict(driver.destroy_app(initial).timings)
            # Tools destroy only the revisions they registered; the script's stay ACTIVE.
            began = time.perf_counter()
            count = app.deregister_revisions(initial.env)
            note.timings["deregister"] = time.perf_counter() - began
            log.info(
                "%s: deregistered %d revisions registered outside the tool", initial.env, count
            )
    observed = observe(recorder.records)
    return CellOutcome(expectation, observed, judge(observed, expectation))


def _lifecycle(
    driver: StackDriver,
    app: AppSide,
    recorder: CellRecorder,
    initial: AppSettings,
    kind: ChangeKind,
    expectation: Expectation,
) -> None:
    env, base = initial.env, initial.base
    with recorder.phase(Phase.APP) as note:
        note.timings = dict(driver.deploy_app(initial).timings)
        note.version_expected = initial.image_tag
        _versions(note, app, env)
    with recorder.phase(Phase.POST_DEPLOY):
        app.run_backend_update(env, base)
    _drift(driver, recorder, initial, "after-deploy")

    with recorder.phase(Phase.APP_UPDATE) as note, _health(note, app, env, base):
        note.version_before = app.running_versions(env)[WEB]
        app.update(env, base, V2)
        note.version_expected = V2
        _versions(note, app, env)
    running = note.version_after or V2

    # What the user would deploy if nothing changed in code: the initial inputs (the pinned
    # strategy reads the running version first). The drift check uses these, so it shows what
    # the script changed, not the infra change about to be made.
    # hotswap: the code now says the tag the app update hotswapped.
    follows_running = initial.strategy in (Strategy.PINNED, Strategy.HOTSWAP)
    current = initial.with_tag(running) if follows_running else initial
    _drift(driver, recorder, current, AFTER_APP_UPDATE)
    changed = apply_change(current, kind)

    with recorder.phase(Phase.INFRA_UPDATE) as note, _health(note, app, env, base):
        note.version_before = running
        note.timings = _infra_update(driver, changed, kind)
        _versions(note, app, env)
        kept = expectation.services.get(WEB) is VersionOutcome.KEPT
        note.version_expected = running if kept else initial.image_tag
        note.infra_change_applied = app.change_in_effect(env, base, kind)
    after_infra, applied_now = note.version_after or "", note.infra_change_applied
    _drift(driver, recorder, changed, "after-infra-update")

    if kind is not ChangeKind.NONE and not applied_now:
        with (
            recorder.phase(Phase.APP_UPDATE, NEXT_APP_UPDATE) as note,
            _health(note, app, env, base),
        ):
            note.version_before = after_infra
            app.update(env, base, V3)
            note.version_expected = V3
            _versions(note, app, env)
            note.infra_change_applied = app.change_in_effect(env, base, kind)


def _infra_update(driver: StackDriver, changed: AppSettings, kind: ChangeKind) -> dict[str, float]:
    """Deploy the infra change as the tool's owner would; the step timings (base ones prefixed).

    A base-layer change (the security group rule) deploys the base with it first, then the app
    layer as a pipeline does after it: Terraform applies the app's root module too (it reads the
    base through remote state), CDK deploys the app stack (``--exclusively``). The cell's base is
    its own (:data:`OWN_BASE_KINDS`), so no other cell sees the change.
    """
    timings: dict[str, float] = {}
    if kind in OWN_BASE_KINDS:
        base = driver.deploy_base(changed.base, changed.app_ingress_cidr)
        timings = {f"base-{step}": s for step, s in base.timings.items()}
    return timings | dict(driver.deploy_app(changed).timings)


@contextmanager
def _health(note: PhaseNote, app: AppSide, env: str, base: str) -> Iterator[None]:
    """Samples the web target group's healthy targets while the block runs (the phases after
    the first deploy, when the app is meant to be serving); the fewest goes to the record."""
    with HealthSampler(app.healthy_targets(env, base)) as sampler:
        yield
    note.min_healthy_targets = sampler.minimum


def _versions(note: PhaseNote, app: AppSide, env: str) -> None:
    note.versions_after = app.running_versions(env)
    note.version_after = note.versions_after.get(WEB)


def _drift(
    driver: StackDriver, recorder: CellRecorder, settings: AppSettings, step: str
) -> DriftReport:
    with recorder.phase(Phase.DRIFT, step) as note:
        report = driver.drift_app(settings)
        note.drift_detected, note.drift = report.drifted, report.items
        note.timings = {"check": report.duration_s}
        if report.live is not None:
            note.live_drift_detected = report.live.drifted
            note.live_drift = {k: list(v) for k, v in report.live.resources.items()}
            note.timings["live-check"] = report.live.duration_s
    return report
