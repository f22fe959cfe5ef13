"""Conformance of Lambda-backed custom resources (``handlers/lambda_backed.py``).

Sources (CloudFormation User Guide):
- "Custom resource request objects": RequestType Create/Update/Delete, ResponseURL, StackId,
  RequestId, ResourceType, LogicalResourceId, PhysicalResourceId (Update, Delete),
  ResourceProperties, OldResourceProperties (Update).
- "Custom resource response objects": Status SUCCESS/FAILED, Reason, PhysicalResourceId,
  Data (read with Fn::GetAtt), NoEcho; a PUT to the pre-signed ResponseURL.
- "Lambda-backed custom resources" / "Replacing a custom resource during an update": a new
  PhysicalResourceId on Update means replacement, and CloudFormation sends a Delete for the
  old one during cleanup.
- "AWS::CloudFormation::CustomResource" ServiceTimeout: with no response the resource fails
  when the timeout passes (3600 s by default; compressed on the emulator, with a knob).
- A FAILED response fails the resource with "Received response status [FAILED] from custom
  resource. Message returned: <Reason>" (the event CloudFormation shows); the rollback of a
  failed Create sends a Delete for the PhysicalResourceId it answered (what CDK's Provider
  framework expects: ``CREATE_FAILED_PHYSICAL_ID_MARKER`` in its ``cfn-response.js``).
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from harness import cfn_wait
from harness.emulator import Emulator
from harness.endpoint import Endpoint
from harness.fidelity.lambda_runtime import runtimes

pytestmark = [
    pytest.mark.services("cloudformation", "lambda", "iam", "ssm"),
    pytest.mark.embedded_only,
]

# The handler records each request it gets in SSM (/PREFIX/<RequestId>), then answers as the
# request's "Answer" property says: SUCCESS (with an id and Data), FAILED, or nothing at all.
HANDLER = """
import json, urllib.request, boto3

def handler(event, context):
    props = event["ResourceProperties"]
    seen = {k: v for k, v in event.items() if k != "ResponseURL"}
    seen["ResponseURLScheme"] = event["ResponseURL"].split(":", 1)[0]
    boto3.client("ssm").put_parameter(
        Name=props["Prefix"] + "/" + event["RequestId"], Value=json.dumps(seen), Type="String")
    answer = props.get("Answer", "SUCCESS")
    if answer == "SILENT" and event["RequestType"] != "Delete":
        return
    body = {
        "Status": "FAILED" if answer == "FAILED" and event["RequestType"] != "Delete" else "SUCCESS",
        "Reason": "the handler was told to fail",
        "PhysicalResourceId": event.get("PhysicalResourceId") or ("thing-" + props["Name"]),
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Greeting": "hello " + props["Name"]},
    }
    if event["RequestType"] == "Update" and props["Name"] != event["OldResourceProperties"]["Name"]:
        body["PhysicalResourceId"] = "thing-" + props["Name"]
    request = urllib.request.Request(event["ResponseURL"], data=json.dumps(body).encode(), method="PUT",
                                     headers={"content-type": ""})
    with urllib.request.urlopen(request) as answer:
        answer.read()
