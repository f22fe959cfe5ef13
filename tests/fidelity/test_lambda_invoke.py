"""Conformance of Invoke on the emulator's local Lambda runtime (``harness/fidelity/lambda_runtime``).

Sources (AWS Lambda Developer Guide and API Reference):
- Invoke (API Reference): RequestResponse answers 200 with the payload; Event 202; DryRun 204;
  ``X-Amz-Function-Error`` when the function failed; ``X-Amz-Log-Result`` "the last 4 KB of
  the execution log" with ``LogType Tail``.
- "Defined runtime environment variables": _HANDLER, AWS_REGION, AWS_LAMBDA_FUNCTION_NAME,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_FUNCTION_VERSION, credentials, LAMBDA_TASK_ROOT;
  the function's own variables beside them; reserved keys refused.
- "Using the Lambda context object to retrieve Python function information" /
  "... Node.js function information": aws_request_id / awsRequestId,
  get_remaining_time_in_millis / getRemainingTimeInMillis, function_name, invoked_function_arn.
- "AWS Lambda function errors in Python" (errorMessage, errorType, requestId, stackTrace) and
  "... in Node.js" (errorType, errorMessage, trace).
- "Troubleshoot invocation issues in Lambda": "Task timed out after 1.00 seconds".
- "Configuring AWS SDKs with service-specific endpoints" (AWS_ENDPOINT_URL): the function's
  SDK calls land on the endpoint the environment names, here the emulator.
"""

from __future__ import annotations

import base64
import io
import json
import time
import uuid
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.emulator import Emulator
from harness.fidelity.lambda_runtime import runtimes

pytestmark = pytest.mark.services("lambda", "iam", "s3", "logs", "ssm")

ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)

PYTHON_HANDLER = """
import os, time, boto3

def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail: " + event["fail"])
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("parameter"):
        boto3.client("ssm").put_parameter(Name=event["parameter"], Value="from-lambda", Type="String")
    print("hello from the function")
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "function_name": context.function_name,
        "invoked_arn": context.invoked_function_arn,
        "env": {k: os.environ.get(k) for k in (
            "_HANDLER", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "GREETING", "LAMBDA_TASK_ROOT")},
        "has_credentials": bool(os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SESSION_TOKEN")),
    }
"""

NODE_HANDLER = """
exports.handler = async (event, context) => {
  if (event.fail) throw new TypeError("asked to fail: " + event.fail);
  return {
    event,
    requestId: context.awsRequestId,
    remainingMs: context.getRemainingTimeInMillis(),
    functionName: context.functionName,
    handler: process.env._HANDLER,
    region: process.env.AWS_REGION,
  };
};
"""


def _zip(name: str, source: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, source)
    return out.getvalue()


@pytest.fixture
def aws(emulator: Emulator) -> Any:
    class Clients:
        lam = emulator.endpoint.client("lambda")
        iam = emulator.endpoint.client("iam")
        ssm = emulator.endpoint.client("ssm")
        logs = emulator.endpoint.client("logs")

    return Clients


@pytest.fixture
def role(aws: Any) -> str:
    name = f"fn-{uuid.uuid4().hex[:8]}"
    arn: str = aws.iam.create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_POLICY)["Role"][
        "Arn"
    ]
    return arn


def _runtime(kind: str) -> str:
    wanted = ("python3.12", "python3.11") if kind == "python" else ("nodejs22.x", "nodejs20.x")
    for name in wanted:
        if runtimes.resolve(name):
            return name
    pytest.skip(f"no local interpreter for any of {wanted}")


def _function(aws: Any, role: str, kind: str, timeout: int = 10, **extra: Any) -> str:
    name = f"fn-{kind}-{uuid.uuid4().hex[:8]}"
    source = ("index.py", PYTHON_HANDLER) if kind == "python" else ("index.js", NODE_HANDLER)
    aws.lam.create_function(
        FunctionName=name,
        Runtime=_runtime(kind),
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip(*source)},
        Timeout=timeout,
        **extra,
    )
    return name


def _invoke(aws: Any, name: str, event: dict[str, Any], **extra: Any) -> tuple[dict[str, Any], Any]:
    answer = aws.lam.invoke(FunctionName=name, Payload=json.dumps(event).encode(), **extra)
    return answer, json.loads(answer["Payload"].read() or b"null")


def test_python_function_gets_its_event_context_environment_and_endpoint(
    aws: Any, role: str
) -> None:
    name = _function(aws, role, "python", Environment={"Variables": {"GREETING": "hi"}})
    parameter = f"/lambda-test/{uuid.uuid4().hex[:8]}"
    event = {"n": 1, "parameter": parameter}
    answer, payload = _invoke(aws, name, event, LogType="Tail")
    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert payload["event"] == event
    # Its SDK call (AWS_ENDPOINT_URL, its role's credentials) landed on the emulator.
    assert aws.ssm.get_parameter(Name=parameter)["Parameter"]["Value"] == "from-lambda"
    assert payload["function_name"] == name
    assert payload["invoked_arn"].endswith(f":function:{name}")
    assert 0 < payload["remaining_ms"] <= 10_000
    uuid.UUID(payload["request_id"])
    env = payload["env"]
    assert env["_HANDLER"] == "index.handler"
    assert env["AWS_REGION"] == aws.lam.meta.region_name
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["GREETING"] == "hi"
    assert payload["has_credentials"]
    log = base64.b64decode(answer["LogResult"]).decode()
    assert "hello from the function" in log
    assert f"START RequestId: {payload['request_id']}" in log
    assert f"REPORT RequestId: {payload['request_id']}" in log


