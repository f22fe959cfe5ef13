"""``python -m harness localstack --python PY -- <command>``: a command against a fresh LocalStack.

Starts the LocalStack community runtime installed for ``PY`` (``nox -s localstack`` makes that
environment) on a free loopback port, runs the command with ``AWS_ENDPOINT_URL`` and
``LOCALSTACK_HOST`` pointing at it, and stops LocalStack afterwards: also when the command
fails, on Ctrl-C, or on SIGTERM. Its exit code is the command's.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from harness import process
from harness.errors import TargetError
from harness.localstack_runtime import LocalStackRuntime


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--python", required=True, type=Path, help="the Python that has localstack-core[runtime]"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="LocalStack's files and log (default: a temp dir)",
    )
    parser.add_argument("hosted", nargs=argparse.REMAINDER, help="-- then the command to run")


def run(args: argparse.Namespace) -> int:
    command = args.hosted[1:] if args.hosted[:1] == ["--"] else args.hosted
    if not command:
        print("usage: python -m harness localstack --python PY -- <command>", file=sys.stderr)
        return 2
    # SIGTERM (a CI runner's timeout) must stop LocalStack too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="harness-localstack-") as tmp:
        workdir = args.workdir or Path(tmp)
        try:
            with LocalStackRuntime(args.python, workdir) as runtime:
                print(
                    process.banner(f"localstack {runtime.version} serving at {runtime.url}"),
                    file=sys.stderr,
                    flush=True,
                )
                code = process.call(command, env=process.child_env(runtime.env()))
        except TargetError as exc:
            print(f"python -m harness localstack: {exc}", file=sys.stderr)
            return 1
        if code and args.workdir:  # a temporary workdir goes, and its log with it
            print(process.banner(f"localstack log: {runtime.log_path}"), file=sys.stderr)
        return code