"""


def _template(prefix: str, name: str, answer: str = "SUCCESS", **extra: Any) -> dict[str, Any]:
    runtime = next((r for r in ("python3.12", "python3.11") if runtimes.resolve(r)), None)
    if runtime is None:
        pytest.skip("no local python3.12 or python3.11 for the function")
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                },
            },
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": runtime,
                    "Handler": "index.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Timeout": 30,
                    "Code": {"ZipFile": HANDLER},
                },
            },
            "Thing": {
                "Type": "Custom::Thing",
                "Properties": {
                    "ServiceToken": {"Fn::GetAtt": ["Fn", "Arn"]},
                    "Prefix": prefix,
                    "Name": name,
                    "Answer": answer,
                    "Count": 3,
                    "Enabled": True,
                    **extra,
                },
            },
        },
        "Outputs": {
            "Greeting": {"Value": {"Fn::GetAtt": ["Thing", "Greeting"]}},
            "Id": {"Value": {"Ref": "Thing"}},
        },
    }


class Stacks:
    def __init__(self, endpoint: Endpoint) -> None:
        self.cf = endpoint.client("cloudformation")
        self.ssm = endpoint.client("ssm")
        self.names: list[str] = []

    def create(self, template: dict[str, Any]) -> str:
        name = f"cr-{uuid.uuid4().hex[:8]}"
        self.names.append(name)
        self.cf.create_stack(
            StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
        )
        cfn_wait.stack(self.cf, name, "create")
        return name

    def update(self, name: str, template: dict[str, Any]) -> None:
        self.cf.update_stack(
            StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
        )
        cfn_wait.stack(self.cf, name, "update")

    def stack(self, name: str) -> dict[str, Any]:
        return dict(self.cf.describe_stacks(StackName=name)["Stacks"][0])

    def outputs(self, name: str) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in self.stack(name).get("Outputs", [])}

    def reasons(self, name: str, status: str) -> list[str]:
        events = self.cf.describe_stack_events(StackName=name)["StackEvents"]
        return [
            e.get("ResourceStatusReason", "")
            for e in events
            if e["LogicalResourceId"] == "Thing" and e["ResourceStatus"] == status
        ]

    def requests(self, prefix: str) -> list[dict[str, Any]]:
        """The requests the handler got, oldest first."""
        found = self.ssm.get_parameters_by_path(Path=prefix)["Parameters"]
        ordered = sorted(found, key=lambda p: p["LastModifiedDate"])
        return [json.loads(p["Value"]) for p in ordered]

    def delete(self, name: str) -> str:
        stack_id = str(self.stack(name)["StackId"])
        self.cf.delete_stack(StackName=name)
        return cfn_wait.stack(self.cf, stack_id, "delete")


@pytest.fixture
def stacks(emulator: Emulator) -> Iterator[Stacks]:
    helper = Stacks(emulator.endpoint)
    try:
        yield helper
    finally:
        for name in helper.names:
            with contextlib.suppress(ClientError, WaiterError):
                helper.delete(name)


def _prefix() -> str:
    return f"/cr/{uuid.uuid4().hex[:8]}"


def test_create_update_replace_delete_requests_and_responses(stacks: Stacks) -> None:
    prefix = _prefix()
    name = stacks.create(_template(prefix, "one"))
    assert stacks.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    assert stacks.outputs(name) == {"Greeting": "hello one", "Id": "thing-one"}
    (create,) = stacks.requests(prefix)
    assert create["RequestType"] == "Create"
    assert create["StackId"] == stacks.stack(name)["StackId"]
    assert create["LogicalResourceId"] == "Thing"
    assert create["ResourceType"] == "Custom::Thing"
    assert "PhysicalResourceId" not in create
    assert "OldResourceProperties" not in create
    uuid.UUID(create["RequestId"])
    props = create["ResourceProperties"]
    assert props["ServiceToken"] == create["ServiceToken"]
    assert ":lambda:" in props["ServiceToken"]
    assert (props["Count"], props["Enabled"]) == ("3", "true")  # scalars arrive as strings

    stacks.update(name, _template(prefix, "one", Extra="x"))
    update = stacks.requests(prefix)[1]
    assert update["RequestType"] == "Update"
    assert update["PhysicalResourceId"] == "thing-one"
    assert "Extra" not in update["OldResourceProperties"]
    assert update["ResourceProperties"]["Extra"] == "x"
    assert stacks.outputs(name)["Id"] == "thing-one"

    # A new PhysicalResourceId on Update: replacement, the old one deleted at cleanup.
    stacks.update(name, _template(prefix, "two"))
    assert stacks.outputs(name) == {"Greeting": "hello two", "Id": "thing-two"}
    kinds = [(r["RequestType"], r.get("PhysicalResourceId")) for r in stacks.requests(prefix)]
    assert kinds[2:] == [("Update", "thing-one"), ("Delete", "thing-one")]

    assert stacks.delete(name) == "DELETE_COMPLETE"
    delete = stacks.requests(prefix)[-1]
    assert (delete["RequestType"], delete["PhysicalResourceId"]) == ("Delete", "thing-two")


def test_a_failed_response_fails_the_resource_with_its_reason(stacks: Stacks) -> None:
    prefix = _prefix()
    name = stacks.create(_template(prefix, "one", answer="FAILED"))
    assert stacks.stack(name)["StackStatus"] == "ROLLBACK_COMPLETE"
    (reason,) = stacks.reasons(name, "CREATE_FAILED")
    assert reason.startswith(
        "Received response status [FAILED] from custom resource. Message returned:"
        " the handler was told to fail (RequestId: "
    )
    kinds = [(r["RequestType"], r.get("PhysicalResourceId")) for r in stacks.requests(prefix)]
    assert kinds == [("Create", None), ("Delete", "thing-one")]  # the rollback deletes it


def test_no_response_fails_after_the_timeout(stacks: Stacks, emulator: Emulator) -> None:
    knob = f"{emulator.endpoint.url}/_harness/cloudformation/custom-resources"
    _post(knob, {"timeout_s": 1.5})
    try:
        name = stacks.create(_template(_prefix(), "one", answer="SILENT"))
    finally:
        _post(knob, {"defaults": True})
    assert stacks.stack(name)["StackStatus"] == "ROLLBACK_COMPLETE"
    (reason,) = stacks.reasons(name, "CREATE_FAILED")
    assert "Custom Resource failed to stabilize in expected time" in reason


NODE_HANDLER = """
const response = require("cfn-response");
exports.handler = async (event, context) => {
  const name = event.ResourceProperties.Name;
  await response.send(event, context, response.SUCCESS, { Greeting: "hello " + name }, "node-" + name);
};
"""


def test_inline_node_function_answers_through_cfn_response(stacks: Stacks) -> None:
    """ "AWS::Lambda::Function Code" ZipFile: inline Node.js code lands in ``index`` beside the
    ``cfn-response`` module ("cfn-response module"), whose send() PUTs the response."""
    runtime = next(
        (r for r in ("nodejs22.x", "nodejs20.x", "nodejs24.x") if runtimes.resolve(r)), None
    )
    if runtime is None:
        pytest.skip("no local Node.js runtime")
    template = _template(_prefix(), "n")
    template["Resources"]["Fn"]["Properties"].update(
        {"Runtime": runtime, "Code": {"ZipFile": NODE_HANDLER}}
    )
    name = stacks.create(template)
    assert stacks.outputs(name) == {"Greeting": "hello n", "Id": "node-n"}


def test_a_response_url_with_a_wrong_signature_is_refused(emulator: Emulator) -> None:
    url = f"{emulator.endpoint.url}/cloudformation-custom-resource-response-useast1/x%7Cy%7Cz?X-Amz-Signature=no"
    request = urllib.request.Request(url, data=b"{}", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    caught.value.close()
    assert caught.value.code == 403


def _post(url: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        answer.read()


def test_a_template_function_with_layers_is_refused(stacks: Stacks) -> None:
    """moto's template path would drop Layers and run the function without them: refused."""
    template = _template(_prefix(), "l")
    layer = "arn:aws:lambda:us-east-1:123456789012:layer:shared:1"
    template["Resources"]["Fn"]["Properties"]["Layers"] = [layer]
    name = stacks.create(template)
    assert stacks.stack(name)["StackStatus"] == "ROLLBACK_COMPLETE"
    events = stacks.cf.describe_stack_events(StackName=name)["StackEvents"]
    (reason,) = [
        e["ResourceStatusReason"]
        for e in events
        if e["LogicalResourceId"] == "Fn" and e["ResourceStatus"] == "CREATE_FAILED"
    ]
    assert "Lambda layers" in reason
