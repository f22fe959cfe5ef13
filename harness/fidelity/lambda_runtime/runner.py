"""One invocation of a function: its code unpacked, its environment, a local process, the result.

The process gets the environment Lambda documents ("Defined runtime environment variables"),
the function's own variables, temporary credentials of its execution role, and
``AWS_ENDPOINT_URL`` pointing back at this emulator, so the SDK calls it makes land here.
The function's timeout kills it, reported as Lambda reports it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import process
from harness.errors import CommandTimeout
from harness.fidelity import control
from harness.fidelity.lambda_runtime import runtimes

HERE = Path(__file__).parent
NODE_SDK = HERE / "node" / "node_modules"
"""The AWS SDK for JavaScript v3 as Node.js runtimes bundle it (``npm ci --prefix`` here)."""
BUNDLED_PYTHON = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
"""What the Python runtimes bundle beside the standard library (boto3 and what it needs)."""
NO_BUNDLED_SDK = ("python3.9",)
"""Runtimes our boto3 cannot run on (it needs Python 3.10+): their functions get no boto3, and
an import of it fails saying so (``python_shim.py``)."""

_ROOT = Path(tempfile.gettempdir()) / "harness-lambda"
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Invocation:
    """What one invocation returned: the payload, the function error (or None), its log."""

    request_id: str
    payload: bytes
    function_error: str | None
    log: str
    duration_ms: float


def invoke(function: Any, event: bytes, qualifier_arn: str) -> Invocation:
    """Run ``function`` (moto's LambdaFunction) on ``event`` and wait for it, up to its timeout."""
    runtime = runtimes.resolve(function.run_time)
    if runtime is None:  # Invoke answers InvalidRuntimeException before asking (invoke.py)
        raise ValueError(f"runtime {function.run_time} has no local interpreter")
    request_id = str(uuid.uuid4())
    task_root = _code_dir(function.code_bytes)
    timeout_s = float(function.timeout)
    with tempfile.TemporaryDirectory(prefix="harness-lambda-") as scratch:
        result_file = Path(scratch) / "result.json"
        env = _environment(function, runtime, task_root, request_id, qualifier_arn, timeout_s)
        env["_HARNESS_LAMBDA_RESULT"] = str(result_file)
        env["TMPDIR"] = scratch  # /tmp of its own, as each sandbox has
        shim = HERE / ("python_shim.py" if runtime.language == "python" else "node_shim.js")
        began = time.perf_counter()
        try:
            done = process.run(
                [str(runtime.interpreter), str(shim)],
                env=env,
                cwd=task_root,
                timeout=timeout_s,
                ok_codes=range(-255, 256),
                input_text=event.decode("utf-8") if event else "{}",
            )
            output = done.stdout + done.stderr
        except CommandTimeout as exc:
            took = time.perf_counter() - began
            return _timed_out(request_id, timeout_s, took, f"{exc.stdout_tail}\n{exc.stderr_tail}")
        took = time.perf_counter() - began
        outcome = _read(result_file, done.returncode, output)
    if "error" in outcome:
        payload, error = json.dumps(outcome["error"]).encode(), "Unhandled"
    else:
        payload, error = json.dumps(outcome["result"]).encode(), None
    return Invocation(request_id, payload, error, _framed(request_id, output, took), took * 1000)


def _read(result_file: Path, returncode: int, output: str) -> dict[str, Any]:
    if result_file.exists():
        loaded: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
        return loaded
    # The process died before the shim could answer (exit, signal, out of memory).
    return {
        "error": {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: Error: Runtime exited with error: exit status {returncode}",
        }
    }


def _timed_out(request_id: str, timeout_s: float, took: float, output: str) -> Invocation:
    # "Troubleshoot invocation issues in Lambda": "Task timed out after N.NN seconds".
    message = f"RequestId: {request_id} Error: Task timed out after {timeout_s:.2f} seconds"
    payload = json.dumps({"errorType": "Sandbox.Timedout", "errorMessage": message}).encode()
    log = _framed(
        request_id,
        f"{output.strip()}\n{_stamp()} {request_id} Task timed out after {timeout_s:.2f} seconds",
        took,
    )
    return Invocation(request_id, payload, "Unhandled", log, took * 1000)


def _framed(request_id: str, output: str, took: float) -> str:
    """The log as Lambda writes it: START, the function's output, END, REPORT."""
    lines = [f"START RequestId: {request_id} Version: $LATEST"]
    lines += [line for line in output.splitlines() if line.strip()]
    lines.append(f"END RequestId: {request_id}")
    lines.append(
        f"REPORT RequestId: {request_id}\tDuration: {took * 1000:.2f} ms"
        f"\tBilled Duration: {max(int(took * 1000 + 0.999), 1)} ms"
    )
    return "\n".join(lines) + "\n"


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000Z"


def _environment(
    function: Any,
    runtime: runtimes.Runtime,
    task_root: Path,
    request_id: str,
    invoked_arn: str,
    timeout_s: float,
) -> dict[str, str]:
    port = os.environ.get("MOTO_PORT", "5000")
    key, secret, token = _credentials(function)
    stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]{uuid.uuid4().hex}"
    env: dict[str, str] = {str(k): str(v) for k, v in (function.environment_vars or {}).items()}
    env.update(
        {
            "_HANDLER": str(function.handler),
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.run_time}",
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_SESSION_TOKEN": token,
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(_runtime_dir(runtime)),
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # Ours: the function's SDK calls come back to this emulator.
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "_HARNESS_LAMBDA_REQUEST_ID": request_id,
            "_HARNESS_LAMBDA_INVOKED_ARN": invoked_arn,
            "_HARNESS_LAMBDA_DEADLINE_MS": str(int((time.time() + timeout_s) * 1000)),
            "_HARNESS_LAMBDA_EMULATOR_HOST": "127.0.0.1",
            "_HARNESS_LAMBDA_EMULATOR_PORT": port,
        }
    )
    if runtime.name in NO_BUNDLED_SDK:
        env["_HARNESS_LAMBDA_NO_SDK"] = runtime.name
    if runtime.language == "node":
        env["NODE_PATH"] = f"{task_root}:{NODE_SDK}"
    return env