def test_python_handler_error_in_the_documented_shape(aws: Any, role: str) -> None:
    name = _function(aws, role, "python")
    answer, payload = _invoke(aws, name, {"fail": "boom"})
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "ValueError"
    assert payload["errorMessage"] == "asked to fail: boom"
    assert any("index.py" in frame for frame in payload["stackTrace"])


def test_timeout_kills_and_reports_as_lambda_does(aws: Any, role: str) -> None:
    name = _function(aws, role, "python", timeout=1)
    began = time.perf_counter()
    answer, payload = _invoke(aws, name, {"sleep": 30})
    assert time.perf_counter() - began < 15
    assert answer["FunctionError"] == "Unhandled"
    assert payload["errorMessage"].endswith("Task timed out after 1.00 seconds")


def test_event_invocation_answers_202_and_runs(aws: Any, role: str) -> None:
    name = _function(aws, role, "python")
    parameter = f"/lambda-event/{uuid.uuid4().hex[:8]}"
    answer = aws.lam.invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps({"parameter": parameter})
    )
    assert answer["StatusCode"] == 202
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            assert aws.ssm.get_parameter(Name=parameter)["Parameter"]["Value"] == "from-lambda"
            return
        except ClientError:
            time.sleep(0.2)
    pytest.fail("the Event invocation never ran")


def test_node_function_async_handler_and_error_shape(aws: Any, role: str) -> None:
    name = _function(aws, role, "node")
    answer, payload = _invoke(aws, name, {"n": 2})
    assert "FunctionError" not in answer, payload
    assert payload["event"] == {"n": 2}
    assert payload["functionName"] == name
    assert payload["handler"] == "index.handler"
    assert 0 < payload["remainingMs"] <= 10_000
    answer, payload = _invoke(aws, name, {"fail": "bad"})
    assert answer["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "TypeError"
    assert payload["errorMessage"] == "asked to fail: bad"
    assert isinstance(payload["trace"], list)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:x:1"]}, "layers"),
        ({"VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}, "VPC"),
        ({"SnapStart": {"ApplyOn": "PublishedVersions"}}, "SnapStart"),
        ({"Environment": {"Variables": {"AWS_REGION": "x"}}}, "AWS_REGION"),
    ],
)
def test_not_covered_features_are_refused_at_create(
    aws: Any, role: str, extra: dict[str, Any], named: str
) -> None:
    with pytest.raises(ClientError) as caught:
        _function(aws, role, "python", **extra)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert named in caught.value.response["Error"]["Message"]


def test_a_runtime_without_local_interpreter_is_refused(aws: Any, role: str) -> None:
    with pytest.raises(ClientError) as caught:
        aws.lam.create_function(
            FunctionName=f"fn-{uuid.uuid4().hex[:8]}",
            Runtime="java21",
            Role=role,
            Handler="x.Handler",
            Code={"ZipFile": _zip("x.txt", "x")},
        )
    assert "java21" in caught.value.response["Error"]["Message"]


def test_a_known_runtime_without_local_interpreter_fails_at_invoke(
    aws: Any, role: str, emulator: Emulator
) -> None:
    """Created (a stack may never invoke it), but Invoke fails naming the runtime (Lambda's
    InvalidRuntimeException, Invoke API Reference)."""
    from botocore.config import Config

    missing = next((n for n, path in runtimes.table().items() if not path), None)
    if missing is None:
        pytest.skip("this machine has an interpreter for every known runtime")
    name = f"fn-{uuid.uuid4().hex[:8]}"
    aws.lam.create_function(
        FunctionName=name,
        Runtime=missing,
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip("index.js", NODE_HANDLER)},
    )
    once = emulator.endpoint.client("lambda", config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as caught:
        once.invoke(FunctionName=name, Payload=b"{}")
    assert caught.value.response["Error"]["Code"] == "InvalidRuntimeException"
    assert missing in caught.value.response["Error"]["Message"]


def test_python39_has_no_bundled_boto3_and_says_so(aws: Any, role: str) -> None:
    """The seed author's HighestPriorityRule asks for python3.9; our boto3 needs 3.10+, so a
    3.9 function that imports boto3 fails as the runtime reports a failed import
    (Runtime.ImportModuleError), naming why."""
    if runtimes.resolve("python3.9") is None:
        pytest.skip("no local python3.9")
    name = f"fn-{uuid.uuid4().hex[:8]}"
    aws.lam.create_function(
        FunctionName=name,
        Runtime="python3.9",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip("index.py", PYTHON_HANDLER)},
    )
    answer, payload = _invoke(aws, name, {})
    assert answer["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert "no bundled boto3" in payload["errorMessage"]


def test_update_function_code_and_configuration_take_effect(aws: Any, role: str) -> None:
    """UpdateFunctionCode / UpdateFunctionConfiguration (API Reference): the next Invoke runs
    the new code with the new variables."""
    name = _function(aws, role, "python")
    new_code = (
        "import os\ndef handler(event, context):\n    return ['v2', os.environ['GREETING']]\n"
    )
    aws.lam.update_function_code(FunctionName=name, ZipFile=_zip("index.py", new_code))
    aws.lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"GREETING": "updated"}}
    )
    _, payload = _invoke(aws, name, {})
    assert payload == ["v2", "updated"]
    with pytest.raises(ClientError) as caught:
        aws.lam.update_function_configuration(
            FunctionName=name, Layers=["arn:aws:lambda:us-east-1:123456789012:layer:x:1"]
        )
    assert "layers" in caught.value.response["Error"]["Message"]
