"""Resource tags that moto's CloudFormation handlers drop (or choke on), set through the APIs.

moto 5.2.5 creates route tables, internet gateways, NAT gateways, EIPs, load balancers,
target groups and listener rules without their template ``Tags``, fails on a KMS key's, and
cannot change the tags of VPCs, subnets or log groups on update. The naming and tagging
contract finds resources by tag, so these must be right. For these types the engine keeps
Tags away from moto and applies them here, on create and on update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import ResourceContext

Api = Callable[[str], Any]
Tagger = Callable[[Api, str, dict[str, str], list[str]], None]
"""(api, physical id, tags to set, keys to remove)."""


def _ec2(api: Api, pid: str, add: dict[str, str], remove: list[str]) -> None:
    if remove:
        api("ec2").delete_tags(Resources=[pid], Tags=[{"Key": k} for k in remove])
    if add:
        api("ec2").create_tags(
            Resources=[pid], Tags=[{"Key": k, "Value": v} for k, v in add.items()]
        )


def _eip(api: Api, pid: str, add: dict[str, str], remove: list[str]) -> None:
    addresses = api("ec2").describe_addresses(PublicIps=[pid])["Addresses"]
    _ec2(api, addresses[0]["AllocationId"], add, remove)


def _elbv2(api: Api, pid: str, add: dict[str, str], remove: list[str]) -> None:
    if remove:
        api("elbv2").remove_tags(ResourceArns=[pid], TagKeys=remove)
    if add:
        api("elbv2").add_tags(
            ResourceArns=[pid], Tags=[{"Key": k, "Value": v} for k, v in add.items()]
        )


def _kms(api: Api, pid: str, add: dict[str, str], remove: list[str]) -> None:
    if remove:
        api("kms").untag_resource(KeyId=pid, TagKeys=remove)
    if add:
        api("kms").tag_resource(
            KeyId=pid, Tags=[{"TagKey": k, "TagValue": v} for k, v in add.items()]
        )


def _log_group(api: Api, pid: str, add: dict[str, str], remove: list[str]) -> None:
    if remove:
        api("logs").untag_log_group(logGroupName=pid, tags=remove)
    if add:
        api("logs").tag_log_group(logGroupName=pid, tags=add)


def _ecr(api: Api, pid: str, add: dict[str, str], remove: list[str]) -> None:
    ecr = api("ecr")
    arn = ecr.describe_repositories(repositoryNames=[pid])["repositories"][0]["repositoryArn"]
    if remove:
        ecr.untag_resource(resourceArn=arn, tagKeys=remove)
    if add:
        ecr.tag_resource(resourceArn=arn, tags=[{"Key": k, "Value": v} for k, v in add.items()])


TAGGERS: dict[str, Tagger] = {
    "AWS::EC2::VPC": _ec2,
    "AWS::EC2::Subnet": _ec2,
    "AWS::EC2::SecurityGroup": _ec2,
    "AWS::EC2::RouteTable": _ec2,
    "AWS::EC2::InternetGateway": _ec2,
    "AWS::EC2::NatGateway": _ec2,
    "AWS::EC2::EIP": _eip,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _elbv2,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _elbv2,
    "AWS::ElasticLoadBalancingV2::ListenerRule": _elbv2,
    "AWS::KMS::Key": _kms,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::ECR::Repository": _ecr,
}


def handled(resource_type: str) -> bool:
    """Whether this module, not moto, sets the type's tags."""
    return resource_type in TAGGERS


def retag(
    ctx: ResourceContext, physical_id: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Move the resource's tags from ``before``'s Tags to ``after``'s."""
    tagger = TAGGERS.get(ctx.resource_type)
    if tagger is None:
        return
    old = {t["Key"]: t["Value"] for t in before.get("Tags", [])}
    new = {t["Key"]: t["Value"] for t in after.get("Tags", [])}
    add = {k: v for k, v in new.items() if old.get(k) != v}
    remove = sorted(set(old) - set(new))
    if add or remove:
        tagger(lambda service: client(service, ctx.account, ctx.region), physical_id, add, remove)
