"""The embedded emulator's process: moto's server, the fidelity layer, call counting.

Run as ``python -m harness.fidelity.server --ready-file F``. It binds a free loopback port
itself (no race between picking a port and binding it) and writes ``{"port": N}`` to the
ready file once it serves.
"""

from __future__ import annotations

import argparse
import errno
import functools
import gc
import io
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from harness.fidelity import control, faults

log = logging.getLogger(__name__)

_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/[^/]+/([^/]+)/aws4_request")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def access_key_of(environ: dict[str, Any]) -> str:
    """The access key id that signed the request ("" when unsigned)."""
    match = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


def identify_call(environ: dict[str, Any], body: bytes) -> str:
    """``service:Action`` of one request, from its SigV4 scope and target or Action."""
    match = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    service = match.group(2) if match else "unsigned"
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if not action and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    if action:
        return f"{service}:{action[0]}"
    # REST services (S3, Lambda, ...): method and the shape of the path.
    depth = len([p for p in environ.get("PATH_INFO", "/").split("/") if p])
    shape = "/".join(["*"] * min(depth, 2))
    return f"{service}:{environ.get('REQUEST_METHOD', 'GET')} /{shape}"


def counting_app(app: WSGIApp) -> WSGIApp:
    """Wrap moto's WSGI app: answer control routes, count every AWS call, inject faults."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if path.startswith(_CUSTOM_RESOURCE_RESPONSES):  # a custom resource's ResponseURL
            from harness.fidelity.cloudformation.handlers import lambda_backed

            status, answer = lambda_backed.answer(
                environ["REQUEST_METHOD"], path, environ.get("QUERY_STRING", ""), body
            )
            start_response(f"{status} X", [("Content-Type", "application/xml")])
            return [answer]
        if path.startswith(control.PREFIX):
            payload: dict[str, Any] = json.loads(body) if body else {}
            payload.update({k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()})
            status, answer = control.dispatch(path, environ["REQUEST_METHOD"], payload)
            start_response(f"{status} X", [("Content-Type", "application/json")])
            return [answer]
        if path.startswith("/moto-api"):
            return app(environ, start_response)
        call, key = identify_call(environ, body), access_key_of(environ)
        on_behalf = environ.get("HTTP_" + control.ON_BEHALF_HEADER.upper().replace("-", "_"))
        if on_behalf:  # made by one of the emulator's services for a caller
            control.calls.add(f"{key}{control.VIA_SEPARATOR}{call}", on_behalf)
            caller = on_behalf
        else:
            caller = control.calls.caller(key)
            control.calls.add(call, caller)
        control.calls.set_current(caller)
        control.calls.begin(caller)
        try:
            serve = app
            if call in _ISSUES_TEMPORARY_KEYS:
                serve = functools.partial(_aliasing_temporary_keys, app, caller=caller)
            if on_behalf:  # AWS retries its own internal calls: never faulted
                return serve(environ, start_response)
            return faults.serve_with_faults(serve, environ, start_response, call, caller)
        finally:
            control.calls.end(caller)
            control.calls.set_current(None)

    return wrapped


_CUSTOM_RESOURCE_RESPONSES = "/cloudformation-custom-resource-response-"
"""``lambda_backed.RESPONSE_PREFIX`` (not imported here: the server starts before the layers)."""
_ISSUES_TEMPORARY_KEYS = {"sts:AssumeRole", "sts:GetSessionToken", "sts:AssumeRoleWithWebIdentity"}
_ACCESS_KEY_ID = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")


def _aliasing_temporary_keys(
    app: WSGIApp, environ: dict[str, Any], start_response: Callable[..., Any], *, caller: str
) -> Iterable[bytes]:
    """Serve an STS call, and count the temporary key it hands out for ``caller``."""
    answer = b"".join(app(environ, start_response))
    for temporary in _ACCESS_KEY_ID.findall(answer):
        control.calls.alias(temporary.decode(), caller)
    return [answer]


PORT_IN_USE_EXIT = 3
"""Exit code of a server whose ``--port`` is taken (the harness reports it as PortInUse)."""


def serve(
    host: str, ready_file: Path, layers: tuple[str, ...] | None = None, port: int = 0
) -> None:
    from moto.moto_server.werkzeug_app import create_backend_app
    from werkzeug.serving import make_server

    from harness import fidelity
    from harness.fidelity import serving

    serving.share_botocore_loader()
    installed = fidelity.install(layers)
    serving.share_region_lists()
    serving.plain_request_files()
    serving.cached_method_names()
    serving.cached_attribute_keys()
    app = counting_app(serving.CachingDispatcher(create_backend_app))
    if port and _taken(host, port):  # werkzeug would exit 1 saying so, like any failure
        log.error("port %s on %s is already in use", port, host)
        sys.exit(PORT_IN_USE_EXIT)
    server = make_server(
        host, port, app, threaded=True, request_handler=serving.BufferedRequestHandler
    )
    serving.ConnectionWorkers(server).install()
    port = server.server_port
    # moto's backends, botocore's models and the layers are loaded now and live as long as the
    # server: keep them out of the collector's full passes (they only grow with the calls).
    gc.freeze()
    os.environ["MOTO_PORT"] = str(port)  # moto builds some URLs (S3, SQS) from it
    tmp = ready_file.with_suffix(".tmp")
    tmp.write_text(json.dumps({"port": port, "layers": installed}))
    tmp.replace(ready_file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _exit_with_parent(server)
    log.info("emulator serving on %s:%s with layers %s", host, port, installed)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        _log_usage()


def _log_usage() -> None:
    """One line for the log: calls served and the CPU they took (the issue #16 measure)."""
    served = sum(control.calls.snapshot().values())
    times = os.times()
    cpu_s = times.user + times.system
    per_call = f", {cpu_s / served * 1000:.1f} ms per call" if served else ""
    log.info(
        "emulator served %d AWS calls in %.1f s CPU (%.1f user, %.1f system)%s",
        served, cpu_s, times.user, times.system, per_call,
    )  # fmt: skip


def _taken(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def _exit_with_parent(server: Any, poll_s: float = 1.0) -> None:
    """Shut down when the process that started us is gone (killed before it could stop us).

    The harness always stops the emulator, but a SIGKILLed harness cannot: without this the
    server would be orphaned, holding its port and memory.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        log.warning("parent process %s is gone: stopping the emulator", parent)
        server.shutdown()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.fidelity.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ready-file", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument(
        "--layers", default=None, help="comma-separated fidelity layers to install (default: all)"
    )
    args = parser.parse_args(argv)
    layers = None if args.layers is None else tuple(x for x in args.layers.split(",") if x)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    serve(args.host, args.ready_file, layers, args.port)


if __name__ == "__main__":
    main()
