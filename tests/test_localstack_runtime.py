"""The LocalStack runtime ``nox -s localstack`` starts: loopback only, free ports, always stopped.

The tests that start LocalStack themselves need its runtime environment, which ``nox -s
localstack`` names in ``HARNESS_LOCALSTACK_PYTHON``; elsewhere they skip saying so.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from harness import process
from harness.endpoint import Endpoint
from harness.localstack_runtime import PORT_RANGE, free_port, health_of, listening_addresses

# Selected by `pytest -m localstack`, so `nox -s localstack` runs them (with its runtime).
pytestmark = pytest.mark.localstack

ROOT = Path(__file__).resolve().parents[1]
SERVING = re.compile(r"serving at http://localhost:(\d+)")


def runtime_python() -> str:
    python = os.environ.get("HARNESS_LOCALSTACK_PYTHON")
    if not python:
        pytest.skip("needs LocalStack's runtime environment (run through `nox -s localstack`)")
    return python


def test_free_ports_are_below_the_ephemeral_range_and_free() -> None:
    port = free_port()
    assert PORT_RANGE[0] <= port <= PORT_RANGE[1] < 32768
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # nobody holds it


def test_listening_addresses_reads_the_kernels_table() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert listening_addresses(port) == {"127.0.0.1"}
    assert listening_addresses(port) == set()


@pytest.mark.services("sts")
def test_the_endpoint_under_test_listens_on_loopback_only(aws_endpoint: Endpoint) -> None:
    if aws_endpoint.url is None:
        pytest.skip("a sandbox account has no local listener")
    port = urlparse(aws_endpoint.url).port
    assert port is not None
    assert listening_addresses(port) <= {"127.0.0.1"}, "bound to every interface"
    assert listening_addresses(port), "nothing listens on the endpoint's port over IPv4"


def start_hosting(tmp_path: Path, *command: str) -> tuple[process.Popen[bytes], int, Path]:
    """``python -m harness localstack -- COMMAND`` in the background, once LocalStack answers."""
    log = tmp_path / "host.log"
    argv = [sys.executable, "-m", "harness", "localstack", "--python", runtime_python()]
    argv += ["--workdir", str(tmp_path / "ls"), "--", *command]
    env = process.child_env({"PYTHONPATH": str(ROOT)})
    proc = process.spawn(argv, env=env, log_path=log)
    deadline = time.monotonic() + 120
    while not (found := SERVING.search(log.read_text() if log.exists() else "")):
        if proc.poll() is not None or time.monotonic() > deadline:
            process.stop(proc)
            pytest.fail(f"LocalStack did not come up:\n{log.read_text()}")
        time.sleep(0.2)
    return proc, int(found.group(1)), log


def assert_stopped(port: int) -> None:
    assert health_of(f"http://localhost:{port}") is None
    assert listening_addresses(port) == set()


def test_a_failing_command_keeps_its_exit_code_and_localstack_is_stopped(
    tmp_path: Path,
) -> None:
    proc, port, log = start_hosting(tmp_path, sys.executable, "-c", "import sys; sys.exit(3)")
    assert proc.wait(timeout=60) == 3
    assert "localstack log:" in log.read_text()
    assert_stopped(port)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_stops_localstack(tmp_path: Path, sig: signal.Signals) -> None:
    proc, port, _ = start_hosting(tmp_path, sys.executable, "-c", "import time; time.sleep(300)")
    assert health_of(f"http://localhost:{port}") is not None
    assert listening_addresses(port) == {"127.0.0.1"}
    proc.send_signal(sig)
    assert proc.wait(timeout=60) != 0
    assert_stopped(port)
