"""The provider process: serve tfplugin6 over a Unix socket, go-plugin style.

Started by Terraform (:func:`serve`): go-plugin's handshake, print
``1|6|unix|<socket>|grpc|<base64 server cert>`` on stdout, then serve until Terraform calls
Shutdown or closes us. Terraform starts it 3-4 times per command.

Started by the harness (:func:`serve_reattached`, ``python -m harness.tfprovider.plugin
--reattach READY_FILE``): one long-lived server that Terraform commands reattach to through
``TF_REATTACH_PROVIDERS`` (go-plugin's "unmanaged" providers, the way ``-debug`` providers are
run), so no command starts a provider. It writes that variable's JSON to ``READY_FILE``,
serves plaintext on a socket in a private directory (reattaching clients bring no TLS
certificate), ignores Shutdown, and exits on SIGTERM or when the process that started it is
gone.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

VERSION_MARK = "stand-in harness provider"


PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"


def _server(version: str | None, stopped: threading.Event | None, provider: str = "aws") -> Any:
    """A gRPC server with the provider (hashicorp/aws, or ``provider="random"``), controller and
    stdio services (not started).

    ``stopped`` is set by the controller's Shutdown; None ignores it (a reattached server
    outlives the commands that use it).
    """
    import grpc  # type: ignore[import-untyped]
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2_grpc as rpc

    from harness.tfprovider.server import Servicer

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    servicer = Servicer(version, provider) if version else Servicer(provider=provider)
    rpc.add_ProviderServicer_to_server(servicer, server)

    class Controller(controller_rpc.GRPCControllerServicer):  # type: ignore[misc]
        def Shutdown(self, request: Any, context: Any) -> Any:
            if stopped is not None:
                stopped.set()
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):  # type: ignore[misc]
        def StreamStdio(self, request: Any, context: Any) -> Any:
            return iter([])

    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)
    return server


def serve(version: str | None = None, provider: str = "aws") -> None:
    """Serve as hashicorp/aws ``version`` (its schema; default: the one the stand-in implements),
    or with ``provider="random"`` as the stand-in hashicorp/random."""
    started = _since_process_start()
    import grpc

    from harness.tfprovider.certificate import server_credentials

    stopped = threading.Event()
    server = _server(version, stopped, provider)
    with tempfile.TemporaryDirectory(prefix="tfaws-") as tmp:
        socket = Path(tmp) / "plugin.sock"
        chain, credentials = server_credentials(grpc)
        server.add_secure_port(f"unix://{socket}", credentials)
        server.start()
        cert = base64.b64encode(chain).decode().rstrip("=")
        sys.stdout.write(f"1|6|unix|{socket}|grpc|{cert}\n")
        sys.stdout.flush()
        ready = _since_process_start()
        while not stopped.wait(0.05):
            pass
        server.stop(grace=0.2)
    _record_timing(started, ready)
    # Terraform waits for us to exit after Shutdown (up to 2 s, then kills us); joining the
    # gRPC worker threads at interpreter exit would spend that wait for nothing.
    sys.stdout.flush()
    os._exit(0)


def serve_reattached(ready_file: Path, version: str | None = None) -> None:
    """Serve until SIGTERM or the parent's death; ``ready_file`` gets the reattach JSON."""
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    server = _server(version, None)
    with tempfile.TemporaryDirectory(prefix="tfaws-") as tmp:  # mode 0700: ours alone
        socket = Path(tmp) / "plugin.sock"
        server.add_insecure_port(f"unix://{socket}")
        server.start()
        reattach = {
            PROVIDER_ADDRESS: {
                "Protocol": "grpc",
                "ProtocolVersion": 6,
                "Pid": os.getpid(),
                # Test: go-plugin then never kills this process; it exits on its own.
                "Test": True,
                "Addr": {"Network": "unix", "String": str(socket)},
            }
        }
        partial = ready_file.with_name(ready_file.name + ".tmp")
        partial.write_text(json.dumps(reattach))
        partial.replace(ready_file)  # atomic: the harness never reads half of it
        parent = os.getppid()
        while not stopped.wait(0.5):
            if os.getppid() != parent:  # the harness died without stopping us
                break
        server.stop(grace=0.2)
    os._exit(0)


def _since_process_start() -> float | None:
    """Seconds since this process was created (Linux), so interpreter start-up counts too."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _record_timing(started: float | None, ready: float | None) -> None:
    """With HARNESS_TFPROVIDER_TIMING=<file>: one JSON line per provider process."""
    path = os.environ.get("HARNESS_TFPROVIDER_TIMING")
    if not path:
        return
    line = {
        "pid": os.getpid(),
        "startup_s": ready,
        "python_before_serve_s": started,
        "lifetime_s": _since_process_start(),
    }
    with Path(path).open("a") as out:
        out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--reattach":
        serve_reattached(Path(sys.argv[2]))
    else:
        serve()
