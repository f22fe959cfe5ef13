"""The one place the harness starts subprocesses.

Every tool (terraform, cdk, npm, the emulator) is run through :func:`run` (a command
that finishes), :func:`call` (one whose output is the user's) or :func:`spawn` (a server
the caller stops). Arguments are a list, never
a shell string; the environment is explicit; stdout and stderr are read together so a
chatty tool cannot deadlock us; a timeout or Ctrl-C escalates terminate -> kill.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import CommandError, CommandNotFound, CommandTimeout

log = logging.getLogger(__name__)

TAIL_LINES = 40
KILL_GRACE_S = 5.0
BANNER = "[harness] "
"""How the harness's own CLIs start the lines they add to a tool's output (what ran, where):
:func:`tool_output` leaves them out, so an error shows the tool's words, not ours."""


@dataclass(frozen=True, slots=True)
class Completed:
    """A finished command: what ran, how it ended, what it printed, how long it took."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration_s: float


def tail(text: str, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of ``text``."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def banner(text: str) -> str:
    """A line of the harness's own, printed beside a tool's output (see :data:`BANNER`)."""
    return f"{BANNER}{text}"


def tool_output(text: str, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of what the tool itself printed: banner lines left out."""
    return tail("\n".join(ln for ln in text.splitlines() if not ln.startswith(BANNER)), lines)


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = 600.0,
    ok_codes: Collection[int] = (0,),
    input_text: str | None = None,
) -> Completed:
    """Run ``argv`` to completion and return its output.

    ``env`` replaces the environment entirely when given (pass ``child_env(...)`` to extend
    ours). Raises ``CommandNotFound``, ``CommandTimeout`` or ``CommandError`` (exit code not
    in ``ok_codes``), each carrying the command and the tails of its stderr and stdout.
    """
    args = [str(a) for a in argv]
    log.debug("run %s (cwd=%s)", args, cwd)
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            text=True,
            start_new_session=True,  # our own process group, so a timeout kills its children too
        )
    except FileNotFoundError as exc:
        raise CommandNotFound(args, None, message=f"executable not found ({exc.filename})") from exc
    try:
        stdout, stderr = proc.communicate(input=input_text, timeout=timeout)
    except subprocess.TimeoutExpired:
        stdout, stderr = _stop(proc)
        raise CommandTimeout(
            args,
            proc.returncode,
            tool_output(stderr),
            message=f"timed out after {timeout:g}s",
            stdout_tail=tool_output(stdout),
        ) from None
    except BaseException:  # Ctrl-C or anything else: never leave the child behind
        _stop(proc)
        raise
    result = Completed(tuple(args), proc.returncode, stdout, stderr, time.perf_counter() - start)
    if proc.returncode not in ok_codes:
        raise CommandError(
            args, proc.returncode, tool_output(stderr), stdout_tail=tool_output(stdout)
        )
    return result


def call(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: str | Path | None = None
) -> int:
    """Run ``argv`` with our terminal (its output is the user's to read); return its exit code.

    For a command the harness only hosts (``python -m harness localstack -- pytest ...``).
    A Ctrl-C or any error here stops it, and its children, before going on.
    """
    args = [str(a) for a in argv]
    try:
        proc = subprocess.Popen(
            args, env=dict(env) if env is not None else None, cwd=cwd, start_new_session=True
        )
    except FileNotFoundError as exc:
        raise CommandNotFound(args, None, message=f"executable not found ({exc.filename})") from exc
    try:
        return proc.wait()
    except BaseException:
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()
        raise


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    log_path: Path | None = None,
    pipes: bool = False,
) -> subprocess.Popen[bytes]:
    """Start a long-running server process; stop it with :func:`stop`.

    Its output goes to ``log_path`` (or is discarded), never to a pipe nobody reads; with
    ``pipes`` its stdin and stdout are pipes the caller talks through (stderr to the log).
    """
    args = [str(a) for a in argv]
    out = log_path.open("ab") if log_path else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            args,
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else out,
            stderr=out if pipes else subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise CommandNotFound(args, None, message=f"executable not found ({exc.filename})") from exc
    finally:
        if log_path and not isinstance(out, int):
            out.close()


def stop(proc: subprocess.Popen[bytes], grace_s: float = KILL_GRACE_S) -> int | None:
    """Terminate a spawned process group, then kill it if it does not exit within ``grace_s``."""
    if proc.poll() is not None:
        return proc.returncode
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        return proc.wait(timeout=grace_s)


def child_env(
    extra: Mapping[str, str] | None = None, *, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Our environment (or ``base``) updated with ``extra``: the env mapping for a child."""
    env = dict(os.environ if base is None else base)
    env.update(extra or {})
    return env


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        return proc.communicate(timeout=KILL_GRACE_S)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        return proc.communicate()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
