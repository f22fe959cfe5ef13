"""The embedded AWS emulator: moto's server plus the harness's fidelity layer, as a subprocess.

    with Emulator() as emu:
        emu.endpoint.url          # http://localhost:PORT
        before = emu.calls()
        ...                       # drive a tool
        emu.calls_since(before)   # {"ecs:RunTask": 1, ...}

It binds a free loopback port chosen by the OS, is reachable as ``localhost`` (moto reads
S3 template URLs path-style only for that host name), and is always stopped: by ``stop()``,
the context manager, or at interpreter exit.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from importlib.metadata import version
from pathlib import Path
from subprocess import Popen
from types import TracebackType
from typing import Any

from harness import process
from harness.endpoint import Endpoint, Target
from harness.errors import EmulatorError, PortInUse
from harness.fidelity import control
from harness.fidelity.faults import FaultPlan
from harness.fidelity.server import PORT_IN_USE_EXIT
from harness.paths import REPO_ROOT
from harness.records import CallCounts

log = logging.getLogger(__name__)

START_TIMEOUT_S = 30.0


class Emulator:
    """Start, query and stop one private emulator process."""

    def __init__(
        self,
        region: str = "us-east-1",
        log_dir: Path | None = None,
        layers: tuple[str, ...] | None = None,
        port: int = 0,
    ) -> None:
        """``layers``: fidelity layers to install (default all; ``()`` is stock moto);
        ``port``: the port to serve on (default a free one the OS picks)."""
        self.region = region
        self._port_wanted = port
        self._layers_wanted = layers
        self._log_dir = log_dir
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.log_path: Path | None = None
        self._proc: Popen[bytes] | None = None
        self.port: int | None = None
        self.layers: list[str] = []
        self.start_time_s: float | None = None

    @classmethod
    def attach(cls, url: str, region: str = "us-east-1") -> Emulator:
        """An emulator someone else started (``python -m harness emulator``) at ``url``: this
        object counts calls and answers control calls; it never stops the server."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.hostname not in ("localhost", "127.0.0.1") or parsed.port is None:
            raise EmulatorError(
                f"--endpoint {url}: expected the URL python -m harness emulator printed "
                "(http://localhost:PORT)"
            )
        emulator = cls(region=region)
        emulator.port = parsed.port
        try:
            info = emulator.control("info")
        except (EmulatorError, OSError) as exc:
            emulator.port = None
            raise EmulatorError(
                f"no harness emulator answers at {url} ({exc}): start one with "
                "python -m harness emulator, or leave out --endpoint to have the run start its own"
            ) from None
        emulator.layers = list(info.get("layers", []))
        emulator.start_time_s = 0.0
        return emulator

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> Emulator:
        """Start the server and return once it answers HTTP."""
        if self._proc is not None or self.port is not None:  # started, or attached
            return self
        self._tmp = tempfile.TemporaryDirectory(prefix="harness-emulator-")
        self.log_path = (self._log_dir or Path(self._tmp.name)) / "emulator.log"
        ready = Path(self._tmp.name) / "ready.json"
        began = time.perf_counter()
        argv = [sys.executable, "-m", "harness.fidelity.server", "--ready-file", str(ready)]
        if self._layers_wanted is not None:
            argv.append(f"--layers={','.join(self._layers_wanted)}")
        if self._port_wanted:
            argv.append(f"--port={self._port_wanted}")
        self._proc = process.spawn(
            argv,
            env=process.child_env({"PYTHONUNBUFFERED": "1", "PYTHONPATH": _python_path()}),
            log_path=self.log_path,
        )
        atexit.register(self.stop)
        try:
            info = self._wait_ready(ready, began)
        except BaseException:
            self.stop()
            raise
        self.port, self.layers = int(info["port"]), list(info["layers"])
        self.start_time_s = time.perf_counter() - began
        log.info("emulator up on %s in %.2fs", self.url, self.start_time_s)
        return self

    def stop(self) -> None:
        """Stop the server; safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is not None:
            process.stop(proc)
        atexit.unregister(self.stop)
        if proc is not None:  # an attached emulator keeps serving (and its port)
            self.port = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # what it serves --------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise EmulatorError("the emulator is not running: call start() first")
        return f"http://localhost:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def engine(self) -> str:
        layers = ", ".join(self.layers) or "none"
        return f"moto {version('moto')} + harness fidelity [{layers}]"

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(Target.EMBEDDED, self.url, region=self.region, engine=self.engine)

    def env(self) -> dict[str, str]:
        return self.endpoint.env()

    def control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the emulator's control API (``/_harness/<path>``); GET without a body."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.url}/_harness/{path}",
            data=data,
            method="POST" if data is not None else "GET",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            raise EmulatorError(f"control call {path} failed: {exc.read().decode()}") from exc

    def calls(self, access_key: str | None = None) -> dict[str, int]:
        """AWS calls served so far, ``service:Action`` -> count (only ``access_key``'s if given)."""
        query = f"?key={access_key}" if access_key is not None else ""
        return dict(self.control(f"calls{query}"))

    def calls_since(self, before: dict[str, int], access_key: str | None = None) -> dict[str, int]:
        """Calls served since the snapshot ``before`` (from :meth:`calls`, same ``access_key``)."""
        now = self.calls(access_key)
        return {k: n - before.get(k, 0) for k, n in sorted(now.items()) if n - before.get(k, 0)}

    def set_faults(self, plan: FaultPlan | None) -> None:
        """Put a fault plan in force (None: off); see :mod:`harness.fidelity.faults`."""
        self.control("faults", {"plan": plan.to_dict() if plan else None})

    def faults(self, access_key: str | None = None) -> dict[str, Any]:
        """The plan in force, faults injected and retries seen (``access_key``'s, or all)."""
        query = f"?key={access_key}" if access_key is not None else ""
        return dict(self.control(f"faults{query}"))

    def call_counts(self, access_key: str) -> CallCounts:
        """``access_key``'s calls, its own apart from those services made for it, the seconds the
        emulator was busy with them, and the faults injected into them and retries seen."""
        seen = self.faults(access_key)
        counts = CallCounts(
            busy_s=float(self.control(f"busy?key={access_key}")["busy_s"]),
            faults_injected=seen["injected"],
            retries=seen["retries"],
        )
        for call, n in self.calls(access_key).items():
            via, sep, inner = call.partition(control.VIA_SEPARATOR)
            if sep:
                counts.on_behalf.setdefault(via, {})[inner] = n
            else:
                counts.own[call] = n
        return counts

    def calls_by_cloudformation(self) -> dict[str, int]:
        """Calls the emulator's CloudFormation made to carry out stack operations (any caller).

        They are counted for the caller as ``cloudformation>svc:Action``; those made outside
        any caller's request are under CloudFormation's own key.
        """
        made: dict[str, int] = {}
        for call, n in self.calls().items():
            via, sep, inner = call.partition(control.VIA_SEPARATOR)
            if sep and via == "cloudformation":
                made[inner] = made.get(inner, 0) + n
        for call, n in self.calls("cloudformation").items():
            if control.VIA_SEPARATOR not in call:
                made[call] = made.get(call, 0) + n
        return made

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process (Linux), for the report."""
        if self._proc is None:
            return None
        try:
            for line in Path(f"/proc/{self._proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    # internals -------------------------------------------------------------------------
    def _wait_ready(self, ready: Path, began: float) -> dict[str, Any]:
        assert self._proc is not None
        while time.perf_counter() - began < START_TIMEOUT_S:
            if self._proc.poll() is not None:
                if self._proc.returncode == PORT_IN_USE_EXIT:
                    raise PortInUse(
                        f"port {self._port_wanted} is already in use by another process: "
                        "choose another --port, or leave it out to get a free one"
                    )
                raise EmulatorError(
                    f"the emulator exited with {self._proc.returncode} while starting;"
                    f" its log:\n{process.tail(self._read_log())}"
                )
            if ready.exists():
                info: dict[str, Any] = json.loads(ready.read_text())
                if _answers(f"http://localhost:{info['port']}"):
                    return info
            time.sleep(0.02)
        raise EmulatorError(
            f"the emulator did not answer within {START_TIMEOUT_S:g}s; its log:\n"
            f"{process.tail(self._read_log())}"
        )

    def _read_log(self) -> str:
        if self.log_path is None:
            return ""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def _python_path() -> str:
    """PYTHONPATH that finds this harness whatever the working directory (installed or not)."""
    here = str(REPO_ROOT)
    existing = os.environ.get("PYTHONPATH")
    return f"{here}{os.pathsep}{existing}" if existing else here


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False
