"""The verdict of a cell counts everything it claims to check (recorded cells, no emulator)."""

from __future__ import annotations

from harness.expectations import VersionOutcome, expected
from harness.outcomes import CellStatus, Observed, cell_status, judge, observe
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from tests.report.records_builder import START as T0
from tests.report.records_builder import documented_cell, full_cell


def _replace(records: list[Record], phase: Phase, step: str = "", **values: object) -> list[Record]:
    return [
        Record.from_dict(r.to_dict() | values) if (r.phase, r.step) == (phase, step) else r
        for r in records
    ]


def test_a_documented_cell_agrees_on_every_check() -> None:
    for tool, strategy, kind in (
        (Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.NONE),
        (Tool.TERRAFORM, Strategy.IGNORE_CHANGES, ChangeKind.TASK_DEFINITION),
        (Tool.CDK, Strategy.UNPINNED, ChangeKind.SERVICE),
    ):
        records = documented_cell("r", tool, strategy, kind, env_name="c1", start=T0)
        seen = observe(records)
        verdict = judge(seen, expected(tool, strategy, kind))
        assert verdict.disagreements == ()
        assert cell_status(seen, verdict) is CellStatus.AS_DOCUMENTED


def test_a_mixed_fleet_where_all_were_expected_to_roll_back_differs() -> None:
    exp = expected(Tool.CDK, Strategy.UNPINNED, ChangeKind.TASK_DEFINITION)
    records = full_cell("r", Tool.CDK, Strategy.UNPINNED, ChangeKind.TASK_DEFINITION,
                        after_infra={"web": "v1", "worker": "v2", "beat": "v1"},
                        applied_now=True)  # fmt: skip
    seen = observe(records)
    assert seen.version is VersionOutcome.MIXED
    assert judge(seen, exp).disagreements == ("worker: kept (expected rolled-back)",)


def test_an_app_update_that_left_a_service_behind_differs() -> None:
    exp = expected(Tool.TERRAFORM, Strategy.IGNORE_CHANGES, ChangeKind.NONE)
    records = full_cell("r", Tool.TERRAFORM, Strategy.IGNORE_CHANGES, ChangeKind.NONE,
                        after_infra="v2", applied_now=None)  # fmt: skip
    behind = {"web": "v2", "worker": "v1", "beat": "v2"}
    records = _replace(records, Phase.APP_UPDATE, versions_after=behind)
    verdict = judge(observe(records), exp)
    assert "app update left worker: v1, not v2" in verdict.disagreements
    assert not verdict.agrees


def test_drift_after_the_app_update_is_part_of_the_verdict() -> None:
    exp = expected(Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.NONE)  # documented: plan shows drift
    records = full_cell("r", Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.NONE,
                        after_infra="v1", applied_now=None, drift_after_app_update=False)  # fmt: skip
    assert judge(observe(records), exp).disagreements == (
        "drift after the app update: no (expected yes)",
    )


def test_a_failed_or_interrupted_cell_is_never_as_documented() -> None:
    exp = expected(Tool.CDK, Strategy.PINNED, ChangeKind.NONE)
    records = documented_cell(
        "r", Tool.CDK, Strategy.PINNED, ChangeKind.NONE, env_name="c", start=T0
    )
    failed = _replace(records, Phase.INFRA_UPDATE, status=Status.FAILED, error="boom")
    seen = observe(failed)
    assert cell_status(seen, judge(seen, exp)) is CellStatus.FAILED
    interrupted = _replace(records, Phase.INFRA_UPDATE, status=Status.INTERRUPTED)
    seen = observe(interrupted)
    assert cell_status(seen, judge(seen, exp)) is CellStatus.INTERRUPTED


def test_no_versions_recorded_is_not_a_pass() -> None:
    exp = expected(Tool.CDK, Strategy.PINNED, ChangeKind.NONE)
    assert not judge(Observed(), exp).agrees
