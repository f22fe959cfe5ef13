"""One long-lived stand-in provider that Terraform commands reattach to (``TF_REATTACH_PROVIDERS``).

Terraform starts a provider plugin 3-4 times per command (schema, validate, plan, apply), and
the stand-in is a Python process (~0.5-1 s to import gRPC and its schema each time). Started
once instead, and named in ``TF_REATTACH_PROVIDERS`` (go-plugin's reattach config, as for a
provider run with ``-debug``), it serves every command of a driver with no start-up at all.

    with ReattachedProvider(env) as provider:
        process.run([...terraform plan...], env={**env, **provider.env()})

One server serves one provider configuration at a time (the provider's ``Context`` is set by
``ConfigureProvider``), so each driver, whose commands run one after another, has its own.
The server stops with :meth:`stop`, at interpreter exit, on SIGTERM, and by itself when the
process that started it is gone.
"""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from harness import process
from harness.errors import HarnessError
from harness.paths import REPO_ROOT

REATTACH_ENV = "TF_REATTACH_PROVIDERS"
START_TIMEOUT_S = 60.0


class ReattachFailed(HarnessError):
    """The reattachable provider server did not come up."""


class ReattachedProvider:
    """The stand-in provider as a server of its own; started on first use, stopped by us."""

    def __init__(self, env: Mapping[str, str], log_dir: Path | None = None) -> None:
        self._env = dict(env)
        self._log_dir = log_dir
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._reattach = ""
        self._lock = threading.Lock()
        self.start_s = 0.0
        """Seconds the last start took (until the server answered with its address)."""

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def env(self) -> dict[str, str]:
        """``TF_REATTACH_PROVIDERS`` for a command; starts the server if it is not running."""
        with self._lock:
            if not self.running:
                self._start()
            return {REATTACH_ENV: self._reattach}

    def _start(self) -> None:
        self._stop_locked()
        began = time.perf_counter()
        self._tmp = tempfile.TemporaryDirectory(prefix="harness-tfaws-")
        ready = Path(self._tmp.name) / "reattach.json"
        log_path = Path(self._tmp.name) / "provider.log"
        argv = [sys.executable, "-m", "harness.tfprovider.plugin", "--reattach", str(ready)]
        env = {**self._env, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
        self._proc = process.spawn(argv, env=env, log_path=log_path)
        atexit.register(self.stop)
        while not ready.exists():
            if self._proc.poll() is not None or time.perf_counter() - began > START_TIMEOUT_S:
                text = log_path.read_text(errors="replace") if log_path.exists() else ""
                self._stop_locked()
                raise ReattachFailed(
                    f"the stand-in provider server did not start: {process.tail(text)}"
                )
            time.sleep(0.02)
        self._reattach = json.dumps(json.loads(ready.read_text()))
        self.start_s = time.perf_counter() - began

    def stop(self) -> None:
        """Stop the server (it starts again on the next :meth:`env`); safe to call twice."""
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            process.stop(proc)
        atexit.unregister(self.stop)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ReattachedProvider:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
