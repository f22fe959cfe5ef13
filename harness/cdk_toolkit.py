"""CDK deploy, diff and destroy in one long-lived Node process instead of a ``cdk`` CLI start each.

Each ``cdk deploy|diff|destroy --app DIR`` starts Node, loads the CLI's bundle and the AWS SDK:
~1.4-1.9 s before the first AWS call, ~6 times per comparison cell. :class:`ToolkitServer`
runs :file:`cdk_toolkit_worker.js` once, which serves those actions through the CDK Toolkit
Library (``@aws-cdk/toolkit-lib``, pinned in ``cdk/package.json``: the library the CLI is
built on) on the cloud assemblies the driver already synthesised (``fromAssemblyDirectory``).
Requests overlap (cells run in parallel) and are told apart by id.

The version: the CLI 2.1148.1 is built on toolkit-lib ``^1.46.1`` (its ``package.json``), but
the newest the registry serves is 1.43.0; it reads cloud assembly schema ``>=55.0.0`` and our
assemblies are 55.0.0. The deployment methods are the objects the CLI itself hands the library
(``aws-cdk/lib/cli/cli.js``: ``{method: 'change-set', execute: true}``, and
``{method: 'hotswap'}`` without fallback for ``--hotswap``). One difference seen: for a stack
whose template did not change the library still creates a change set and deletes it empty
(``(no changes)`` all the same), where the CLI skips it: a few more CloudFormation calls
(~1 % of a CDK cell's).

    server = ToolkitServer(cli, endpoint)
    answer = server.request("deploy", assembly=outdir, stack="dev-base")
    server.stop()   # also at interpreter exit; the worker ends by itself when its parent is gone
"""

from __future__ import annotations

import atexit
import itertools
import json
import subprocess
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from harness import process
from harness.cdk_cli import CdkCli
from harness.endpoint import Endpoint
from harness.errors import CommandError, CommandNotFound

WORKER = Path(__file__).with_name("cdk_toolkit_worker.js")
PACKAGE = "@aws-cdk/toolkit-lib"
READY_TIMEOUT_S = 120.0


class ToolkitFailed(CommandError):
    """The toolkit raised (the message carries its own error) or its process died."""

    def __init__(
        self, argv: list[str], returncode: int | None, log_tail: str = "", message: str = ""
    ) -> None:
        super().__init__(argv, returncode, log_tail, message or None)
        self.headline = message


def installed_version(cli: CdkCli) -> str | None:
    """The toolkit-lib version installed beside the CLI, or None when it is not installed."""
    manifest = modules_dir(cli) / PACKAGE / "package.json"
    if not manifest.exists():
        return None
    return str(json.loads(manifest.read_text())["version"])


def modules_dir(cli: CdkCli) -> Path:
    """``cdk/node_modules``: the CLI's script is ``node_modules/aws-cdk/bin/cdk``."""
    return cli.script.parents[2]


