"""The process runner: exit codes, timeouts, missing binaries, output capture, cleanup."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from harness import process
from harness.errors import CommandError, CommandNotFound, CommandTimeout

PY = sys.executable


def test_run_returns_stdout_stderr_and_duration() -> None:
    result = process.run([PY, "-c", "import sys; print('out'); print('err', file=sys.stderr)"])
    assert result.returncode == 0
    assert result.stdout == "out\n"
    assert result.stderr == "err\n"
    assert result.duration_s > 0


def test_nonzero_exit_raises_with_command_code_and_stderr_tail() -> None:
    script = "import sys; [print(f'line {i}', file=sys.stderr) for i in range(100)]; sys.exit(3)"
    with pytest.raises(CommandError) as info:
        process.run([PY, "-c", script])
    err = info.value
    assert err.returncode == 3
    assert err.argv[0] == PY
    assert "line 99" in err.stderr_tail
    assert "line 0\n" not in err.stderr_tail  # only the tail
    assert "exited with 3" in str(err)


def test_an_error_on_stdout_is_carried_beside_stderr_without_the_banner() -> None:
    # Terraform writes its errors to stdout; the harness's CLIs add banner lines on stderr.
    script = (
        "import sys;"
        f"print({process.banner('tf: Terraform 1.15.5; endpoint http://x')!r}, file=sys.stderr);"
        "print('Error: Invalid expression'); sys.exit(1)"
    )
    with pytest.raises(CommandError) as info:
        process.run([PY, "-c", script])
    err = info.value
    assert err.stdout_tail == "Error: Invalid expression"
    assert err.stderr_tail == ""
    assert str(err).endswith("--- last lines of its stdout ---\nError: Invalid expression")


def test_a_failed_harness_tf_shows_terraforms_own_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" { bucket = }\n')
    env = process.child_env({"PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    argv = [PY, "-m", "harness", "tf", "--endpoint", "http://localhost:9", "--"]
    with pytest.raises(CommandError) as info:
        process.run([*argv, "validate", "-no-color"], env=env, cwd=tmp_path, timeout=120)
    assert "Error: Invalid expression" in info.value.stdout_tail
    assert "main.tf line 1" in str(info.value)
    assert "Terraform 1.15.5" not in str(info.value), "the harness's banner is left out"


def test_accepted_exit_codes_do_not_raise() -> None:
    result = process.run([PY, "-c", "import sys; sys.exit(2)"], ok_codes={0, 2})
    assert result.returncode == 2


def test_missing_binary_raises_command_not_found() -> None:
    with pytest.raises(CommandNotFound, match="not found"):
        process.run(["definitely-not-a-real-binary-xyz", "--version"])


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    # The child starts a grandchild that would outlive a naive kill of the child alone.
    pid_file = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time;"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)"
    )
    began = time.perf_counter()
    with pytest.raises(CommandTimeout) as info:
        process.run([PY, "-c", script], timeout=1.0)
    assert time.perf_counter() - began < 10
    assert "timed out after 1s" in str(info.value)
    grandchild = int(pid_file.read_text())
    deadline = time.perf_counter() + 5
    while _alive(grandchild) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is dead for our purpose
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_large_output_on_both_streams_does_not_deadlock() -> None:
    script = "import sys; sys.stdout.write('o' * 2_000_000); sys.stderr.write('e' * 2_000_000)"
    result = process.run([PY, "-c", script], timeout=30)
    assert len(result.stdout) == 2_000_000
    assert len(result.stderr) == 2_000_000


def test_env_is_explicit() -> None:
    env = process.child_env({"HARNESS_TEST_VAR": "42"}, base={"PATH": os.environ["PATH"]})
    result = process.run([PY, "-c", "import os; print(sorted(os.environ))"], env=env)
    assert "HARNESS_TEST_VAR" in result.stdout
    assert "HOME" not in result.stdout


def test_input_text_is_sent() -> None:
    result = process.run([PY, "-c", "print(input().upper())"], input_text="hello\n")
    assert result.stdout == "HELLO\n"


def test_spawn_and_stop_leaves_nothing_behind() -> None:
    proc = process.spawn([PY, "-c", "import time; time.sleep(60)"])
    assert proc.poll() is None
    process.stop(proc, grace_s=2)
    assert proc.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.kill(proc.pid, 0)


def test_stop_escalates_to_kill_when_terminate_is_ignored() -> None:
    script = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    proc = process.spawn([PY, "-c", script])
    time.sleep(0.5)  # let it install the handler
    began = time.perf_counter()
    process.stop(proc, grace_s=0.5)
    assert proc.returncode is not None
    assert proc.returncode < 0  # killed by a signal
    assert time.perf_counter() - began < 5
