"""The phase recorder writes one record per phase, also on failure and Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import records
from harness.recorder import CellIdentity, CellRecorder, RunContext
from harness.records import CallCounts, ChangeKind, Phase, RecordWriter, Status, Strategy, Tool


def recorder(
    writer: RecordWriter | None = None, calls: list[CallCounts] | None = None
) -> CellRecorder:
    cell = CellIdentity(
        Tool.CDK, "aws-cdk 2.1148.1", "engine", Strategy.PINNED, ChangeKind.SERVICE, "alpha"
    )
    reader = iter(calls).__next__ if calls is not None else None
    return CellRecorder(RunContext("run-1", "embedded", "abc123"), cell, writer, reader)


def test_ok_phase_records_what_the_block_noted(tmp_path: Path) -> None:
    with RecordWriter(tmp_path / "records.jsonl") as writer:
        rec = recorder(
            writer,
            calls=[
                CallCounts({"ecs:UpdateService": 1}, {"cloudformation": {"ecs:TagResource": 1}}),
                CallCounts(
                    {"ecs:UpdateService": 3, "ecs:RegisterTaskDefinition": 1},
                    {"cloudformation": {"ecs:TagResource": 1, "ecs:UpdateService": 2}},
                ),
            ],
        )
        with rec.phase(Phase.INFRA_UPDATE) as note:
            note.version_before, note.version_after = "v2", "v2"
            note.versions_after = {"web": "v2", "worker": "v1"}
            note.timings = {"synth": 1.0}
    (record,) = records.load([tmp_path])
    assert record.status is Status.OK
    assert (record.phase, record.version_before, record.version_after) == (
        Phase.INFRA_UPDATE,
        "v2",
        "v2",
    )
    assert record.api_calls == {"ecs:UpdateService": 2, "ecs:RegisterTaskDefinition": 1}
    assert record.api_calls_on_behalf == {"cloudformation": {"ecs:UpdateService": 2}}
    assert record.versions_after == {"web": "v2", "worker": "v1"}
    assert record.git_commit == "abc123"
    assert record.duration_s >= 0


def test_failed_phase_is_recorded_and_the_error_re_raised() -> None:
    rec = recorder()
    with pytest.raises(RuntimeError, match="boom"), rec.phase(Phase.APP):
        raise RuntimeError("boom")
    (record,) = rec.records
    assert record.status is Status.FAILED
    assert record.error == "RuntimeError: boom"


def test_interrupted_phase_is_recorded_as_interrupted() -> None:
    rec = recorder()
    with pytest.raises(KeyboardInterrupt), rec.phase(Phase.APP_UPDATE):
        raise KeyboardInterrupt
    assert rec.records[0].status is Status.INTERRUPTED


def test_unreadable_call_counts_do_not_lose_the_record() -> None:
    answers: list[CallCounts | Exception] = [CallCounts(), ConnectionError("emulator gone")]

    def calls() -> CallCounts:  # answers once, then the emulator is gone
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    cell = CellIdentity(Tool.TERRAFORM, "t", "e", Strategy.PLAIN, ChangeKind.NONE, "beta")
    rec = CellRecorder(RunContext("r", "embedded"), cell, None, calls=calls)
    with rec.phase(Phase.DESTROY):
        pass
    assert not answers
    assert rec.records[0].status is Status.OK
    assert rec.records[0].api_calls == {}
