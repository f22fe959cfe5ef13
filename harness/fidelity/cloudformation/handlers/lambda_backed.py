"""Lambda-backed custom resources: the request to the function, the response PUT, the wait.

As CloudFormation does ("Custom resources", "Custom resource request objects", "Custom
resource response objects", CloudFormation User Guide): the function named by
``ServiceToken`` is invoked asynchronously with a request (RequestType Create, Update or
Delete, ResponseURL, StackId, RequestId, ResourceType, LogicalResourceId, PhysicalResourceId
on Update and Delete, ResourceProperties, OldResourceProperties on Update), and CloudFormation
waits for the function to PUT its response (Status, Reason, PhysicalResourceId, Data, NoEcho)
to the ResponseURL, a pre-signed S3 URL on AWS and an emulator route here (:func:`answer`).
A response with a new PhysicalResourceId on Update replaces the resource: the old one gets a
Delete at cleanup (``REPLACES_ON_NEW_PHYSICAL_ID``). With no response, the resource fails
after the timeout: ``ServiceTimeout`` (default 3600 s on AWS), compressed here to
``timeout_s`` (knob: ``/_harness/cloudformation/custom-resources``, or
``HARNESS_CUSTOM_RESOURCE_TIMEOUT_S``), whichever is shorter.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from harness.fidelity import control
from harness.fidelity.cloudformation import operations
from harness.fidelity.cloudformation.errors import ResourceFailed, ValidationError
from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import Provisioned, ResourceContext
from harness.fidelity.cloudformation.model import Resource

RESPONSE_PREFIX = "/cloudformation-custom-resource-response-"
"""Path of the ResponseURL (on AWS: bucket ``cloudformation-custom-resource-response-REGION``)."""
MAX_RESPONSE_BYTES = 4096
"""'The size of the response ... must not exceed 4096 bytes' (response objects)."""
DEFAULTS: dict[str, float] = {
    "timeout_s": float(os.environ.get("HARNESS_CUSTOM_RESOURCE_TIMEOUT_S", "120")),
}
REPLACES_ON_NEW_PHYSICAL_ID = True

_state = dict(DEFAULTS)
_SECRET = secrets.token_bytes(16)
_lock = threading.Lock()


@dataclass
class _Mailbox:
    arrived: threading.Event = field(default_factory=threading.Event)
    response: dict[str, Any] | None = None


_pending: dict[str, _Mailbox] = {}


class LambdaBackedCustomResource:
    """``AWS::CloudFormation::CustomResource`` and ``Custom::*`` whose ServiceToken is a Lambda."""

    replaces_on_new_physical_id = REPLACES_ON_NEW_PHYSICAL_ID

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        return _provisioned(_request(ctx, "Create", properties))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return _provisioned(
            _request(ctx, "Update", properties, resource.physical_id, resource.properties)
        )

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _request(ctx, "Delete", resource.properties, resource.physical_id)

    def get_att(self, ctx: ResourceContext, resource: Resource, name: str) -> Any:
        if name not in resource.attributes:
            raise ValidationError(
                f"CustomResource attribute error: Vendor response doesn't contain {name} key in"
                f" object {ctx.stack_id}|{ctx.logical_id}"
            )
        return resource.attributes[name]


def _provisioned(response: dict[str, Any]) -> Provisioned:
    data = response.get("Data") or {}
    return Provisioned(
        str(response["PhysicalResourceId"]),
        attributes=dict(data),
        state={"NoEcho": bool(response.get("NoEcho"))},
    )


def _request(
    ctx: ResourceContext,
    kind: str,
    properties: dict[str, Any],
    physical_id: str | None = None,
    old_properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    token = str(properties.get("ServiceToken", ""))
    _check_token(token)
    request_id = str(uuid.uuid4())
    event: dict[str, Any] = {
        "RequestType": kind,
        "ServiceToken": token,
        "ResponseURL": response_url(ctx.region, ctx.stack_id, ctx.logical_id, request_id),
        "StackId": ctx.stack_id,
        "RequestId": request_id,
        "LogicalResourceId": ctx.logical_id,
        "ResourceType": ctx.resource_type,
        "ResourceProperties": as_strings(properties),
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        event["OldResourceProperties"] = as_strings(old_properties)
    mailbox = _Mailbox()
    with _lock:
        _pending[request_id] = mailbox
    try:
        client("lambda", ctx.account, ctx.region).invoke(
            FunctionName=token, InvocationType="Event", Payload=json.dumps(event).encode()
        )
        response = _wait(mailbox, _timeout_s(properties), request_id)
    finally:
        with _lock:
            _pending.pop(request_id, None)
    return _checked(response, event)


def _check_token(token: str) -> None:
    parts = token.split(":")
    if len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function":
        return
    if len(parts) == 6 and parts[2] == "sns":
        raise ResourceFailed(
            "SNS-backed custom resources (ServiceToken an SNS topic) are not covered by the"
            " emulator; only Lambda-backed ones are"
        )
    raise ResourceFailed(f"Invalid service token: {token!r}")


def _timeout_s(properties: dict[str, Any]) -> float:
    asked = properties.get("ServiceTimeout")
    compressed = float(_state["timeout_s"])
    return min(float(asked), compressed) if asked is not None else compressed


def _wait(mailbox: _Mailbox, timeout_s: float, request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while not mailbox.arrived.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            # CloudFormation's words when ServiceTimeout passes with no response.
            raise ResourceFailed(
                "Custom Resource failed to stabilize in expected time. If you are using the"
                " Python cfn-response module, you may need to update your Lambda function code"
                " so that CloudFormation can attach the updated version."
                f" (RequestId: {request_id}; compressed timeout {timeout_s:g}s)"
            )
        operations.pause(min(0.05, left))  # lets go of the store while the function runs
    assert mailbox.response is not None
    return mailbox.response


class FailedResponse(ResourceFailed):
    """The function answered FAILED. On a Create, CloudFormation's rollback sends a Delete for
    the PhysicalResourceId it answered (CDK's framework marks it
    ``AWSCDK::CustomResourceProviderFramework::CREATE_FAILED`` for that reason)."""

    def __init__(self, message: str, physical_id: str | None) -> None:
        super().__init__(message)
        self.physical_id = physical_id


def _checked(response: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    status = response.get("Status")
    if status == "FAILED":
        raise FailedResponse(
            "Received response status [FAILED] from custom resource. Message returned:"
            f" {response.get('Reason', '')} (RequestId: {event['RequestId']})",
            response.get("PhysicalResourceId") if event["RequestType"] == "Create" else None,
        )
    if status != "SUCCESS":
        raise ResourceFailed(f"Invalid response status [{status}] from custom resource")
    if not response.get("PhysicalResourceId"):
        raise ResourceFailed("Invalid PhysicalResourceId")
    data = response.get("Data")
    if data is not None and not isinstance(data, dict):
        raise ResourceFailed("Data must be a JSON object")
    return response


def as_strings(value: Any) -> Any:
    """Property values as CloudFormation sends them to a custom resource: scalars as strings."""
    if isinstance(value, dict):
        return {k: as_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_strings(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


# the ResponseURL -------------------------------------------------------------------------------
def response_url(region: str, stack_id: str, logical_id: str, request_id: str) -> str:
    """A pre-signed-S3-URL look-alike on this emulator for one request's response."""
    port = os.environ.get("MOTO_PORT", "5000")
    key = quote(f"{stack_id}|{logical_id}|{request_id}", safe="")
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    query = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={stamp}&X-Amz-SignedHeaders=host"
        f"&X-Amz-Expires=7200&X-Amz-Signature={_signature(request_id)}"
    )
    return f"http://127.0.0.1:{port}{RESPONSE_PREFIX}{region.replace('-', '')}/{key}?{query}"


