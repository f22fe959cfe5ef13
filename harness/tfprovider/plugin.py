"""The provider process Terraform starts: serve tfplugin6 over a Unix socket, go-plugin style.

go-plugin's handshake: print ``1|6|unix|<socket>|grpc|<base64 server cert>`` on stdout,
then serve until Terraform calls Shutdown/StopProvider or closes us.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

VERSION_MARK = "stand-in harness provider"


def serve(version: str | None = None, provider: str = "aws") -> None:
    """Serve as hashicorp/aws ``version`` (its schema; default: the one the stand-in implements),
    or with ``provider="random"`` as the stand-in hashicorp/random."""
    started = _since_process_start()
    import grpc  # type: ignore[import-untyped]
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2_grpc as rpc

    from harness.tfprovider.certificate import server_credentials
    from harness.tfprovider.server import Servicer

    stopped = threading.Event()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    servicer = Servicer(version, provider) if version else Servicer(provider=provider)
    rpc.add_ProviderServicer_to_server(servicer, server)

    class Controller(controller_rpc.GRPCControllerServicer):  # type: ignore[misc]
        def Shutdown(self, request: Any, context: Any) -> Any:
            stopped.set()
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):  # type: ignore[misc]
        def StreamStdio(self, request: Any, context: Any) -> Any:
            return iter([])

    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)
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
    serve()
