"""The failure scenarios offline: their expectations, the reading of their records, the
report's section and the comparison's plan (the cells themselves: scenarios/test_failures.py)."""

from __future__ import annotations

import argparse

import pytest

from harness.cli import compare as cli
from harness.compare.failure_cells import plan_failure_cells
from harness.compare.matrix import CompareOptions, DeployedBase
from harness.endpoint import Target
from harness.failure_expectations import BROKEN, GOOD, expected_failure
from harness.failure_outcomes import BROKEN_TAG, GOOD_TAG, observe_failure
from harness.records import ChangeKind, FailureKind, Phase, Record, Status, Strategy, Tool
from harness.report.document import assemble
from harness.report.failures import failure_tables
from tests.test_records import make


def failure_cell(tool: Tool, strategy: Strategy, *, infra_fails: bool, state: str) -> list[Record]:
    """Records of one failure cell: the web rolled back to v1 by the infra update."""
    common = {"tool": tool, "strategy": strategy, "change_kind": ChangeKind.SERVICE,
              "env_name": "f9-x"}  # fmt: skip
    broken = dict.fromkeys(("web", "worker", "beat"), BROKEN_TAG)
    after = {**broken, "web": GOOD_TAG}
    return [
        make(**common, phase=Phase.APP),
        make(**common, phase=Phase.APP_UPDATE, step="broken-app-update", status=Status.FAILED,
             error="AppUpdateError: not stable", versions_after=broken, min_healthy_targets=1,
             failure_kind=FailureKind.BROKEN_APP_UPDATE, duration_s=4.2),
        make(**common, phase=Phase.INFRA_UPDATE, step="infra-update-while-failing",
             status=Status.FAILED if infra_fails else Status.OK, versions_after=after,
             min_healthy_targets=0, failure_kind=FailureKind.INFRA_UPDATE_WHILE_FAILING,
             tool_state=state, duration_s=9.0),
        make(**common, phase=Phase.DESTROY, step="app"),
    ]  # fmt: skip


def test_every_strategy_has_a_documented_failure_outcome() -> None:
    for tool, strategy in [(Tool.TERRAFORM, Strategy.PLAIN), (Tool.TERRAFORM, Strategy.IGNORE_CHANGES),
                           (Tool.CDK, Strategy.UNPINNED), (Tool.CDK, Strategy.PINNED)]:  # fmt: skip
        expected = expected_failure(tool, strategy)
        assert expected.app_update_fails  # nothing breaks the version before the script
        assert set(expected.after_app_update.values()) == {BROKEN}
        assert expected.why
    assert expected_failure(Tool.CDK, Strategy.PINNED).infra_update_fails
    assert set(expected_failure(Tool.TERRAFORM, Strategy.PLAIN).after_infra_update.values()) == {
        GOOD
    }
    with pytest.raises(ValueError, match="not a strategy"):
        expected_failure(Tool.CDK, Strategy.PLAIN)


def test_a_failure_cell_is_read_from_its_records() -> None:
    seen = observe_failure(failure_cell(Tool.CDK, Strategy.UNPINNED, infra_fails=False,
                                        state="UPDATE_COMPLETE"))  # fmt: skip
    assert seen.app_update_failed
    assert not seen.infra_update_failed
    assert seen.after_app_update == dict.fromkeys(("web", "worker", "beat"), BROKEN)
    assert seen.after_infra_update == {"web": GOOD, "worker": BROKEN, "beat": BROKEN}
    assert seen.give_up_s == {"broken-app-update": 4.2, "infra-update-while-failing": None}
    assert seen.min_healthy == {"broken-app-update": 1, "infra-update-while-failing": 0}
    assert seen.serving is False  # zero healthy targets once: downtime
    assert seen.stuck is False
    stuck = observe_failure(failure_cell(Tool.CDK, Strategy.PINNED, infra_fails=True,
                                         state="UPDATE_ROLLBACK_FAILED"))  # fmt: skip
    assert stuck.stuck
    assert stuck.infra_update_failed


def test_the_report_has_a_table_per_tool_and_strategy_and_keeps_them_out_of_the_matrix() -> None:
    records = failure_cell(Tool.CDK, Strategy.UNPINNED, infra_fails=False, state="UPDATE_COMPLETE")
    records += failure_cell(Tool.TERRAFORM, Strategy.PLAIN, infra_fails=False, state="unlocked")
    tables = failure_tables(records)
    assert [t.title for t in tables] == ["Failure scenarios: terraform · plain",
                                         "Failure scenarios: cdk · unpinned"]  # fmt: skip
    cdk = tables[1]
    assert cdk.column("phase") == ["broken-app-update", "infra-update-while-failing"]
    assert cdk.column("as documented") == ["yes", "yes"]  # web back to v1, the others broken
    assert cdk.column("gave up after (s)") == [4.2, None]
    assert cdk.column("min healthy web targets") == [1, 0]
    assert tables[0].column("as documented") == ["yes", "no"]  # plain rolls every service back
    document = assemble(records)
    assert document.sections[1].table.rows == ()  # the outcome matrix has no failure cells
    assert [s.table.title for s in document.sections][-2:] == [t.title for t in tables]


def test_the_comparison_plans_one_failure_cell_per_strategy_on_the_emulator() -> None:
    bases = [DeployedBase(Tool.TERRAFORM, "tf-x", "repo"), DeployedBase(Tool.CDK, "cdk-x", "repo")]
    planned = plan_failure_cells(CompareOptions(), "x", bases, 17)
    assert [(c.tool, c.strategy, c.number) for c in planned] == [
        (Tool.TERRAFORM, Strategy.PLAIN, 17), (Tool.TERRAFORM, Strategy.IGNORE_CHANGES, 18),
        (Tool.CDK, Strategy.UNPINNED, 19), (Tool.CDK, Strategy.PINNED, 20),
    ]  # fmt: skip
    assert len({c.env for c in planned}) == 4
    assert plan_failure_cells(CompareOptions(failure_scenarios=False), "x", bases, 1) == []
    assert plan_failure_cells(CompareOptions(target=Target.LOCALSTACK), "x", bases, 1) == []
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    assert (
        cli.options_from(parser.parse_args(["--no-failure-scenarios"])).failure_scenarios is False
    )
    assert cli.options_from(parser.parse_args([])).failure_scenarios is True
