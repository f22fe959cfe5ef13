"""The failure scenarios as extra cells of a comparison (``--no-failure-scenarios`` leaves them out).

One cell per tool and strategy, on the same bases, in the same pool as the regular cells (the
first ones handed out: they take longest): an app update to a version that cannot start, then
the tool's infra update while it fails (:mod:`harness.failures`; the short stabilization
timeout it sets is its stack's alone). Embedded emulator only: the version is broken through its hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from harness.compare.matrix import CellResult, CellSpec, CompareOptions, DeployedBase
from harness.compare.run import Run, first_line
from harness.endpoint import Target
from harness.failure_expectations import FAILURE_STRATEGIES, expected_failure
from harness.failure_outcomes import FailureObserved
from harness.failures import INFRA_CHANGE, run_failure_cell
from harness.outcomes import CellStatus
from harness.profiles import BUILTIN

log = logging.getLogger(__name__)


def plan_failure_cells(
    options: CompareOptions, suffix: str, bases: Sequence[DeployedBase], first: int
) -> list[CellSpec]:
    """The failure cells of a run (numbered on from ``first``); none off the emulator, nor on a
    stack other than ours (the broken version and its expectations are our app's)."""
    if not options.failure_scenarios or options.target is not Target.EMBEDDED:
        return []
    cells: list[CellSpec] = []
    for base in bases:
        if not base.image_repository or options.profile(base.tool).path != BUILTIN[base.tool]:
            continue
        for strategy in FAILURE_STRATEGIES[base.tool]:
            if options.strategies and strategy not in options.strategies:
                continue
            n = first + len(cells)
            cells.append(CellSpec(n, base.tool, strategy, INFRA_CHANGE, 0, f"f{n}-{suffix}",
                                  base.name, base.image_repository))  # fmt: skip
    return cells


def run_failure_one(run: Run, spec: CellSpec) -> CellResult:
    """One failure cell, start to destroy, judged against its documented expectation."""
    if run.stop.is_set():
        return CellResult(spec, CellStatus.CANCELLED)
    run.progress.started(spec)
    try:
        cell = run.cell(spec)
        seen = run_failure_cell(
            cell.driver, cell.app, cell.recorder, cell.endpoint, spec.settings()
        )
    except Exception as exc:
        log.debug("failure cell %s failed", spec.label, exc_info=True)
        return CellResult(spec, CellStatus.FAILED, f"{type(exc).__name__}: {first_line(exc)}")
    return _judged(spec, seen)


def _judged(spec: CellSpec, seen: FailureObserved) -> CellResult:
    expected = expected_failure(spec.tool, spec.strategy)
    differs = [
        name
        for name, agrees in (
            ("app update", seen.app_update_failed is expected.app_update_fails),
            ("versions after the app update", seen.after_app_update == dict(expected.after_app_update)),
            ("infra update", seen.infra_update_failed is expected.infra_update_fails),
            ("versions after the infra update", seen.after_infra_update == dict(expected.after_infra_update)),
            ("tool state", seen.tool_state == expected.tool_state),
        )
        if not agrees
    ]  # fmt: skip
    if differs:
        return CellResult(
            spec, CellStatus.DIFFERS, "failure scenario differs: " + ", ".join(differs)
        )
    detail = f"failure scenario: {seen.tool_state}, web {seen.after_infra_update.get('web')}"
    return CellResult(spec, CellStatus.AS_DOCUMENTED, detail)
