"""Lambda's Python runtime, in small: load the handler, call it with the event and a context.

Run by the emulator as ``python3.X python_shim.py`` in the function's code directory, with
the event on stdin. The result (or the error, in the payload shape the Python runtime
reports: "AWS Lambda function errors in Python") goes to the file ``_HARNESS_LAMBDA_RESULT``
names, so whatever the function prints stays its log. Runs on the function's interpreter:
no imports from the harness, standard library only.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

RESULT = os.environ.pop("_HARNESS_LAMBDA_RESULT")
DEADLINE_MS = int(os.environ.pop("_HARNESS_LAMBDA_DEADLINE_MS"))
NO_SDK = os.environ.pop("_HARNESS_LAMBDA_NO_SDK", "")


class LambdaContext:
    """The context object's documented fields ("Using the Lambda context object ... Python")."""

    def __init__(self) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.invoked_function_arn = os.environ.pop("_HARNESS_LAMBDA_INVOKED_ARN")
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.aws_request_id = os.environ.pop("_HARNESS_LAMBDA_REQUEST_ID")
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity: Any = None
        self.client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return max(DEADLINE_MS - int(time.time() * 1000), 0)


def _write(outcome: dict[str, Any]) -> None:
    with Path(RESULT).open("w", encoding="utf-8") as out:
        json.dump(outcome, out)


def _error(kind: str, message: str, request_id: str, stack: Any = ()) -> dict[str, Any]:
    return {
        "error": {
            "errorMessage": message,
            "errorType": kind,
            "requestId": request_id,
            "stackTrace": list(stack),
        }
    }


def main() -> None:
    context = LambdaContext()
    request_id = context.aws_request_id
    handler = os.environ["_HANDLER"]
    module_name, _, function_name = handler.rpartition(".")
    module_name = module_name.replace("/", ".")
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    sys.path.append(os.environ["LAMBDA_RUNTIME_DIR"])  # boto3, as the runtime bundles it
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # what the runtime reports as Runtime.ImportModuleError
        message = f"Unable to import module '{module_name}': {exc}"
        if NO_SDK and getattr(exc, "name", "") in ("boto3", "botocore"):
            message += (
                f" (the emulator's local {NO_SDK} runtime has no bundled boto3: the machine's"
                " boto3 needs Python 3.10+; package boto3 with the function)"
            )
        print(f"[ERROR] Runtime.ImportModuleError: {message}", file=sys.stderr)
        _write(_error("Runtime.ImportModuleError", message, "", []))
        return
    function = getattr(module, function_name, None)
    if function is None:
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        _write(_error("Runtime.HandlerNotFound", message, "", []))
        return
    event = json.loads(sys.stdin.read() or "{}")
    try:
        result = function(event, context)
    except Exception as exc:
        frames = traceback.format_tb(exc.__traceback__)[1:]  # the shim's own frame left out
        print(f"[ERROR] {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc()
        _write(_error(type(exc).__name__, str(exc), request_id, frames))
        return
    try:
        _write({"result": result})
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        _write(_error("Runtime.MarshalError", message, request_id, []))


if __name__ == "__main__":
    main()