class ToolkitServer:
    """One toolkit-lib worker bound to one endpoint (its environment is the CLI's)."""

    def __init__(self, cli: CdkCli, endpoint: Endpoint) -> None:
        self.cli, self.endpoint = cli, endpoint
        self.version = installed_version(cli)
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # starting, writing, stopping
        self._pending: dict[int, Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.start_s = 0.0

    def request(self, action: str, *, timeout_s: float, **fields: Any) -> dict[str, Any]:
        """Run ``action`` in the worker; its answer (``ok`` true), else :class:`ToolkitFailed`."""
        # what the error shows (never the credentials a request may carry)
        argv = [
            "toolkit-lib",
            action,
            *(str(fields[k]) for k in ("assembly", "stack") if k in fields),
        ]
        answer: Future[dict[str, Any]] = Future()
        with self._lock:
            proc = self._start()
            ident = next(self._ids)
            self._pending[ident] = answer
            line = json.dumps({"id": ident, "action": action, **fields}, default=str) + "\n"
            assert proc.stdin is not None  # spawned with pipes
            try:
                proc.stdin.write(line.encode())
                proc.stdin.flush()
            except OSError as exc:
                self._pending.pop(ident, None)
                raise ToolkitFailed(argv, None, self._log_tail(),
                                    message=f"the toolkit worker is gone: {exc}") from exc  # fmt: skip
        try:
            reply = answer.result(timeout=timeout_s)
        except TimeoutError:
            self.stop()  # as a CLI run past its timeout: stopped (requests beside it fail too)
            raise ToolkitFailed(argv, None, self._log_tail(),
                                message=f"toolkit-lib {action} ran past {timeout_s:.0f} s") from None  # fmt: skip
        if not reply.get("ok"):
            # the error the toolkit threw: what the CLI prints last (its "❌ ... failed:" line)
            reason = str(reply.get("error") or "") or str(reply.get("reason") or "")
            raise ToolkitFailed(argv, 1, str(reply.get("log") or ""),
                                message=f"toolkit-lib {action} failed: {reason}")  # fmt: skip
        return reply

    def start(self) -> None:
        """Start the worker now (else the first request does)."""
        with self._lock:
            self._start()

    # -- the worker -----------------------------------------------------------------------------
    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if self.version is None:
            raise CommandNotFound([PACKAGE], None,
                                  message=f"{PACKAGE} is not installed: run npm ci --prefix cdk")  # fmt: skip
        began = time.perf_counter()
        self._tmp = tempfile.TemporaryDirectory(prefix="harness-cdk-toolkit-")
        argv = [str(self.cli.node), str(WORKER), str(modules_dir(self.cli))]
        proc = process.spawn(argv, env=self.cli.env(self.endpoint), log_path=self._log_path(),
                             pipes=True)  # fmt: skip
        self._proc = proc
        atexit.register(self.stop)
        ready: Future[dict[str, Any]] = Future()
        threading.Thread(target=self._reader, args=(proc, ready), daemon=True).start()
        try:
            hello = ready.result(timeout=READY_TIMEOUT_S)
        except (TimeoutError, ToolkitFailed) as exc:
            self._stop_locked()
            raise ToolkitFailed(argv, None, self._log_tail(),
                                message="the toolkit worker did not start") from exc  # fmt: skip
        self.version = str(hello.get("version") or self.version)
        self.start_s = time.perf_counter() - began
        return proc

    def _reader(self, proc: subprocess.Popen[bytes], ready: Future[dict[str, Any]]) -> None:
        """Hand each answer to its request; when the worker dies, fail all that wait."""
        assert proc.stdout is not None  # spawned with pipes
        try:
            for raw in proc.stdout:
                self._dispatch(raw, ready)
        except (OSError, ValueError):  # the pipe closed under us: stop() ran
            pass
        gone = ToolkitFailed(["toolkit-lib"], proc.poll(), self._log_tail(),
                             message="the toolkit worker stopped answering")  # fmt: skip
        if not ready.done():
            ready.set_exception(gone)
        with self._lock:
            waiting_all, self._pending = list(self._pending.values()), {}
        for waiting in waiting_all:
            waiting.set_exception(gone)

    def _dispatch(self, raw: bytes, ready: Future[dict[str, Any]]) -> None:
        try:
            reply = json.loads(raw)
        except ValueError:
            return  # not ours (a library writing to stdout)
        if reply.get("ready"):
            ready.set_result(reply)
            return
        with self._lock:
            waiting = self._pending.pop(reply.get("id"), None)
        if waiting is not None:
            waiting.set_result(reply)

    def _log_path(self) -> Path:
        """The worker's stderr (Node's own warnings and crashes), kept until it stops."""
        return Path(self._tmp.name if self._tmp else tempfile.gettempdir()) / "cdk-toolkit.log"

    def _log_tail(self) -> str:
        path = self._log_path()
        return process.tail(path.read_text(errors="replace")) if path.exists() else ""

    def stop(self) -> None:
        """Stop the worker (a later request starts it again); safe to call twice."""
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()  # end of input: the worker exits by itself
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.stop(proc)
            if proc.stdout is not None:
                proc.stdout.close()
        atexit.unregister(self.stop)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
