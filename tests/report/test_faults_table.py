"""The report's table of runs under injected faults, from synthetic records."""

from __future__ import annotations

from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.report import faults
from harness.report.document import assemble
from harness.report.model import Judged

from .records_builder import full_cell

PLAN = "throttle:0.2 seed=1 delay=1s"


def _cell(tool: Tool, strategy: Strategy, after_infra: str, env: str) -> list[Record]:
    return full_cell(
        "run", tool, strategy, ChangeKind.NONE, after_infra=after_infra, applied_now=None,
        drift_after_app_update=tool is Tool.TERRAFORM and strategy is Strategy.PLAIN,
        env_name=env,
    )  # fmt: skip


def _faulted(records: list[Record], phase: Phase, **values: object) -> list[Record]:
    """Every record says the plan; the first ``phase`` record met two throttles, retried."""
    out, done = [], False
    for record in records:
        extra: dict[str, object] = {"faults": PLAN}
        if record.phase is phase and not done:
            done = True
            extra |= {
                "faults_injected": {"ecs:DescribeServices": {"throttle": 2}},
                "retries_seen": {"ecs:DescribeServices": {"throttle": 2}},
            } | values
        out.append(Record.from_dict(record.to_dict() | extra))
    return out


def _row(table: object, who: str, kind: str) -> dict[str, object]:
    assert hasattr(table, "rows")
    assert hasattr(table, "columns")
    for row in table.rows:
        if row[:2] == (who, kind):
            return dict(zip(table.columns, row, strict=True))
    raise AssertionError(f"no row {who} {kind} in {table.rows}")


def test_a_tool_that_rode_out_its_faults_survived() -> None:
    records = _faulted(_cell(Tool.TERRAFORM, Strategy.PLAIN, "v1", "c1"), Phase.INFRA_UPDATE)
    row = _row(faults.fault_table(records), "terraform", "throttle")
    assert row["faults injected"] == 2
    assert row["retries seen"] == 2
    assert (row["phases ok"], row["phases failed"]) == (1, 0)
    assert row["cells as documented"] == "1 of 1"
    assert row["verdict"] == Judged("survived", agrees=True)


def test_faults_in_the_script_s_phases_are_the_script_s() -> None:
    records = _faulted(_cell(Tool.CDK, Strategy.PINNED, "v2", "c2"), Phase.APP_UPDATE)
    table = faults.fault_table(records)
    assert [row[0] for row in table.rows] == [faults.SCRIPT]


def test_a_phase_that_failed_under_faults_failed_clearly_naming_the_error() -> None:
    error = "ClientError: An error occurred (ThrottlingException) when calling UpdateService"
    records = _faulted(
        _cell(Tool.TERRAFORM, Strategy.PLAIN, "v1", "c1"),
        Phase.APP_UPDATE,
        status=Status.FAILED,
        error=error,
    )
    row = _row(faults.fault_table(records), faults.SCRIPT, "throttle")
    assert row["phases failed"] == 1
    assert row["cells as documented"] == "0 of 1"
    assert row["verdict"] == Judged("failed clearly", agrees=False)
    assert str(row["what failed"]).startswith("app-update: ClientError: An error occurred")


def test_a_cell_that_finished_otherwise_than_documented_is_a_wrong_outcome() -> None:
    # CDK unpinned with no change keeps v2 (docs); a faulted run that rolled back is wrong
    records = _faulted(_cell(Tool.CDK, Strategy.UNPINNED, "v1", "c3"), Phase.INFRA_UPDATE)
    row = _row(faults.fault_table(records), "cdk", "throttle")
    assert row["verdict"] == Judged("wrong outcome in 1 cells", agrees=False)


def test_the_report_has_the_table_only_for_runs_under_faults() -> None:
    plain = _cell(Tool.TERRAFORM, Strategy.PLAIN, "v1", "c1")
    titles = [s.table.title for s in assemble(plain).sections]
    assert "Under injected faults" not in titles
    faulted = _faulted(plain, Phase.APP)
    table = next(
        s.table for s in assemble(faulted).sections if s.table.title == "Under injected faults"
    )
    assert PLAN in table.explanation
