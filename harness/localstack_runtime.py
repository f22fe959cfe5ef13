"""A LocalStack community runtime started on this machine, for ``--target localstack``.

    with LocalStackRuntime(python=Path(".nox/localstack-runtime/bin/python"), workdir=tmp) as ls:
        ls.env()   # {"AWS_ENDPOINT_URL": "http://localhost:PORT", "LOCALSTACK_HOST": ...}

It runs ``localstack.runtime.main`` in host mode (no Docker, no auth token) from the Python
that has ``localstack-core[runtime]`` (its own CPython 3.13 environment, never the harness's),
on a free loopback port below 32768 (a port in the ephemeral range can be taken meanwhile by
some client's socket), bound to 127.0.0.1 only, with its files under ``workdir``. It is ready
once ``/_localstack/health`` answers and is always stopped: by ``stop()``, the context
manager, or at interpreter exit.
"""

from __future__ import annotations

import atexit
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from subprocess import Popen
from types import TracebackType
from typing import Any

from harness import process
from harness.errors import TargetError

log = logging.getLogger(__name__)

START_TIMEOUT_S = 90.0
PORT_RANGE = (10000, 32767)
"""Below Linux's ephemeral range (32768-60999), where the OS hands out client ports."""


class LocalStackRuntime:
    """Start, wait for and stop one LocalStack process."""

    def __init__(self, python: Path, workdir: Path, port: int | None = None) -> None:
        self.python, self.workdir = Path(python), Path(workdir).resolve()
        self.port = port
        self.log_path = self.workdir / "localstack.log"
        self.version: str | None = None
        self._proc: Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def env(self) -> dict[str, str]:
        """Variables that point clients (localstack-client, the harness, tools) at it."""
        return {"AWS_ENDPOINT_URL": self.url, "LOCALSTACK_HOST": f"localhost:{self.port}"}

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> LocalStackRuntime:
        """Start LocalStack and return once its health endpoint answers."""
        if self._proc is not None:
            return self
        if not self.python.exists():
            raise TargetError(f"no LocalStack runtime at {self.python}: run `nox -s localstack`")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        began = time.perf_counter()
        self._proc = process.spawn(
            [str(self.python), "-m", "localstack.runtime.main"],
            env=process.child_env(self._runtime_env()),
            cwd=self.workdir,
            log_path=self.log_path,
        )
        atexit.register(self.stop)
        try:
            health = self._wait_healthy(began)
        except BaseException:
            self.stop()
            raise
        self.version = str(health.get("version", "?"))
        log.info(
            "localstack %s up on %s in %.1fs", self.version, self.url, time.perf_counter() - began
        )
        return self

    def stop(self) -> None:
        """Stop LocalStack (terminate, then kill); safe to call more than once."""
        if self._proc is None:
            return
        process.stop(self._proc, grace_s=15.0)
        self._proc = None
        atexit.unregister(self.stop)

    def __enter__(self) -> LocalStackRuntime:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # internals -------------------------------------------------------------------------
    def _runtime_env(self) -> dict[str, str]:
        tmp = self.workdir / "tmp"
        tmp.mkdir(exist_ok=True)
        return {
            # Twisted, LocalStack's default gateway, binds 0.0.0.0 whatever host GATEWAY_LISTEN
            # names; hypercorn (the other server it ships) binds the host given.
            "GATEWAY_SERVER": "hypercorn",
            "GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
            # URLs it hands out (S3 template URLs, queue URLs) must resolve offline.
            "LOCALSTACK_HOST": f"localhost:{self.port}",
            "DNS_ADDRESS": "0",  # no DNS server of its own (port 53)
            "SKIP_SSL_CERT_DOWNLOAD": "1",  # no network: a self-signed certificate
            "DISABLE_EVENTS": "1",  # no analytics calls home
            "FILESYSTEM_ROOT": str(self.workdir / "filesystem"),
            "TMPDIR": str(tmp),
            "PYTHONUNBUFFERED": "1",
        }

    def _wait_healthy(self, began: float) -> dict[str, Any]:
        assert self._proc is not None
        while time.perf_counter() - began < START_TIMEOUT_S:
            if self._proc.poll() is not None:
                raise TargetError(
                    f"LocalStack exited with {self._proc.returncode} while starting; its log:\n"
                    f"{process.tail(self._read_log())}"
                )
            health = health_of(self.url)
            if health is not None:
                return health
            time.sleep(0.2)
        raise TargetError(
            f"LocalStack did not answer {self.url}/_localstack/health within "
            f"{START_TIMEOUT_S:g}s; its log:\n{process.tail(self._read_log())}"
        )

    def _read_log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def health_of(url: str) -> dict[str, Any] | None:
    """LocalStack's ``/_localstack/health`` document, or None while it does not answer."""
    try:
        with urllib.request.urlopen(f"{url}/_localstack/health", timeout=2) as resp:
            found = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("services") else None


def free_port(low: int = PORT_RANGE[0], high: int = PORT_RANGE[1]) -> int:
    """A loopback port in ``[low, high]`` nobody listens on now (random, so parallel runs differ)."""
    candidates = list(range(low, high + 1))
    random.shuffle(candidates)
    for port in candidates[:200]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise TargetError(f"no free loopback port between {low} and {high}")


def listening_addresses(port: int) -> set[str]:
    """IPv4 addresses with a socket listening on ``port`` (Linux ``/proc/net/tcp``)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, port_hex = fields[1].split(":")
        if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
            octets = bytes.fromhex(address)[::-1]  # little-endian on the machines we run on
            found.add(".".join(str(b) for b in octets))
    return found
