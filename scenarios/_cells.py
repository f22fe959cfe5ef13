"""What the Terraform and CDK scenarios share about cells: an access key each, and its calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from harness.endpoint import Endpoint, Target
from harness.expectations import STRATEGIES
from harness.lifecycle import CellOutcome
from harness.recorder import CellRecorder
from harness.records import ChangeKind, Status, Strategy, Tool

CHANGE_SHORT = {
    ChangeKind.NONE: "none",
    ChangeKind.UNRELATED: "unrel",
    ChangeKind.SERVICE: "svc",
    ChangeKind.TASK_DEFINITION: "td",
}
"""Short change-kind names for environment names (they become parts of AWS resource names)."""


def cell_endpoint(endpoint: Endpoint, key: str) -> Endpoint:
    """``endpoint`` with an access key of its own, so the emulator counts this cell's calls apart."""
    return endpoint.with_access_key(key)


def call_counter(
    request: pytest.FixtureRequest, target: Target, key: str
) -> Callable[[], dict[str, int]] | None:
    """The emulator's call counts for ``key`` (None on targets that do not count calls)."""
    if target is not Target.EMBEDDED:
        return None
    emulator = request.getfixturevalue("emulator")
    return lambda: dict(emulator.calls(key))


def matrix(tool: Tool, gaps: Mapping[tuple[Strategy, ChangeKind], str]) -> list[object]:
    """``(strategy, kind)`` parameters of ``tool``'s cells; a cell listed in ``gaps`` (the
    fidelity still missing for it) is xfail(strict), so it cannot pass silently."""
    params = []
    for strategy in STRATEGIES[tool]:
        for kind in ChangeKind:
            gap = gaps.get((strategy, kind))
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            params.append(pytest.param(strategy, kind, marks=marks, id=f"{strategy}-{kind}"))
    return params


def assert_as_documented(outcome: CellOutcome, recorder: CellRecorder) -> None:
    """Every phase succeeded and the cell behaved as the tool's documentation says."""
    expected = outcome.expectation
    assert [r.status for r in recorder.records] == [Status.OK] * len(recorder.records)
    assert outcome.version is expected.version, expected.why
    assert outcome.change is expected.change, expected.why
    assert outcome.drift_after_app_update is expected.drift_after_app_update, expected.why
