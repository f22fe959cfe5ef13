"""Records: round trip, validation, append-only writing, loading and schema upgrades."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import records
from harness.errors import RecordError
from harness.records import ChangeKind, Phase, Record, RecordWriter, Status, Strategy, Tool


def make(**overrides: object) -> Record:
    fields: dict[str, object] = {
        "run_id": "run-1",
        "tool": Tool.TERRAFORM,
        "tool_version": "terraform 1.15.5",
        "engine": "stand-in provider",
        "target": "embedded",
        "strategy": Strategy.PLAIN,
        "change_kind": ChangeKind.NONE,
        "phase": Phase.APP,
        "status": Status.OK,
        "duration_s": 1.5,
    }
    fields.update(overrides)
    return Record(**fields)  # type: ignore[arg-type]


def test_round_trip_through_dict_and_json() -> None:
    record = make(
        drift=("aws_ecs_service.web",), api_calls={"ecs:UpdateService": 1}, timings={"plan": 0.5}
    )
    again = Record.from_dict(json.loads(json.dumps(record.to_dict())))
    assert again == record
    assert again.tool is Tool.TERRAFORM


def test_record_is_self_describing() -> None:
    data = make().to_dict()
    for key in (
        "schema_version",
        "timestamp",
        "run_id",
        "tool_version",
        "engine",
        "target",
        "phase",
        "status",
    ):
        assert key in data
    assert data["schema_version"] == records.SCHEMA_VERSION
    assert data["timestamp"].endswith("+00:00")


def test_unknown_field_and_bad_enum_are_rejected() -> None:
    data = make().to_dict()
    with pytest.raises(RecordError, match="unknown fields"):
        Record.from_dict({**data, "colour": "red"})
    with pytest.raises(RecordError, match="malformed"):
        Record.from_dict({**data, "phase": "lunch"})


def test_newer_schema_is_refused_with_advice() -> None:
    with pytest.raises(RecordError, match="upgrade the harness"):
        Record.from_dict({**make().to_dict(), "schema_version": records.SCHEMA_VERSION + 1})


def test_a_version_1_record_is_upgraded() -> None:
    """Version 1 measured the web service only and mixed CloudFormation's calls into the
    tool's own as ``cloudformation>svc:Action``."""
    v1 = {**make().to_dict(), "schema_version": 1, "version_after": "v2"}
    del v1["versions_after"], v1["api_calls_on_behalf"]
    v1["api_calls"] = {"cloudformation:UpdateStack": 1, "cloudformation>ecs:UpdateService": 2}
    record = Record.from_dict(v1)
    assert record.schema_version == records.SCHEMA_VERSION == 4
    assert record.versions_after == {"web": "v2"}
    assert record.api_calls == {"cloudformation:UpdateStack": 1}
    assert record.api_calls_on_behalf == {"cloudformation": {"ecs:UpdateService": 2}}


def test_a_version_2_record_is_upgraded_to_live_drift_not_checked() -> None:
    """Version 2 ran no CloudFormation drift detection: not checked (None), not "no drift"."""
    v2 = {**make(phase=Phase.DRIFT, drift_detected=False).to_dict(), "schema_version": 2}
    del v2["live_drift_detected"], v2["live_drift"]
    record = Record.from_dict(v2)
    assert (record.schema_version, record.live_drift_detected, record.live_drift) == (4, None, {})
    assert record.drift_detected is False


def test_a_version_3_record_is_upgraded_to_our_own_stack_of_its_tool() -> None:
    """Version 3 had no stack profiles: every run was of the harness's own two stacks."""
    for tool in Tool:
        v3 = {**make(tool=tool).to_dict(), "schema_version": 3}
        del v3["stack"]
        record = Record.from_dict(v3)
        assert (record.schema_version, record.stack) == (4, f"harness-{tool}")


def test_the_stack_round_trips() -> None:
    record = make(stack="author-terraform (briancaffey/terraform-aws-django@0980129)")
    assert Record.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_live_drift_round_trips() -> None:
    record = make(live_drift_detected=True, live_drift={"WebService": ["/TaskDefinition"]})
    assert Record.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_version_1_records_of_a_whole_run_still_make_a_report() -> None:
    old = list(records.load([Path(__file__).parent / "report" / "fixtures" / "run-v1"]))
    assert {r.schema_version for r in old} == {records.SCHEMA_VERSION}
    assert all(set(r.versions_after) <= {"web"} for r in old)
    assert {r.stack for r in old} == {f"harness-{r.tool}" for r in old}
    assert any(r.versions_after for r in old)


def test_writer_appends_and_flushes_each_record(tmp_path: Path) -> None:
    path = tmp_path / "run" / "records.jsonl"
    writer = RecordWriter(path)
    writer.write(make(phase=Phase.BASE))
    # readable before close: a crash after this line loses nothing
    assert len(path.read_text().splitlines()) == 1
    writer.write(make(phase=Phase.APP))
    writer.close()
    with RecordWriter(path) as again:
        again.write(make(phase=Phase.DESTROY))
    loaded = list(records.load([path.parent]))
    assert [r.phase for r in loaded] == [Phase.BASE, Phase.APP, Phase.DESTROY]


def test_loader_skips_a_truncated_last_line_only(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    good = json.dumps(make().to_dict())
    path.write_text(good + "\n" + good[:40])
    assert len(list(records.load([path]))) == 1
    path.write_text(good[:40] + "\n" + good + "\n")
    with pytest.raises(RecordError, match="not JSON"):
        list(records.load([path]))


def test_loader_names_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="no records at"):
        list(records.load([tmp_path / "nowhere"]))


def test_faults_and_retries_are_counted_per_phase_and_kept() -> None:
    before = records.CallCounts(
        {"ecs:ListClusters": 2}, {}, {"ecs:ListClusters": {"throttle": 1}}, {}
    )
    now = records.CallCounts(
        {"ecs:ListClusters": 5},
        {},
        {"ecs:ListClusters": {"throttle": 2, "drop": 1}},
        {"ecs:ListClusters": {"throttle": 1, "drop": 1}},
    )
    since = now.since(before)
    assert since.faults_injected == {"ecs:ListClusters": {"throttle": 1, "drop": 1}}
    assert since.retries == {"ecs:ListClusters": {"throttle": 1, "drop": 1}}
    record = Record(
        "r", Tool.CDK, "v", "e", "embedded", Strategy.PINNED, ChangeKind.NONE, Phase.APP,
        Status.OK, 1.0, faults="throttle:0.1 seed=1 delay=1s",
        faults_injected=since.faults_injected, retries_seen=since.retries,
    )  # fmt: skip
    assert Record.from_dict(json.loads(json.dumps(record.to_dict()))) == record
