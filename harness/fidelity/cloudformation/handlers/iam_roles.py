"""AWS::IAM::Role ManagedPolicyArns, which moto's Role handler ignores.

Attached through the IAM API. moto loads AWS managed policies only with
MOTO_IAM_LOAD_MANAGED_POLICIES; a role that names one (CDK's task execution roles do) gets
that one policy loaded on demand from moto's bundled copy, as if it had always existed
(the same loading as the IAM API's, :mod:`harness.fidelity.iam`).
"""

from __future__ import annotations

import json
from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import ResourceContext

AWS_POLICY = "arn:aws:iam::aws:policy/"


def attach_managed_policies(
    ctx: ResourceContext, role: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    iam = client("iam", ctx.account, ctx.region)
    old, new = set(before.get("ManagedPolicyArns", [])), set(after.get("ManagedPolicyArns", []))
    for arn in sorted(old - new):
        iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    for arn in sorted(new - old):
        if arn.startswith(AWS_POLICY):
            _ensure_aws_policy(ctx.account, arn)
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)


def _ensure_aws_policy(account: str, arn: str) -> None:
    from moto.iam.models import iam_backends

    from harness.fidelity.iam import ensure_aws_policy

    ensure_aws_policy(iam_backends[account]["aws"], arn)


def delete_role(api: Any, role: str, properties: dict[str, Any]) -> None:
    """Detach, delete inline policies, leave instance profiles, then delete (as CloudFormation)."""
    iam = api("iam")
    for policy in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role, PolicyArn=policy["PolicyArn"])
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    for profile in iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]:
        iam.remove_role_from_instance_profile(
            InstanceProfileName=profile["InstanceProfileName"], RoleName=role
        )
    iam.delete_role(RoleName=role)


def delete_managed_policy(api: Any, arn: str, properties: dict[str, Any]) -> None:
    """Detach from every role, user and group first: IAM refuses to delete an attached policy."""
    iam = api("iam")
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    for role in entities.get("PolicyRoles", []):
        iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
    for user in entities.get("PolicyUsers", []):
        iam.detach_user_policy(UserName=user["UserName"], PolicyArn=arn)
    for group in entities.get("PolicyGroups", []):
        iam.detach_group_policy(GroupName=group["GroupName"], PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)


def update_role_policies(api: Any, role: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Description, session duration, trust policy and inline Policies, in place."""
    iam = api("iam")
    settings = {k: new[k] for k in ("Description", "MaxSessionDuration") if k in new}
    if settings and settings != {k: old.get(k) for k in settings}:
        iam.update_role(RoleName=role, **settings)
    if old.get("AssumeRolePolicyDocument") != new.get("AssumeRolePolicyDocument"):
        iam.update_assume_role_policy(
            RoleName=role, PolicyDocument=json.dumps(new["AssumeRolePolicyDocument"])
        )
    before = {p["PolicyName"]: p["PolicyDocument"] for p in old.get("Policies", [])}
    after = {p["PolicyName"]: p["PolicyDocument"] for p in new.get("Policies", [])}
    for name in sorted(set(before) - set(after)):
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    for name, document in after.items():
        if before.get(name) != document:
            iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(document))