def _credentials(function: Any) -> tuple[str, str, str]:
    """Temporary credentials of the execution role, as Lambda hands them to the function.

    Their calls count for whoever made the call that invoked the function."""
    from moto.sts.models import sts_backends

    role = sts_backends[function.account_id]["aws"].assume_role(
        region_name=function.region,
        role_session_name=function.function_name[:64],
        role_arn=function.role,
        policy="",
        duration=3600,
        external_id="",
    )
    caller = control.calls.current()
    if caller:
        control.calls.alias(role.access_key_id, caller)
    return role.access_key_id, role.secret_access_key, str(role.session_token)


def _code_dir(code: bytes) -> Path:
    """The deployment package unpacked once per code hash (as ``/var/task``)."""
    digest = hashlib.sha256(code).hexdigest()[:32]
    target = _ROOT / "code" / digest
    with _lock:
        if not target.exists():
            staging = Path(tempfile.mkdtemp(prefix="staging-", dir=_ensure(_ROOT)))
            with zipfile.ZipFile(io.BytesIO(code)) as archive:
                archive.extractall(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            _publish(staging, target)
    return target


def _runtime_dir(runtime: runtimes.Runtime) -> Path:
    """``/var/runtime``: for Python, boto3 and its dependencies (pure Python) from our own."""
    if runtime.language == "node":
        return NODE_SDK
    bundled = runtime.name not in NO_BUNDLED_SDK
    # Per harness environment: the links point into its site-packages.
    home = hashlib.sha256(sys.prefix.encode()).hexdigest()[:12]
    target = _ROOT / (f"runtime-python-{home}" if bundled else "runtime-python-without-sdk")
    with _lock:
        if not target.exists():
            staging = Path(tempfile.mkdtemp(prefix="staging-", dir=_ensure(_ROOT)))
            for name in BUNDLED_PYTHON if bundled else ():
                module = __import__(name)
                source = Path(module.__file__ or "")
                source = source.parent if source.name == "__init__.py" else source
                with contextlib.suppress(FileExistsError):
                    (staging / source.name).symlink_to(source)
            _publish(staging, target)
    return target


def _publish(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``; another emulator process may have got there first."""
    try:
        staging.replace(target)
    except OSError:
        if not target.exists():
            raise
        shutil.rmtree(staging, ignore_errors=True)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
