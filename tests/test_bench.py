"""The bench: medians next to floors (AWS-call time plus one tool start), from records alone."""

from __future__ import annotations

import pytest

from harness import bench
from harness.fidelity.control import CallCounter
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool

STARTS = {Tool.TERRAFORM: 0.5, Tool.CDK: 1.0}


def record(
    phase: Phase, duration: float, busy: float | None, tool: Tool = Tool.TERRAFORM, **extra: object
) -> Record:
    return Record(
        run_id="r",
        tool=tool,
        tool_version=str(extra.pop("tool_version", "t")),
        engine="e",
        target="embedded",
        strategy=Strategy.PLAIN if tool is Tool.TERRAFORM else Strategy.PINNED,
        change_kind=ChangeKind.NONE,
        phase=phase,
        status=extra.pop("status", Status.OK),  # type: ignore[arg-type]
        duration_s=duration,
        api_busy_s=busy,
        **extra,  # type: ignore[arg-type]
    )


def test_a_tool_phase_floor_is_its_aws_time_plus_one_tool_start() -> None:
    assert bench.floor_s(record(Phase.APP, 4.0, 1.25), STARTS) == 1.75
    assert bench.floor_s(record(Phase.APP, 9.0, 2.0, Tool.CDK), STARTS) == 3.0


def test_the_scripts_phases_start_no_tool() -> None:
    assert bench.floor_s(record(Phase.APP_UPDATE, 2.0, 0.4), STARTS) == 0.4
    assert bench.floor_s(record(Phase.POST_DEPLOY, 1.0, 0.3), STARTS) == 0.3


def test_phases_in_the_toolkit_worker_start_no_tool() -> None:
    lib = "@aws-cdk/toolkit-lib 1.43.0 (aws-cdk-lib 2.275.0; aws-cdk 2.1148.1)"
    assert bench.floor_s(record(Phase.APP, 3.0, 0.75, Tool.CDK, tool_version=lib), STARTS) == 0.75
    cli = "aws-cdk 2.1148.1 (aws-cdk-lib 2.275.0)"
    assert bench.floor_s(record(Phase.APP, 3.0, 0.75, Tool.CDK, tool_version=cli), STARTS) == 1.75


def test_no_aws_time_no_floor() -> None:
    row = bench.phase_rows([record(Phase.APP, 4.0, None)], STARTS)[0]
    assert (row.floor_s, row.aws_s, row.ratio) == (None, None, None)
    assert "-" in bench.render([row], STARTS).splitlines()[-1]


def test_rows_are_medians_per_tool_phase_and_step_over_phases_that_finished() -> None:
    records = [
        record(Phase.APP, 3.0, 1.0),
        record(Phase.APP, 5.0, 1.5),
        record(Phase.APP, 7.0, 2.0),
        record(Phase.APP, 99.0, 0.1, status=Status.FAILED),
        record(Phase.DRIFT, 2.0, 0.5, step="after-deploy"),
        record(Phase.DRIFT, 4.0, 0.5, step="after-app-update"),
        record(Phase.BASE, 6.0, 2.0, Tool.CDK),
    ]
    rows = {row.label: row for row in bench.phase_rows(records, STARTS)}
    assert set(rows) == {
        "terraform app",
        "terraform drift (after-deploy)",
        "terraform drift (after-app-update)",
        "cdk base",
    }
    app = rows["terraform app"]
    assert (app.count, app.median_s, app.aws_s, app.floor_s) == (3, 5.0, 1.5, 2.0)
    assert app.ratio == pytest.approx(2.5)
    assert rows["cdk base"].ratio == pytest.approx(2.0)
    table = bench.render(list(rows.values()), STARTS)
    assert "terraform 0.50 s" in table
    assert "cdk 1.00 s" in table


def test_a_tools_start_is_its_fastest_probe() -> None:
    assert bench.fastest({Tool.CDK: 2.0, Tool.TERRAFORM: 0.4}, {Tool.CDK: 1.5}) == {
        Tool.CDK: 1.5,
        Tool.TERRAFORM: 0.4,
    }


def test_tool_starts_are_probed_each_time() -> None:
    ran: list[Tool] = []
    starts = bench.probe_tool_starts({Tool.TERRAFORM: lambda: ran.append(Tool.TERRAFORM)}, 3)
    assert ran == [Tool.TERRAFORM] * 3
    assert list(starts) == [Tool.TERRAFORM]
    assert 0 <= starts[Tool.TERRAFORM] < 0.1


def test_busy_time_counts_overlapping_requests_once() -> None:
    now = [0.0]
    counter = CallCounter(clock=lambda: now[0])
    counter.begin("a")  # t=0
    now[0] = 1.0
    counter.begin("a")  # t=1: two in flight
    now[0] = 2.0
    counter.end("a")
    now[0] = 3.0
    counter.end("a")  # idle from t=3
    assert counter.busy_s("a") == 3.0  # not 2 + 3
    now[0] = 10.0
    counter.begin("a")
    now[0] = 10.5
    assert counter.busy_s("a") == 3.5  # a request in flight counts so far
    assert counter.busy_s("b") == 0.0
