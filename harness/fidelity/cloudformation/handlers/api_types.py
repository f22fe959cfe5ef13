"""Small types moto's CloudFormation does not know, created through the service APIs.

AWS::S3::BucketPolicy, AWS::EC2::SecurityGroupEgress, AWS::SecretsManager::Secret and
AWS::SecretsManager::SecretTargetAttachment (CDK's bootstrap stack, every VPC security
group, and RDS generated credentials use them).
"""

from __future__ import annotations

import json
import secrets
import string
import uuid
from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import (
    AttributesFromCreate,
    Provisioned,
    ResourceContext,
)
from harness.fidelity.cloudformation.model import Resource


class BucketPolicyHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        s3 = client("s3", ctx.account, ctx.region)
        s3.put_bucket_policy(
            Bucket=properties["Bucket"], Policy=json.dumps(properties["PolicyDocument"])
        )
        return Provisioned(str(properties["Bucket"]))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return self.create(ctx, properties)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        client("s3", ctx.account, ctx.region).delete_bucket_policy(
            Bucket=resource.properties["Bucket"]
        )


def _permission(properties: dict[str, Any], peer_key: str, cidr_key: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"IpProtocol": str(properties["IpProtocol"])}
    for key in ("FromPort", "ToPort"):
        if key in properties:
            rule[key] = int(properties[key])
    described = {"Description": properties["Description"]} if "Description" in properties else {}
    if cidr_key in properties:
        rule["IpRanges"] = [{"CidrIp": properties[cidr_key], **described}]
    if "CidrIpv6" in properties:
        rule["Ipv6Ranges"] = [{"CidrIpv6": properties["CidrIpv6"], **described}]
    if peer_key in properties:
        rule["UserIdGroupPairs"] = [{"GroupId": properties[peer_key], **described}]
    if "DestinationPrefixListId" in properties:
        rule["PrefixListIds"] = [
            {"PrefixListId": properties["DestinationPrefixListId"], **described}
        ]
    return rule


class SecurityGroupEgressHandler(AttributesFromCreate):
    """Create-only in every property: changes replace the rule."""

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        ec2 = client("ec2", ctx.account, ctx.region)
        answer = ec2.authorize_security_group_egress(
            GroupId=properties["GroupId"],
            IpPermissions=[_permission(properties, "DestinationSecurityGroupId", "CidrIp")],
        )
        rules = answer.get("SecurityGroupRules") or [{}]
        rule_id = rules[0].get("SecurityGroupRuleId") or f"sgr-{uuid.uuid4().hex[:17]}"
        return Provisioned(rule_id, {"Id": rule_id})

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return Provisioned(resource.physical_id, resource.attributes)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        client("ec2", ctx.account, ctx.region).revoke_security_group_egress(
            GroupId=resource.properties["GroupId"],
            IpPermissions=[
                _permission(resource.properties, "DestinationSecurityGroupId", "CidrIp")
            ],
        )


def _generated_secret(spec: dict[str, Any]) -> str:
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation"):
        alphabet += "!#$%&()*+,-.:;<=>?[]^_{|}~"
    excluded = spec.get("ExcludeCharacters", "")
    alphabet = "".join(c for c in alphabet if c not in excluded)
    password = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "SecretStringTemplate" in spec:
        value = json.loads(spec["SecretStringTemplate"])
        value[spec.get("GenerateStringKey", "password")] = password
        return json.dumps(value)
    return password


class SecretHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        request: dict[str, Any] = {
            "Name": properties.get("Name") or ctx.physical_name(max_length=64)
        }
        if "Description" in properties:
            request["Description"] = properties["Description"]
        if "KmsKeyId" in properties:
            request["KmsKeyId"] = properties["KmsKeyId"]
        if properties.get("Tags"):
            request["Tags"] = properties["Tags"]
        request["SecretString"] = properties.get("SecretString") or _generated_secret(
            properties.get("GenerateSecretString", {})
        )
        arn = client("secretsmanager", ctx.account, ctx.region).create_secret(**request)["ARN"]
        return Provisioned(arn, {"Id": arn})

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        api = client("secretsmanager", ctx.account, ctx.region)
        if "SecretString" in properties:
            api.put_secret_value(
                SecretId=resource.physical_id, SecretString=properties["SecretString"]
            )
        if "Description" in properties:
            api.update_secret(SecretId=resource.physical_id, Description=properties["Description"])
        return Provisioned(resource.physical_id, resource.attributes)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        client("secretsmanager", ctx.account, ctx.region).delete_secret(
            SecretId=resource.physical_id, ForceDeleteWithoutRecovery=True
        )


class SecretTargetAttachmentHandler(AttributesFromCreate):
    """Adds the database's engine, host, port and identifier to the secret, as AWS does."""

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        secret_id = properties["SecretId"]
        api = client("secretsmanager", ctx.account, ctx.region)
        value = json.loads(api.get_secret_value(SecretId=secret_id)["SecretString"])
        if properties.get("TargetType") == "AWS::RDS::DBInstance":
            rds = client("rds", ctx.account, ctx.region)
            db = rds.describe_db_instances(DBInstanceIdentifier=properties["TargetId"])[
                "DBInstances"
            ][0]
            value.update(
                {
                    "engine": db.get("Engine"),
                    "host": db.get("Endpoint", {}).get("Address"),
                    "port": db.get("Endpoint", {}).get("Port"),
                    "dbInstanceIdentifier": db.get("DBInstanceIdentifier"),
                }
            )
        api.put_secret_value(SecretId=secret_id, SecretString=json.dumps(value))
        return Provisioned(str(secret_id))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return self.create(ctx, properties)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        return None


class SubnetRouteTableAssociationHandler(AttributesFromCreate):
    """Ref is the association id (moto's own handler answers the route table id)."""

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        answer = client("ec2", ctx.account, ctx.region).associate_route_table(
            RouteTableId=properties["RouteTableId"], SubnetId=properties["SubnetId"]
        )
        return Provisioned(answer["AssociationId"], {"Id": answer["AssociationId"]})

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return Provisioned(resource.physical_id, resource.attributes)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        client("ec2", ctx.account, ctx.region).disassociate_route_table(
            AssociationId=resource.physical_id
        )


class SsmParameterHandler(AttributesFromCreate):
    """AWS::SSM::Parameter: Tags is a map in the template, a list in the API."""

    _FIELDS = ("Type", "Value", "Description", "AllowedPattern", "Tier", "DataType", "Policies")

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = properties.get("Name") or ctx.physical_name(max_length=128).replace(
            f"{ctx.stack_name}-", "CFN-", 1
        )
        request = {k: properties[k] for k in self._FIELDS if k in properties}
        tags = [{"Key": k, "Value": v} for k, v in (properties.get("Tags") or {}).items()]
        ssm = client("ssm", ctx.account, ctx.region)
        ssm.put_parameter(Name=name, **request, **({"Tags": tags} if tags else {}))
        return Provisioned(name, {"Type": properties.get("Type"), "Value": properties.get("Value")})

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        request = {k: properties[k] for k in self._FIELDS if k in properties}
        ssm = client("ssm", ctx.account, ctx.region)
        ssm.put_parameter(Name=resource.physical_id, Overwrite=True, **request)
        before, after = resource.properties.get("Tags") or {}, properties.get("Tags") or {}
        removed = sorted(set(before) - set(after))
        if removed:
            ssm.remove_tags_from_resource(
                ResourceType="Parameter", ResourceId=resource.physical_id, TagKeys=removed
            )
        if after and after != before:
            ssm.add_tags_to_resource(
                ResourceType="Parameter",
                ResourceId=resource.physical_id,
                Tags=[{"Key": k, "Value": v} for k, v in after.items()],
            )
        return Provisioned(
            resource.physical_id, {"Type": properties.get("Type"), "Value": properties.get("Value")}
        )

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        client("ssm", ctx.account, ctx.region).delete_parameter(Name=resource.physical_id)
