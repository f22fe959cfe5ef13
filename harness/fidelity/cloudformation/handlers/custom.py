"""CDK's two built-in custom resources done natively (others run their Lambda: ``lambda_backed``).

The one a CDK feature flag adds to every VPC, ``Custom::VpcRestrictDefaultSG``
(``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup``, in ``cdk init``'s recommended flags), is
done here as its function does it: remove every rule of the VPC's default security group on
create, put the default rules back on delete. So is ``Custom::S3AutoDeleteObjects`` (a bucket's
``autoDeleteObjects``): empty the bucket when it is deleted.

Kept native although the emulator now runs Lambda functions: their real handlers are Node.js
functions that ``require`` ``@aws-sdk/client-ec2`` and ``@aws-sdk/client-s3``, which the local
runtime's SDK (``lambda_runtime/node``) does not install, and every stack with a VPC would start
a Node process per deploy and destroy (seconds each, on the suite's budget) for the same result.
"""

from __future__ import annotations

from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import (
    AttributesFromCreate,
    Provisioned,
    ResourceContext,
)
from harness.fidelity.cloudformation.model import Resource

AUTO_DELETE_TAG = "aws-cdk:auto-delete-objects"


class RestrictDefaultSecurityGroup(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        group = properties["DefaultSecurityGroupId"]
        _revoke_all(ctx, group)
        return Provisioned(group)

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        if properties["DefaultSecurityGroupId"] != resource.physical_id:
            _restore_defaults(ctx, resource.physical_id)
        return self.create(ctx, properties)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _restore_defaults(ctx, resource.physical_id)


class S3AutoDeleteObjects(AttributesFromCreate):
    """``autoDeleteObjects: true`` on a CDK bucket: empty it when the resource is deleted.

    As CDK's handler does, only while the bucket still carries the tag
    ``aws-cdk:auto-delete-objects=true`` (a bucket left behind keeps its objects).
    """

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        return Provisioned(str(properties["BucketName"]))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return self.create(ctx, properties)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        s3 = client("s3", ctx.account, ctx.region)
        bucket = resource.properties["BucketName"]
        try:
            tags = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
        except Exception:  # no tags, or no bucket: nothing to empty
            return
        if {"Key": AUTO_DELETE_TAG, "Value": "true"} not in tags:
            return
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            doomed = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if doomed:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})


def _revoke_all(ctx: ResourceContext, group: str) -> None:
    ec2 = client("ec2", ctx.account, ctx.region)
    found = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    if found.get("IpPermissions"):
        ec2.revoke_security_group_ingress(
            GroupId=group, IpPermissions=_clean(found["IpPermissions"])
        )
    if found.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(
            GroupId=group, IpPermissions=_clean(found["IpPermissionsEgress"])
        )


def _restore_defaults(ctx: ResourceContext, group: str) -> None:
    ec2 = client("ec2", ctx.account, ctx.region)
    try:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}],
        )
        ec2.authorize_security_group_egress(
            GroupId=group,
            IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
    except Exception as exc:  # the VPC may already be gone; nothing left to restore
        if "NotFound" not in str(exc) and "Duplicate" not in str(exc):
            raise


def _clean(permissions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Permissions as revoke_* takes them (describe adds empty lists and extra fields)."""
    cleaned = []
    for permission in permissions:
        rule = {k: v for k, v in permission.items() if v not in ([], None)}
        if "UserIdGroupPairs" in rule:
            rule["UserIdGroupPairs"] = [{"GroupId": p["GroupId"]} for p in rule["UserIdGroupPairs"]]
        cleaned.append(rule)
    return cleaned
