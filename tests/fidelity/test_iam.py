"""Conformance of the emulator's IAM (``harness/fidelity/iam.py``): AWS managed policies exist.

Source: IAM User Guide, "AWS managed policies" (managed-vs-inline.html#aws-managed-policies):
"An AWS managed policy is a standalone policy that is created and administered by AWS", with an
ARN of the form ``arn:aws:iam::aws:policy/...``, attachable in every account; IAM API
reference AttachRolePolicy, GetPolicy, GetPolicyVersion (NoSuchEntity for a policy that does
not exist).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.emulator import Emulator

pytestmark = pytest.mark.services("iam")

EXECUTION = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def iam(emulator: Emulator) -> Any:
    return emulator.endpoint.client("iam")


def test_an_aws_managed_policy_attaches_to_a_role_through_the_iam_api(iam: Any) -> None:
    role = f"exec-{uuid.uuid4().hex[:8]}"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName=role, PolicyArn=EXECUTION)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": EXECUTION}]
    iam.detach_role_policy(RoleName=role, PolicyArn=EXECUTION)
    iam.delete_role(RoleName=role)


def test_an_aws_managed_policy_can_be_read_with_its_document(iam: Any) -> None:
    policy = iam.get_policy(PolicyArn=EXECUTION)["Policy"]
    assert (policy["Arn"], policy["Path"]) == (EXECUTION, "/service-role/")
    version = iam.get_policy_version(PolicyArn=EXECUTION, VersionId=policy["DefaultVersionId"])
    document = version["PolicyVersion"]["Document"]
    if isinstance(document, str):
        document = json.loads(document)
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert "ecr:GetAuthorizationToken" in actions
    assert "logs:PutLogEvents" in actions


def test_a_policy_aws_does_not_have_is_no_such_entity(iam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as wrong_path:  # the right name under another path
        iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy")
    assert wrong_path.value.response["Error"]["Code"] == "NoSuchEntity"