def _signature(request_id: str) -> str:
    return hmac.new(_SECRET, request_id.encode(), hashlib.sha256).hexdigest()


def answer(method: str, path: str, query: str, body: bytes) -> tuple[int, bytes]:
    """Serve a PUT to a ResponseURL (``server.py`` routes ``RESPONSE_PREFIX`` here)."""
    request_id = path.rsplit("|", 1)[-1].rsplit("%7C", 1)[-1]
    signature = parse_qs(query).get("X-Amz-Signature", [""])[0]
    if method != "PUT":
        return 405, _s3_error("MethodNotAllowed", "The specified method is not allowed")
    if not hmac.compare_digest(signature, _signature(request_id)):
        return 403, _s3_error("SignatureDoesNotMatch", "The request signature does not match")
    with _lock:
        mailbox = _pending.get(request_id)
    if len(body) > MAX_RESPONSE_BYTES:
        response: dict[str, Any] = {"Status": "FAILED", "Reason": "Response object is too long."}
    else:
        try:
            response = json.loads(body)
        except ValueError:
            response = {"Status": "FAILED", "Reason": "Response is not valid JSON"}
    if mailbox is not None and not mailbox.arrived.is_set():  # the first response counts
        mailbox.response = response
        mailbox.arrived.set()
    return 200, b""


def _s3_error(code: str, message: str) -> bytes:
    return f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()


@control.route("cloudformation/custom-resources")
def _settings_route(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    """``{"timeout_s": N}`` sets the compressed response timeout; ``{"defaults": true}``."""
    if method == "POST":
        if body.get("defaults"):
            _state.update(DEFAULTS)
        elif "timeout_s" in body:
            _state["timeout_s"] = float(body["timeout_s"])
    return 200, dict(_state)
