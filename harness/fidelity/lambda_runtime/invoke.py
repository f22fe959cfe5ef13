"""The Invoke API served by running the function (moto would start a Docker container).

RequestResponse waits for the function and answers its payload (200), with
``X-Amz-Function-Error: Unhandled`` when it failed and the last 4 KB of its log in
``X-Amz-Log-Result`` when asked (``LogType Tail``); Event queues it and answers 202 at once;
DryRun answers 204 ("Invoke", AWS Lambda API Reference). Every invocation's log goes to the
function's log group ``/aws/lambda/NAME``, as Lambda writes it.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import threading
import time
from typing import Any
from urllib.parse import unquote

from harness.fidelity import control
from harness.fidelity.lambda_runtime import refusals, runner

log = logging.getLogger(__name__)

LOG_TAIL_BYTES = 4096
"""``LogResult``: "The last 4 KB of the execution log" (Invoke, API Reference)."""

_background: list[threading.Thread] = []


def served_invoke(resp: Any) -> tuple[int, dict[str, str], bytes | str]:
    """Replaces moto's ``LambdaResponse.invoke``."""
    name = unquote(resp.path.rsplit("/", 2)[-2])
    qualifier = resp._get_param("qualifier") or resp.querystring.get("Qualifier", [None])[0]
    function = resp.backend.get_function(name, qualifier)  # UnknownFunction: moto's 404
    why = refusals.unavailable(function.run_time)
    if why:
        from moto.awslambda.exceptions import LambdaClientError

        # Lambda's error for a runtime it cannot start (Invoke, API Reference: 502).
        error = LambdaClientError("InvalidRuntimeException", why)
        error.code = 502
        raise error
    invoked_arn = function.function_arn + (f":{qualifier}" if qualifier else "")
    kind = resp.headers.get("X-Amz-Invocation-Type", "RequestResponse")
    body = resp.body if isinstance(resp.body, bytes) else (resp.body or "").encode()
    if kind == "DryRun":
        return 204, {"status": "204"}, ""
    if kind == "Event":
        _start_event(function, body, invoked_arn)
        return 202, {"status": "202"}, ""
    result = _run(function, body, invoked_arn)
    headers = {"content-type": "application/json", "x-amz-executed-version": "$LATEST"}
    if result.function_error:
        headers["x-amz-function-error"] = result.function_error
    if resp.headers.get("X-Amz-Log-Type") == "Tail":
        tail = result.log.encode()[-LOG_TAIL_BYTES:]
        headers["x-amz-log-result"] = base64.b64encode(tail).decode()
    return 200, headers, result.payload


def _start_event(function: Any, body: bytes, invoked_arn: str) -> None:
    caller = control.calls.current()

    def run() -> None:
        control.calls.set_current(caller)  # its calls still count for whoever invoked it
        try:
            result = _run(function, body, invoked_arn)
            if result.function_error:
                log.info("%s (Event) failed: %s", function.function_name, result.payload[:500])
        except Exception:  # nobody waits for an Event invocation: log it, never die silently
            log.exception("Event invocation of %s", function.function_name)

    thread = threading.Thread(target=run, name=f"lambda-{function.function_name}", daemon=True)
    _background[:] = [t for t in _background if t.is_alive()] + [thread]
    thread.start()


def _run(function: Any, body: bytes, invoked_arn: str) -> runner.Invocation:
    result = runner.invoke(function, body, invoked_arn)
    _write_log(function, result)
    return result


def _write_log(function: Any, result: runner.Invocation) -> None:
    group = f"/aws/lambda/{function.function_name}"
    stream = (
        f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]{result.request_id.replace('-', '')}"
    )
    now_ms = int(time.time() * 1000)
    events = [{"timestamp": now_ms, "message": line} for line in result.log.splitlines()]
    with contextlib.suppress(Exception):  # the log is a convenience; the invocation stands
        backend = function.logs_backend
        backend.ensure_log_group(group)
        backend.create_log_stream(group, stream)
        backend.put_log_events(group, stream, events)
