"""The provider process Terraform starts: serve tfplugin6 over a Unix socket, go-plugin style.

go-plugin's handshake: print ``1|6|unix|<socket>|grpc|<base64 server cert>`` on stdout,
then serve until Terraform calls Shutdown/StopProvider or closes us.
"""

from __future__ import annotations

import base64
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

VERSION_MARK = "stand-in harness provider"


def serve() -> None:
    import grpc
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2_grpc as rpc
    from tf.runner import _self_signed_cert

    from harness.tfprovider.server import Servicer

    stopped = threading.Event()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    rpc.add_ProviderServicer_to_server(Servicer(), server)  # type: ignore[no-untyped-call]

    class Controller(controller_rpc.GRPCControllerServicer):  # type: ignore[misc]
        def Shutdown(self, request: Any, context: Any) -> Any:  # noqa: N802
            stopped.set()
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):  # type: ignore[misc]
        def StreamStdio(self, request: Any, context: Any) -> Any:  # noqa: N802
            return iter([])

    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)  # type: ignore[no-untyped-call]
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)  # type: ignore[no-untyped-call]
    with tempfile.TemporaryDirectory(prefix="tfaws-") as tmp:
        socket = Path(tmp) / "plugin.sock"
        chain, credentials = _self_signed_cert()
        server.add_secure_port(f"unix://{socket}", credentials)
        server.start()
        cert = base64.b64encode(chain).decode().rstrip("=")
        sys.stdout.write(f"1|6|unix|{socket}|grpc|{cert}\n")
        sys.stdout.flush()
        while not stopped.wait(0.05):
            if sys.stdin.closed:
                break
        server.stop(grace=0.2)


if __name__ == "__main__":
    serve()
