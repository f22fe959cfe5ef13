"""Timings, API calls, overhead and environment: exact values from the fixture runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.expectations import ARTICLE_CHANGE_KINDS
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.report import stats
from harness.report.runinfo import RunSummary

from .records_builder import CellBuilder


def row(table: stats.Table, *key: str) -> dict[str, object]:
    for values in table.rows:
        if tuple(values[: len(key)]) == key:
            return dict(zip(table.columns, values, strict=True))
    raise AssertionError(f"no row {key} in {table.title}")


def test_timing_median_and_spread_over_merged_runs(merged: list[Record]) -> None:
    table = stats.timing_stats(merged)
    app = row(table, "terraform", "app")
    assert app == {
        "tool": "terraform",
        "phase": "app",
        "n": 12,
        "median s": 10.0,
        "min s": 10.0,
        "max s": 15.0,
        "spread s": 5.0,
        "startup s (median)": 1.0,
        "synth s (median)": None,
        "aws s (median)": 4.0,
    }
    assert row(table, "cdk", "app")["spread s"] == 0.0
    assert row(table, "terraform", "app-update (next)")["n"] == 1
    assert row(table, "terraform", "base")["n"] == 2


def test_timing_rows_follow_the_lifecycle(run_a: list[Record]) -> None:
    phases = [
        p
        for t, p in zip(
            *(stats.timing_stats(run_a).column(c) for c in ("tool", "phase")), strict=True
        )
        if t == "cdk"
    ]
    assert phases == [
        "base", "app", "post-deploy", "drift (after-deploy)", "app-update", "drift (after-app-update)",
        "infra-update", "drift (after-infra-update)", "destroy (app)", "destroy (base)",
    ]  # fmt: skip


def test_failed_phases_do_not_count_in_timings() -> None:
    cell = CellBuilder("r", Tool.CDK, Strategy.PINNED, ChangeKind.NONE)
    cell.add(Phase.APP, 5.0).add(Phase.APP, 500.0, status=Status.FAILED, error="boom")
    assert row(stats.timing_stats(cell.records), "cdk", "app")["n"] == 1


def test_api_calls_per_phase_and_tool(merged: list[Record]) -> None:
    table = stats.api_calls_by_phase(merged)
    assert table.columns == ("phase", "terraform", "cdk")
    assert row(table, "app") == {"phase": "app", "terraform": 7, "cdk": 7}
    assert row(table, "infra-update") == {"phase": "infra-update", "terraform": 2, "cdk": 2}
    assert row(table, "drift (after-infra-update)")["terraform"] is None  # not counted


def test_api_calls_for_the_same_change(run_a: list[Record]) -> None:
    table = stats.api_calls_by_change(run_a)
    assert table.columns[1:] == (
        "terraform · plain", "terraform · ignore-changes", "cdk · unpinned", "cdk · pinned",
    )  # fmt: skip
    assert table.column("change kind") == [str(k) for k in ARTICLE_CHANGE_KINDS]  # the fixture's
    assert all(v == 2 for r in table.rows for v in r[1:])


def _record(end_s: float, duration_s: float) -> Record:
    end = datetime(2026, 1, 1, tzinfo=UTC).timestamp() + end_s
    cell = CellBuilder("r", Tool.CDK, Strategy.PINNED, ChangeKind.NONE)
    cell.add(Phase.APP, duration_s, timestamp=datetime.fromtimestamp(end, UTC).isoformat())
    return cell.records[0]


def test_busy_seconds_merges_overlapping_phases() -> None:
    records = [_record(10, 10), _record(15, 10), _record(30, 5)]
    assert stats.busy_seconds(records) == pytest.approx(20.0)
    assert stats.busy_seconds([]) == 0.0


def test_overhead_is_wall_time_outside_phases(
    run_a: list[Record], summaries: list[RunSummary]
) -> None:
    table = stats.overhead_table(run_a, summaries[:1])
    assert table.rows[0][:3] == ("20261126T060000Z-aaaa", 1, 722.0)
    sum_s, busy_s, idle_s, share, steps_s, glue_s = table.rows[0][3:]
    assert sum_s == pytest.approx(712.0)
    assert busy_s == pytest.approx(712.0)
    assert idle_s == pytest.approx(10.0)
    assert share == pytest.approx(100 * 10 / 722)
    # timed: app (1 + 4 of 10 s) and infra update (1 + 2 of 8 s) in each of the 16 cells
    assert steps_s == pytest.approx(16 * (5 + 3))
    assert glue_s == pytest.approx(16 * (5 + 5))


def test_environment_names_every_run_machine_and_commit(
    merged: list[Record], summaries: list[RunSummary]
) -> None:
    env = dict(stats.environment_table(merged, summaries).rows)
    assert env["runs"] == "20261126T060000Z-aaaa, 20261126T080000Z-bbbb"
    assert env["git commit"] == "abc1234, def5678"
    assert env["machine"] == "ci-box x86_64 3.11.9, laptop arm64 3.11.7"
    assert env["terraform version"] == "terraform 1.15.5"
    assert env["terraform stack"] == "harness-terraform"  # v2 records: our own stack
    assert env["records"] == "167"


def test_step_timings_list_what_the_drivers_timed_longest_first(merged: list[Record]) -> None:
    table = stats.step_timings(merged)
    assert row(table, "terraform", "app") == {
        "tool": "terraform",
        "phase": "app",
        "timed steps (median s)": "aws 4.00 · startup 1.00",
    }
    assert ("terraform", "post-deploy") not in {tuple(r[:2]) for r in table.rows}  # nothing timed


def test_median_call_counts_stay_whole_numbers_when_they_are() -> None:
    cell = CellBuilder("r", Tool.CDK, Strategy.PINNED, ChangeKind.NONE)
    cell.add(Phase.APP, 1.0, api_calls={"ecs:A": 2}).add(Phase.APP, 1.0, api_calls={"ecs:A": 4})
    cell.add(Phase.POST_DEPLOY, 1.0, api_calls={"ecs:A": 1}).add(
        Phase.POST_DEPLOY, 1.0, api_calls={"ecs:A": 2}
    )
    table = stats.api_calls_by_phase(cell.records)
    assert row(table, "app")["cdk"] == 3
    assert isinstance(row(table, "app")["cdk"], int)
    assert row(table, "post-deploy")["cdk"] == 1.5


def test_cdk_cloudformation_time_is_its_aws_time() -> None:
    cell = CellBuilder("r", Tool.CDK, Strategy.PINNED, ChangeKind.NONE)
    cell.add(Phase.APP, 12.0, timings={"synth": 8.0, "deploy": 3.0, "cloudformation": 1.5})
    app = row(stats.timing_stats(cell.records), "cdk", "app")
    assert (app["synth s (median)"], app["aws s (median)"], app["startup s (median)"]) == (
        8.0,
        1.5,
        None,
    )


def test_calls_cloudformation_made_for_the_tool_are_counted_apart() -> None:
    cell = CellBuilder("r", Tool.CDK, Strategy.UNPINNED, ChangeKind.SERVICE)
    own = {"cloudformation:ExecuteChangeSet": 1, "sts:AssumeRole": 2}
    made = {"cloudformation": {"ecs:UpdateService": 1, "ecs:DescribeServices": 3}}
    cell.add(Phase.INFRA_UPDATE, 5.0, api_calls=own, api_calls_on_behalf=made)
    assert row(stats.api_calls_by_phase(cell.records), "infra-update")["cdk"] == 3
    on_behalf = stats.api_calls_on_behalf_by_phase(cell.records)
    assert row(on_behalf, "infra-update")["cdk"] == 4
    assert ("app",) not in {tuple(r[:1]) for r in on_behalf.rows}


def test_terraform_provider_start_up_counts_as_start_up() -> None:
    cell = CellBuilder("r", Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.NONE)
    cell.add(Phase.APP, 3.0, timings={"plan": 1.0, "apply": 1.0, "provider_startup": 0.7})
    app = row(stats.timing_stats(cell.records), "terraform", "app")
    assert app["startup s (median)"] == 0.7
