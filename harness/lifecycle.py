"""One cell of the comparison: a tool and strategy driven through the lifecycle with one change kind.

Phases (DESIGN.md): app deploy of v1, the post-deploy backend-update task, an app update to
v2 by the shared script, the infra update with the change kind, and, when the change did not
take effect at once, a second app update (v3) to see whether it was deferred to it. A drift
check follows each phase. The app layer is always destroyed, also after a failure.
The base layer is deployed once per tool by the caller (:func:`deploy_base`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from harness import app_update
from harness.changes import apply_change, change_in_effect
from harness.contract import EnvNames
from harness.drivers.base import AppSettings, DriftReport, StackDriver
from harness.endpoint import Endpoint
from harness.expectations import ChangeOutcome, Expectation, VersionOutcome, expected
from harness.recorder import CellRecorder
from harness.records import ChangeKind, Phase, Strategy

log = logging.getLogger(__name__)

V1, V2, V3 = "v1", "v2", "v3"
VERSIONS = [V1, V2, V3]


@dataclass(frozen=True, slots=True)
class CellOutcome:
    """What was observed in one cell, next to what the tools' documentation says."""

    expectation: Expectation
    version: VersionOutcome
    change: ChangeOutcome
    drift_after_app_update: bool
    version_after_infra_update: str


def deploy_base(driver: StackDriver, recorder: CellRecorder, base: str) -> None:
    with recorder.phase(Phase.BASE) as note:
        result = driver.deploy_base(base)
        note.timings = dict(result.timings)


def destroy_base(driver: StackDriver, recorder: CellRecorder, base: str) -> None:
    with recorder.phase(Phase.DESTROY, "base") as note:
        note.timings = dict(driver.destroy_base(base).timings)


def run_cell(
    driver: StackDriver,
    endpoint: Endpoint,
    recorder: CellRecorder,
    initial: AppSettings,
    kind: ChangeKind,
) -> CellOutcome:
    """Drive one cell and return its outcome; the app layer is destroyed at the end."""
    names = EnvNames(initial.env, initial.base)
    expectation = expected(driver.tool, initial.strategy, kind)
    try:
        return _lifecycle(driver, endpoint, recorder, initial, kind, names, expectation)
    finally:
        with recorder.phase(Phase.DESTROY, "app") as note:
            note.timings = dict(driver.destroy_app(initial).timings)


def _lifecycle(
    driver: StackDriver,
    endpoint: Endpoint,
    recorder: CellRecorder,
    initial: AppSettings,
    kind: ChangeKind,
    names: EnvNames,
    expectation: Expectation,
) -> CellOutcome:
    with recorder.phase(Phase.APP) as note:
        note.timings = dict(driver.deploy_app(initial).timings)
        note.version_expected = initial.image_tag
        note.version_after = app_update.running_version(endpoint, initial.env)
    with recorder.phase(Phase.POST_DEPLOY):
        app_update.run_backend_update(endpoint, initial.env, initial.base)
    _drift(driver, recorder, initial, "after-deploy")

    with recorder.phase(Phase.APP_UPDATE) as note:
        note.version_before = app_update.running_version(endpoint, initial.env)
        app_update.update(endpoint, initial.env, initial.base, V2)
        note.version_expected = V2
        note.version_after = app_update.running_version(endpoint, initial.env)
    running = note.version_after or V2

    # What the user would deploy if nothing changed in code: the initial inputs (the pinned
    # strategy reads the running version first). The drift check uses these, so it shows what
    # the script changed, not the infra change about to be made.
    current = initial.with_tag(running) if initial.strategy is Strategy.PINNED else initial
    drift = _drift(driver, recorder, current, "after-app-update")
    changed = apply_change(current, kind)

    with recorder.phase(Phase.INFRA_UPDATE) as note:
        note.version_before = running
        note.timings = dict(driver.deploy_app(changed).timings)
        note.version_after = app_update.running_version(endpoint, initial.env)
        kept = expectation.version is VersionOutcome.KEPT
        note.version_expected = running if kept else initial.image_tag
        note.infra_change_applied = change_in_effect(endpoint, names, kind)
    after_infra = note.version_after or ""
    applied_now = note.infra_change_applied
    _drift(driver, recorder, changed, "after-infra-update")

    change = ChangeOutcome.NOT_APPLICABLE if kind is ChangeKind.NONE else ChangeOutcome.NOW
    if kind is not ChangeKind.NONE and not applied_now:
        with recorder.phase(Phase.APP_UPDATE, "next") as note:
            note.version_before = after_infra
            app_update.update(endpoint, initial.env, initial.base, V3)
            note.version_expected = V3
            note.version_after = app_update.running_version(endpoint, initial.env)
            note.infra_change_applied = change_in_effect(endpoint, names, kind)
        change = ChangeOutcome.DEFERRED if note.infra_change_applied else ChangeOutcome.NOT_APPLIED
    version = VersionOutcome.KEPT if after_infra == running else VersionOutcome.ROLLED_BACK
    return CellOutcome(expectation, version, change, drift.drifted, after_infra)


def _drift(
    driver: StackDriver, recorder: CellRecorder, settings: AppSettings, step: str
) -> DriftReport:
    with recorder.phase(Phase.DRIFT, step) as note:
        report = driver.drift_app(settings)
        note.drift_detected, note.drift = report.drifted, report.items
        note.timings = {"check": report.duration_s}
    return report
