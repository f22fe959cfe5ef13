"""No secret value in anything a comparison leaves behind (#14 item 5).

A real comparison (one cell: ``--changes none``, one strategy) runs on the embedded emulator
with a secret access key made for this test; the database passwords are read while it runs
(Secrets Manager holds them; the Terraform driver hands its seed to Terraform). Afterwards
every file of the run's folder - records, report, run summary, the emulator's log, the
tools' working copies - and every log line the harness wrote is scanned for each value: the
rule (``tests/secret_scan.py``) allows them only in Terraform state.

The Terraform cell runs in ``nox -s tests`` (~60 s); the CDK cell (several minutes: synth,
two stacks, three diffs) only with ``HARNESS_LEAK_CHECK=all``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

import pytest

import harness.endpoint
from harness.app_side import ContractAppSide
from harness.compare import CompareOptions, run_comparison
from harness.drivers import terraform as terraform_driver
from harness.endpoint import Endpoint
from harness.outcomes import CellStatus
from harness.records import ChangeKind, Strategy, Tool
from tests.secret_scan import scan

FULL = os.environ.get("HARNESS_LEAK_CHECK") == "all"
CELLS = {Tool.TERRAFORM: Strategy.PLAIN, Tool.CDK: Strategy.UNPINNED}


class SecretProbe:
    """An app-side factory that, each time a cell starts, reads every secret's value (with an
    access key of its own, so the cell's call counts are untouched)."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def __call__(self, endpoint: Endpoint) -> ContractAppSide:
        api = endpoint.with_access_key("leak-probe").client("secretsmanager")
        for listed in api.list_secrets()["SecretList"]:
            text = api.get_secret_value(SecretId=listed["ARN"])["SecretString"]
            self.values.add(text)
            if text.startswith("{"):  # CDK's generated credentials: JSON with the password
                self.values.add(json.loads(text)["password"])
        return ContractAppSide(endpoint)


def _logs(records: list[logging.LogRecord]) -> dict[str, str]:
    """What was logged, per logger: the harness's own lines at every level, and everyone's at
    INFO and above (botocore's DEBUG lines include response bodies: the probe's own reads)."""
    texts: dict[str, list[str]] = {}
    for record in records:
        if record.name.startswith("harness") or record.levelno >= logging.INFO:
            texts.setdefault(f"log {record.name}", []).append(record.getMessage())
    return {name: "\n".join(lines) for name, lines in texts.items()}


def test_the_scan_finds_a_planted_value_and_allows_it_only_in_state(tmp_path: Path) -> None:
    (tmp_path / "records.jsonl").write_text('{"error": "password=hunter2-xyz"}\n')
    (tmp_path / "base.tfstate.backup").write_text('{"secret_string": "hunter2-xyz"}')
    plugins = tmp_path / "work" / ".terraform" / "providers"
    plugins.mkdir(parents=True)
    (plugins / "binary").write_text("hunter2-xyz")
    found = scan([tmp_path], {"db": "hunter2-xyz"}, {"log": "nothing here"})
    assert found.files == 2
    assert found.hits == [(str(tmp_path / "records.jsonl"), "db")]
    assert found.in_state == [(str(tmp_path / "base.tfstate.backup"), "db")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "tool",
    [
        pytest.param(Tool.TERRAFORM, marks=pytest.mark.terraform),
        pytest.param(
            Tool.CDK,
            marks=[
                pytest.mark.cdk,
                pytest.mark.skipif(not FULL, reason="minutes long: HARNESS_LEAK_CHECK=all"),
            ],
        ),
    ],
)
def test_no_secret_value_in_any_output_of_a_comparison(
    tool: Tool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret_key = f"leakcheck{secrets.token_hex(16)}"
    credentials = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": secret_key}
    monkeypatch.setattr(harness.endpoint, "DUMMY_CREDENTIALS", credentials)
    seeds: list[str] = []
    real_secret_env = terraform_driver._secret_env

    def recording(layer: Any, names: Any) -> dict[str, str]:
        env = real_secret_env(layer, names)
        seeds.extend(env.values())
        return env

    monkeypatch.setattr(terraform_driver, "_secret_env", recording)
    probe = SecretProbe()
    caplog.set_level(logging.DEBUG)
    options = CompareOptions(
        tools=(tool,),
        strategies=(CELLS[tool],),
        changes=(ChangeKind.NONE,),
        workers=1,
        results=tmp_path,
        terraform_provider="standin",
        failure_scenarios=False,  # one cell (a failure cell would run its own, failing phases)
    )

    run = run_comparison(options, app_side=probe)

    assert [c.status for c in run.cells] == [CellStatus.AS_DOCUMENTED]
    assert probe.values, "the run's database password was never seen in Secrets Manager"
    needles = {"aws secret access key": secret_key}
    needles |= {f"db password {i}": v for i, v in enumerate(sorted(probe.values))}
    needles |= {f"terraform seed {i}": v for i, v in enumerate(seeds)}
    assert (run.folder / "emulator.log").stat().st_size > 0
    found = scan([run.folder], needles, _logs(caplog.records))
    print(f"scanned {found.files} files, {found.bytes} bytes, {len(needles)} values: {found}")
    assert found.hits == []
    if tool is Tool.TERRAFORM:  # the values are real: state holds the password, by design
        assert any(label.startswith("db password") for _, label in found.in_state)
