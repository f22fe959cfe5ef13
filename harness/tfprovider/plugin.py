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


def serve() -> None:
    started = _since_process_start()
    import grpc  # type: ignore[import-untyped]
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2_grpc as rpc

    from harness.tfprovider.server import Servicer

    stopped = threading.Event()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    rpc.add_ProviderServicer_to_server(Servicer(), server)

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
        chain, credentials = _certificate(grpc)
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


CERT_CACHE = Path.home() / ".cache" / "iac-harness" / "tfprovider-cert.json"
CERT_MARGIN_S = 3600.0


def _certificate(grpc: Any) -> tuple[bytes, Any]:
    """The go-plugin TLS certificate: cached, so most starts skip importing cryptography."""
    import time

    try:
        cached = json.loads(CERT_CACHE.read_text())
        if cached["not_after"] - CERT_MARGIN_S > time.time():
            return base64.b64decode(cached["chain"]), _credentials(grpc, cached)
    except (OSError, ValueError, KeyError):
        pass
    from tf.runner import _self_signed_cert  # generates one with cryptography (~60 ms import)

    chain, _ = _self_signed_cert()
    tf_cache = Path.home() / ".cache" / "tf-python-provider" / "ssl_cert.json"
    generated = json.loads(tf_cache.read_text())
    from cryptography import x509

    not_after = x509.load_pem_x509_certificate(
        generated["cert_pem"].encode()
    ).not_valid_after_utc.timestamp()
    cached = {
        "key_pem": generated["key_pem"],
        "cert_pem": generated["cert_pem"],
        "chain": base64.b64encode(chain).decode(),
    }
    cached["not_after"] = not_after
    CERT_CACHE.parent.mkdir(parents=True, exist_ok=True)
    tmp = CERT_CACHE.with_name(f".{CERT_CACHE.name}.{os.getpid()}")
    tmp.write_text(json.dumps(cached))
    tmp.chmod(0o600)
    tmp.replace(CERT_CACHE)
    return chain, _credentials(grpc, cached)


def _credentials(grpc: Any, cached: dict[str, Any]) -> Any:
    pair = [(cached["key_pem"].encode(), cached["cert_pem"].encode())]
    return grpc.ssl_server_credentials(
        private_key_certificate_chain_pairs=pair, require_client_auth=False
    )


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
