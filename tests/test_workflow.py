"""The GitHub Actions comparison workflow: actionlint, and the shape the harness relies on."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import process
from harness.cli import compare as compare_cli
from harness.endpoint import Target
from harness.expectations import STRATEGIES
from harness.paths import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "compare.yml"
SECRETS = "${{ secrets."


def actionlint() -> str | None:
    beside_python = Path(sys.executable).parent / "actionlint"
    return str(beside_python) if beside_python.exists() else shutil.which("actionlint")


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def steps(workflow: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def test_actionlint_passes() -> None:
    binary = actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed: `pip install --group actionlint`")
    done = process.run([binary, "-no-color", str(WORKFLOW)], ok_codes=range(256), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    binary = actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed: `pip install --group actionlint`")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs-onn:", 1))
    done = process.run([binary, "-no-color", str(broken)], ok_codes=range(256), timeout=120)
    assert done.returncode != 0
    assert "runs-onn" in done.stdout + done.stderr


def test_runs_only_when_started_by_hand_and_on_the_emulator_by_default(
    workflow: dict[Any, Any],
) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"workflow_dispatch"}
    target = triggers["workflow_dispatch"]["inputs"]["target"]
    assert target["default"] == Target.EMBEDDED.value
    assert target["options"] == [t.value for t in Target]


def test_one_job_per_tool_and_strategy(workflow: dict[Any, Any]) -> None:
    include = workflow["jobs"]["cells"]["strategy"]["matrix"]["include"]
    pairs = sorted((m["tool"], m["strategy"]) for m in include)
    assert pairs == sorted((str(t), str(s)) for t, ss in STRATEGIES.items() for s in ss)
    assert workflow["jobs"]["cells"]["strategy"]["fail-fast"] is False


def test_secrets_reach_only_the_step_for_the_aws_target(workflow: dict[Any, Any]) -> None:
    for step in steps(workflow, "cells"):
        uses_secrets = SECRETS in yaml.safe_dump(step)
        assert uses_secrets == (step.get("if") == "env.TARGET == 'aws'"), step.get("name")


def compare_commands(workflow: dict[Any, Any]) -> list[list[str]]:
    commands = []
    for step in steps(workflow, "cells"):
        run = step.get("run", "")
        if "nox -s compare" not in run:
            continue
        text = run.replace("${{ matrix.tool }}", "cdk").replace("${{ matrix.strategy }}", "pinned")
        text = text.replace("$REPEAT", "3").replace("$AWS_ACCOUNT_ID", "123456789012")
        argv = shlex.split(text)
        commands.append(argv[argv.index("--") + 1 :])
    return commands


def test_each_compare_command_is_one_the_harness_accepts(workflow: dict[Any, Any]) -> None:
    commands = compare_commands(workflow)
    assert len(commands) == 3  # embedded, localstack, aws
    targets = []
    for argv in commands:
        parser = argparse.ArgumentParser()
        compare_cli.add_arguments(parser)
        options = compare_cli.options_from(parser.parse_args(argv))
        assert options.results == Path("results/job")
        assert options.repeat == 3
        targets.append(options.target)
    assert targets == [Target.EMBEDDED, Target.LOCALSTACK, Target.AWS]


def test_records_are_uploaded_even_after_a_failure_and_merged_in_a_final_job(
    workflow: dict[Any, Any],
) -> None:
    upload = next(s for s in steps(workflow, "cells") if "upload-artifact" in s.get("uses", ""))
    assert upload["if"] == "always()"
    assert "records.jsonl" in upload["with"]["path"]
    assert "${{ matrix.tool }}" in upload["with"]["name"]
    assert "${{ matrix.strategy }}" in upload["with"]["name"]
    report = workflow["jobs"]["report"]
    assert report["needs"] == "cells"
    download = next(s for s in report["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["pattern"] == "records-*"
    assert any("python3 -m harness report" in s.get("run", "") for s in report["steps"])


def test_python_and_node_versions(workflow: dict[Any, Any]) -> None:
    versions = {
        s["uses"].split("@")[0]: s["with"]
        for s in steps(workflow, "cells")
        if s.get("uses", "").startswith(("actions/setup-python", "actions/setup-node"))
    }
    assert versions["actions/setup-python"]["python-version"] == "3.11"
    assert versions["actions/setup-node"]["node-version"] == "22"
