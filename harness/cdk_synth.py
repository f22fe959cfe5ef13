"""Cloud assemblies from one long-lived CDK app process instead of a ``cdk synth`` per context.

``cdk synth -c ...`` starts the CLI, which starts ``python3 app.py``, which starts jsii's Node
kernel and loads aws-cdk-lib: ~4.7 s warm, nearly all of it start-up, and a comparison
synthesizes ~32 contexts. :class:`SynthServer` runs the app once
(:mod:`harness.cdk_synth_worker`) and synthesizes each context there, into the same
assembly ``cdk synth -o DIR`` writes, with the context the CLI would have passed: the CLI's
own (``cdk.json``, ``cdk.context.json``, its ``aws:cdk:*`` switches), read once from the CLI
itself through a probe app (:func:`cli_context`), overlaid with the ``-c`` values as strings.

    server = SynthServer(cli, app_dir)
    seconds = server.synth(outdir, {"base": "dev"}, endpoint)
    server.stop()   # also at interpreter exit, and by itself when its parent is gone

Deploys then run on the assembly with ``cdk deploy --app DIR`` as before.

A TypeScript app run by ts-node (``[npx] ts-node [-P tsconfig] entry.ts``) is served the same
way by a Node worker (``cdk_synth_worker.js``: ts-node and aws-cdk-lib loaded, and the app's
sources type-checked, once); any other TypeScript app command, or ``HARNESS_CDK_SYNTH_TS=cli``,
is a ``cdk synth -o DIR`` per context. Both use the pinned TypeScript toolchain (installed on
first use). An assembly that misses context only the CLI can look up (``fromLookup``) is
synthesized again by ``cdk synth``, which looks it up and stores it in ``cdk.context.json``.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness import cdk_typescript, process
from harness.cdk_cli import CdkCli
from harness.endpoint import Endpoint
from harness.errors import CommandError

READY_TIMEOUT_S = 180.0
CLI_SYNTH_TIMEOUT_S = 900.0
"""A ``cdk synth`` of a TypeScript app: type-checking it takes minutes on a loaded machine."""
PROBE = (
    "import json, os, sys; "
    "open(sys.argv[1], 'w').write(json.dumps({k: os.environ.get(k) for k in "
    "('CDK_CONTEXT_JSON', 'CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION')}))"
)
"""The probe app: writes what the CLI hands an app, then exits (the CLI then fails: no assembly)."""
TS_SWITCH = "HARNESS_CDK_SYNTH_TS"
"""``cli``: TypeScript apps by ``cdk synth`` each time, never by the Node worker."""


class SynthFailed(CommandError):
    """The app raised while synthesizing (the message carries its traceback)."""


def cli_context(cli: CdkCli, app_dir: Path, endpoint: Endpoint) -> dict[str, Any]:
    """What the CLI would pass an app run in ``app_dir`` with no ``-c``: context and env."""
    with tempfile.TemporaryDirectory(prefix="harness-cdk-probe-") as tmp:
        out = Path(tmp) / "probe.json"
        app = f"{sys.executable} -c {json.dumps(PROBE)} {out}"
        args = ["synth", "--app", app, "-o", str(Path(tmp) / "cdk.out"), "--no-notices"]
        done = cli.run(args, endpoint, cwd=app_dir, timeout=120, ok_codes=range(256))
        if not out.exists():
            raise CommandError(done.argv, done.returncode, process.tail(done.stderr),
                               message="the CDK CLI did not run the probe app")  # fmt: skip
        seen = json.loads(out.read_text())
    return {
        "context": json.loads(seen["CDK_CONTEXT_JSON"] or "{}"),
        "env": {k: v for k, v in seen.items() if k != "CDK_CONTEXT_JSON" and v},
    }


class SynthServer:
    """One app process for a CDK app directory; requests are served one at a time."""

    def __init__(self, cli: CdkCli, app_dir: Path, app: str | None = None) -> None:
        """``app``: the app command (``cdk --app``), else ``cdk.json``'s."""
        self.cli, self.app_dir, self.app = cli, app_dir, app
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._base: dict[str, Any] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.start_s = 0.0
        """Seconds the probe and the app's start took (paid by the first synth)."""
        self.typescript = cdk_typescript.is_typescript(app_dir, app)
        """A TypeScript app: served by the Node worker when ts-node runs it, else ``cdk synth``."""
        self._ts_entry = cdk_typescript.ts_node_entry(app_dir, app) if self.typescript else None

    def synth(
        self,
        outdir: Path,
        context: Mapping[str, str],
        endpoint: Endpoint,
        environment: Mapping[str, str] | None = None,
    ) -> float:
        """Synthesize ``context`` (the ``-c`` values) into ``outdir``; the seconds it took.
        ``environment``: variables the app reads from ``process.env`` / ``os.environ``.

        The first call also pays the probe and the app's start (:attr:`start_s`).
        """
        began = time.perf_counter()
        environment = dict(environment or {})
        if self.typescript and (self._ts_entry is None or os.environ.get(TS_SWITCH) == "cli"):
            self._synth_with_cli(outdir, context, endpoint, environment)
            return time.perf_counter() - began
        with self._lock:
            base = self._start(endpoint)
            request = {
                "outdir": str(outdir),
                "context": {**base["context"], **context},
                "env": {**base["env"], **environment},
            }
            answer = self._ask(request)
        if not answer.get("ok"):
            raise SynthFailed(["synth", str(outdir)], None, str(answer.get("error", "")),
                              message="synthesizing the CDK app failed")  # fmt: skip
        if answer.get("missing"):
            # Context only the CLI can look up (a hosted zone, AZs): it does, writes it to
            # cdk.context.json, and the next request's probe reads it from there.
            self._synth_with_cli(outdir, context, endpoint, environment)
            with self._lock:
                self._base = None
        return time.perf_counter() - began

    def _synth_with_cli(self, outdir: Path, context: Mapping[str, str], endpoint: Endpoint,
                        environment: Mapping[str, str] | None = None) -> None:  # fmt: skip
        cdk_typescript.ensure()
        args = ["synth", "--quiet", "--no-notices", "-o", str(outdir)]
        args += ["--app", self.app] if self.app else []
        args += [arg for key in sorted(context) for arg in ("-c", f"{key}={context[key]}")]
        try:
            self.cli.run(args, endpoint, cwd=self.app_dir, timeout=CLI_SYNTH_TIMEOUT_S,
                         extra_env=environment)  # fmt: skip
        except CommandError as exc:
            raise SynthFailed(exc.argv, exc.returncode, exc.stderr_tail,
                              message="synthesizing the TypeScript CDK app failed") from exc  # fmt: skip

    def start(self, endpoint: Endpoint) -> None:
        """Start the app process now (else the first synth does)."""
        with self._lock:
            self._start(endpoint)

    def _start(self, endpoint: Endpoint) -> dict[str, Any]:
        alive = self._proc is not None and self._proc.poll() is None
        if alive and self._base is not None:
            return self._base
        began = time.perf_counter()
        self._base = cli_context(self.cli, self.app_dir, endpoint)
        if alive:
            return self._base
        env = self.cli.env(endpoint)  # the pinned Node first on PATH, for jsii
        if self._ts_entry is not None:
            entry, project = self._ts_entry
            worker = Path(__file__).with_name("cdk_synth_worker.js")
            modules = str(cdk_typescript.ensure())
            argv = [str(self.cli.node), str(worker), str(self.app_dir), entry, project, modules]
        else:
            argv = [sys.executable, "-m", "harness.cdk_synth_worker", str(self.app_dir)]
            env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
        self._tmp = tempfile.TemporaryDirectory(prefix="harness-cdk-synth-")
        self._proc = process.spawn(argv, env=env, log_path=self._log_path(), pipes=True)
        atexit.register(self.stop)
        ready = self._read(READY_TIMEOUT_S)
        if not ready.get("ready"):
            raise SynthFailed(argv, None, str(ready), message="the CDK app did not start")
        self.start_s = time.perf_counter() - began
        return self._base

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._running()
        assert proc.stdin is not None  # spawned with pipes
        proc.stdin.write((json.dumps(request) + "\n").encode())
        proc.stdin.flush()
        # a TypeScript app's first request type-checks it (minutes on a loaded machine)
        return self._read(CLI_SYNTH_TIMEOUT_S if self.typescript else READY_TIMEOUT_S)

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise SynthFailed(["synth-worker"], None, "", message="the CDK app process is gone")
        return self._proc

    def _read(self, timeout_s: float) -> dict[str, Any]:
        """The worker's next answer; a worker that dies or hangs is stopped, with its log."""
        stdout = self._running().stdout
        assert stdout is not None  # spawned with pipes
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout_s)
        if not line or not line[0]:
            log_path = self._log_path()
            log_text = log_path.read_text(errors="replace") if log_path.exists() else ""
            self.stop_locked()
            raise SynthFailed(["synth-worker"], None, process.tail(log_text),
                              message="the CDK app process stopped answering")  # fmt: skip
        answer: dict[str, Any] = json.loads(line[0])
        return answer

    def _log_path(self) -> Path:
        """The worker's stderr (what the app and jsii print), kept until it stops."""
        return Path(self._tmp.name if self._tmp else tempfile.gettempdir()) / "cdk-app.log"

    def stop(self) -> None:
        """Stop the app process (a later synth starts it again); safe to call twice."""
        with self._lock:
            self.stop_locked()

    def stop_locked(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()  # end of input: the worker exits by itself, with jsii
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.stop(proc)
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()
        atexit.unregister(self.stop)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
