"""``python -m harness compare``: arguments, the terminal display, exit codes."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from rich.console import Console

from harness.cli import compare as cli
from harness.compare import CellResult, CellSpec, CompareOptions, RunResult
from harness.compare.terminal import RichProgress
from harness.endpoint import Target
from harness.errors import UsageError
from harness.outcomes import CellStatus
from harness.records import ChangeKind, Strategy, Tool
from harness.report.runinfo import RunSummary


def parse(*argv: str) -> CompareOptions:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.options_from(parser.parse_args(list(argv)))


def test_defaults_are_the_whole_matrix_on_the_emulator_with_four_workers() -> None:
    options = parse()
    assert options == CompareOptions(target=Target.EMBEDDED, workers=4, repeat=1)
    assert options.tools == (Tool.TERRAFORM, Tool.CDK)
    assert options.changes == tuple(ChangeKind)
    assert options.strategies == ()


def test_filters_are_comma_separated() -> None:
    options = parse("--tools", "cdk", "--strategies", "pinned", "--changes", "none,service-property",
                    "--repeat", "3", "--workers", "1", "--target", "aws", "--aws-account-id", "1")  # fmt: skip
    assert options.tools == (Tool.CDK,)
    assert options.strategies == (Strategy.PINNED,)
    assert options.changes == (ChangeKind.NONE, ChangeKind.SERVICE)
    assert (options.repeat, options.workers, options.target, options.aws_account_id) == (
        3,
        1,
        Target.AWS,
        "1",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--tools", "pulumi"), "--tools: unknown 'pulumi'; choose from terraform,cdk"),
        (("--tools", "cdk", "--strategies", "plain"), "plain is a terraform strategy"),
        (("--repeat", "0"), "--repeat and --workers must be at least 1"),
    ],
)
def test_bad_arguments_say_what_is_wrong(argv: tuple[str, ...], message: str) -> None:
    """A usage error (``python -m harness`` exits 2 on it: tests/test_bad_input.py)."""
    with pytest.raises(UsageError, match=message):
        parse(*argv)


def cell(n: int = 1) -> CellSpec:
    return CellSpec(n, Tool.CDK, Strategy.PINNED, ChangeKind.NONE, 0, f"c{n}-ab", "cdk-ab", "repo")


def test_terminal_display_shows_each_finished_cell() -> None:
    out = io.StringIO()
    with RichProgress(Console(file=out, force_terminal=False, width=200)) as display:
        display.planned([cell(1), cell(2)])
        display.started(cell(1))
        assert str(display._running.__rich__()) == "  ▸ cdk·pinned·none #0 (c1-ab)  0s"
        display.finished(
            CellResult(cell(1), CellStatus.AS_DOCUMENTED, "kept/n/a (expected kept/n/a)")
        )
        display.finished(CellResult(cell(2), CellStatus.FAILED, "CommandError: [boom] in [/tmp]"))
        display.note("cdk: not run: driver not available [x]")
    text = out.getvalue()
    assert "✓ cdk·pinned·none #0 (c1-ab): as documented kept/n/a" in text
    assert "✗ cdk·pinned·none #0 (c2-ab): failed CommandError: [boom] in [/tmp]" in text
    assert "cdk: not run: driver not available [x]" in text


def result(tmp_path: Path, *statuses: str, interrupted: bool = False) -> RunResult:
    summary = RunSummary("run", "embedded", 1.0, interrupted=interrupted, notes=("cdk: not run",))
    cells = tuple(CellResult(cell(i), CellStatus(s)) for i, s in enumerate(statuses, 1))
    return RunResult(tmp_path, summary, cells, (tmp_path / "report.md", tmp_path / "timings.png"))


@pytest.mark.parametrize(
    ("statuses", "interrupted", "code"),
    [
        (("as documented", "differs"), False, 0),
        (("as documented", "failed"), False, 1),
        ((), False, 1),
        (("as documented",), True, 130),
    ],
)
def test_exit_code(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    statuses: tuple[str, ...],
    interrupted: bool,
    code: int,
) -> None:
    monkeypatch.setenv("CI", "1")  # plain log lines, no live display
    monkeypatch.setattr(
        cli,
        "run_comparison",
        lambda options, progress: result(tmp_path, *statuses, interrupted=interrupted),
    )
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args([])
    args.verbose = True  # leaves logger levels alone (see test_quiet_keeps_only_progress_lines)
    assert cli.run(args) == code
    captured = capsys.readouterr()
    assert f"report:  {tmp_path / 'report.md'}" in captured.out
    assert "timings.png" not in captured.out
    assert "note: cdk: not run" in captured.err


def test_quiet_keeps_only_progress_lines() -> None:
    import logging

    names = ("harness", "harness.compare")
    saved = {name: logging.getLogger(name).level for name in names}
    try:
        cli._quiet(verbose=False)
        assert not logging.getLogger("harness.app_update").isEnabledFor(logging.INFO)
        assert logging.getLogger("harness.compare.progress").isEnabledFor(logging.INFO)
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def test_closing_line_counts_outcomes_and_states_the_overhead() -> None:
    from .conftest import RUN_A

    summary = RunSummary("20261126T060000Z-aaaa", "embedded", 722.0)
    cells = (
        CellResult(cell(1), CellStatus.AS_DOCUMENTED),
        CellResult(cell(2), CellStatus.AS_DOCUMENTED),
        CellResult(cell(3), CellStatus.DIFFERS),
    )
    line = cli.closing_line(RunResult(RUN_A, summary, cells, ()))
    assert line == "2 as documented, 1 differs; 722 s wall time, harness overhead 1.4%"


def test_closing_line_without_records(tmp_path: Path) -> None:
    summary = RunSummary("run", "embedded", 3.0)
    assert cli.closing_line(RunResult(tmp_path, summary, (), ())) == "no cells; 3 s wall time"


def test_faults_are_parsed_into_a_seeded_plan() -> None:
    options = parse("--faults", "throttle:0.1,drop:0.02@ecs", "--fault-seed", "9")
    assert options.faults is not None
    assert options.faults.seed == 9
    assert options.faults.for_service("ecs") == {"throttle": 0.1, "drop": 0.02}
    assert parse().faults is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--faults", "timeout:0.1"), "--faults: fault 'timeout:0.1': write KIND:FRACTION"),
        (("--faults", "throttle:0.1", "--target", "localstack"), "needs the embedded emulator"),
    ],
)
def test_bad_faults_say_what_is_wrong(argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(SystemExit, match=message):
        parse(*argv)
