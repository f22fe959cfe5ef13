"""Version timeline and drift tables, per cell execution."""

from __future__ import annotations

from harness.records import Record
from harness.report import timeline


def rows_by_cell(table: timeline.Table) -> dict[tuple[str, str, str, str], tuple[object, ...]]:
    return {tuple(map(str, row[:4])): row[4:] for row in table.rows}  # type: ignore[misc]


def test_timeline_lists_the_version_after_each_phase(run_a: list[Record]) -> None:
    table = timeline.version_timeline(run_a)
    assert table.columns[4:] == (
        "after app deploy",
        "after app update",
        "after infra update",
        "after next app update",
    )
    rows = rows_by_cell(table)
    run = "20261126T060000Z-aaaa · 0"
    assert rows["terraform", "plain", "none", run] == ("v1", "v2", "v1", None)
    assert rows["terraform", "ignore-changes", "task-definition-property", run] == (
        "v1",
        "v2",
        "v2",
        "v3",
    )
    assert rows["cdk", "pinned", "service-property", run] == ("v1", "v2", "v2", None)
    assert len(table.rows) == 16


def test_timeline_rows_follow_the_matrix_order(merged: list[Record]) -> None:
    table = timeline.version_timeline(merged)
    pairs = [(row[0], row[1]) for row in table.rows]
    assert pairs[0] == ("terraform", "plain")
    assert pairs[-1] == ("cdk", "pinned")
    assert len(table.rows) == 20


def test_drift_table_lists_what_the_tool_reported(run_a: list[Record]) -> None:
    """Columns per check: the tool's own, then the live one (these records predate it: —)."""
    rows = rows_by_cell(timeline.drift_table(run_a))
    run = "20261126T060000Z-aaaa · 0"
    assert rows["terraform", "plain", "service-property", run] == (
        "no drift", None, "drift: aws_ecs_service.web", None, "no drift", None, "drift",
    )  # fmt: skip
    assert rows["cdk", "unpinned", "none", run] == (
        "no drift", None, "no drift", None, "no drift", None, "no drift",
    )  # fmt: skip


def test_failures_list_unfinished_phases_base_layers_included() -> None:
    from harness.records import ChangeKind, Phase, Status, Strategy, Tool

    from .records_builder import CellBuilder

    base = CellBuilder("r", Tool.CDK, Strategy.UNPINNED, ChangeKind.NONE, env_name="")
    base.add(Phase.BASE, 3.0, status=Status.FAILED, error="CommandError: cdk exited with 1")
    cell = CellBuilder("r", Tool.CDK, Strategy.PINNED, ChangeKind.SERVICE, env_name="c2-x")
    cell.add(Phase.APP, 1.0).add(
        Phase.DRIFT, 1.0, "after-deploy", status=Status.INTERRUPTED, error="interrupted (Ctrl-C)"
    )
    table = timeline.failures(base.records + cell.records)
    assert table.rows == (
        (
            "cdk",
            "unpinned",
            "none",
            "(base layer)",
            "base",
            "failed",
            "CommandError: cdk exited with 1",
        ),
        (
            "cdk",
            "pinned",
            "service-property",
            "c2-x",
            "drift (after-deploy)",
            "interrupted",
            "interrupted (Ctrl-C)",
        ),
    )
    assert timeline.failures(cell.records[:1]).rows == ()


def test_health_table_shows_the_fewest_healthy_targets_and_downtime() -> None:
    from harness.records import ChangeKind, Phase, Strategy, Tool

    from .records_builder import full_cell

    cell = full_cell("r", Tool.CDK, Strategy.UNPINNED, ChangeKind.NONE,
                     after_infra="v2", applied_now=None)  # fmt: skip
    sampled = {Phase.APP_UPDATE: 2, Phase.INFRA_UPDATE: 0}
    cell = [
        Record.from_dict(r.to_dict() | {"min_healthy_targets": sampled[r.phase]})
        if r.phase in sampled and r.step == ""
        else r
        for r in cell
    ]
    table = timeline.health_table(cell)
    assert table.columns[4:] == (
        "during app update",
        "during infra update",
        "during next app update",
        "downtime",
    )
    assert table.rows[0][4:] == (2, 0, None, "downtime")
    unsampled = timeline.health_table(full_cell("r", Tool.CDK, Strategy.UNPINNED, ChangeKind.NONE,
                                                after_infra="v2", applied_now=None))  # fmt: skip
    assert unsampled.rows[0][4:] == (None, None, None, None)
