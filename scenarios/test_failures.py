"""The failure scenarios, per tool and strategy: an app update to a version that cannot start,
then the tool's infra update applied while the service fails.

Outcomes are judged against :func:`harness.failure_expectations.expected_failure` (the tools'
documentation), never against what the emulator happened to do: whether each step failed,
which revision each service's definition names afterwards, the stack's status or the state
lock, and whether the web service kept a healthy target throughout. Embedded emulator only:
the version is broken, and CloudFormation's stabilization wait shortened, through its hooks.
"""

from __future__ import annotations

import pytest

from harness.endpoint import Target
from harness.external_targets import REQUIRED_SERVICES
from harness.failure_expectations import FAILURE_STRATEGIES, expected_failure
from harness.failures import INFRA_CHANGE, run_failure_cell
from harness.records import FailureKind, Status, Strategy, Tool
from scenarios.fixtures import STRATEGY_SHORT, TOOL_SHORT, ScenarioBases

pytestmark = [pytest.mark.slow, pytest.mark.services(*REQUIRED_SERVICES)]

TOOL_MARKS = {Tool.TERRAFORM: pytest.mark.terraform, Tool.CDK: pytest.mark.cdk}

# (tool, strategy) -> the fidelity the emulator still lacks for that cell
NOT_FAITHFUL_YET: dict[tuple[Tool, Strategy], str] = {}
DEFAULT_CELLS = {(Tool.TERRAFORM, Strategy.PLAIN), (Tool.CDK, Strategy.UNPINNED)}
"""One failure cell per tool in the default suite (the test-time budget); the other strategies'
carry the ``matrix`` marker (``nox -s matrix``), and ``compare`` runs all of them."""


def cells() -> list[object]:
    params = []
    for tool, strategies in FAILURE_STRATEGIES.items():
        for strategy in strategies:
            gap = NOT_FAITHFUL_YET.get((tool, strategy))
            marks = [TOOL_MARKS[tool]]
            marks += [] if (tool, strategy) in DEFAULT_CELLS else [pytest.mark.matrix]
            marks += [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            params.append(pytest.param(tool, strategy, marks=marks, id=f"{tool}-{strategy}"))
    return params


@pytest.mark.parametrize(("tool", "strategy"), cells())
def test_failing_app_update_then_infra_update(
    scenario_bases: ScenarioBases, target: Target, tool: Tool, strategy: Strategy
) -> None:
    if target is not Target.EMBEDDED:
        pytest.skip(
            "the failure scenarios use the embedded emulator's ECS and CloudFormation hooks"
        )
    env = f"{TOOL_SHORT[tool]}-{STRATEGY_SHORT[strategy]}-fail"
    spec = scenario_bases.cell(tool, strategy, INFRA_CHANGE, env=env)
    cell = scenario_bases.open(spec)
    expected = expected_failure(tool, strategy)

    seen = run_failure_cell(cell.driver, cell.app, cell.recorder, cell.endpoint, spec.settings())

    kinds = [r.failure_kind for r in cell.recorder.records if r.failure_kind is not None]
    assert kinds == [FailureKind.BROKEN_APP_UPDATE, FailureKind.INFRA_UPDATE_WHILE_FAILING]
    assert cell.recorder.records[0].status is Status.OK  # the good version deployed
    assert seen.app_update_failed is expected.app_update_fails, seen.errors
    assert seen.after_app_update == dict(expected.after_app_update), expected.why
    assert seen.infra_update_failed is expected.infra_update_fails, seen.errors
    assert seen.after_infra_update == dict(expected.after_infra_update), expected.why
    assert seen.tool_state == expected.tool_state, seen.errors
    assert seen.stuck is expected.stuck
    assert seen.serving is expected.serving, seen.min_healthy
