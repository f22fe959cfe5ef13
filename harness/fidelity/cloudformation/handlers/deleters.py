"""Deleting and updating what moto's model classes create but cannot delete or update.

moto 5.2.5 has no ``delete_from_cloudformation_json`` for route tables, routes, NAT
gateways, EIPs, load balancers, listeners, target groups, log groups, RDS instances, ...
so a stack with a VPC could never be deleted (its VPC keeps dependencies). These call the
service APIs, as CloudFormation's providers do, keyed by resource type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import ResourceContext
from harness.fidelity.cloudformation.model import Resource

Api = Callable[[str], Any]
Deleter = Callable[[Api, str, dict[str, Any]], None]


def _ec2_permission(props: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = {"IpProtocol": str(props["IpProtocol"])}
    for key in ("FromPort", "ToPort"):
        if key in props:
            rule[key] = int(props[key])
    if "CidrIp" in props:
        rule["IpRanges"] = [{"CidrIp": props["CidrIp"]}]
    if "SourceSecurityGroupId" in props:
        rule["UserIdGroupPairs"] = [{"GroupId": props["SourceSecurityGroupId"]}]
    return rule


def _release_eip(api: Api, pid: str, props: dict[str, Any]) -> None:
    ec2 = api("ec2")
    for address in ec2.describe_addresses(PublicIps=[pid])["Addresses"]:
        if "AssociationId" in address:
            ec2.disassociate_address(AssociationId=address["AssociationId"])
        ec2.release_address(AllocationId=address["AllocationId"])


def _detach_gateway(api: Api, pid: str, props: dict[str, Any]) -> None:
    if "InternetGatewayId" in props:
        api("ec2").detach_internet_gateway(
            InternetGatewayId=props["InternetGatewayId"], VpcId=props["VpcId"]
        )
    elif "VpnGatewayId" in props:
        api("ec2").detach_vpn_gateway(VpnGatewayId=props["VpnGatewayId"], VpcId=props["VpcId"])


DELETERS: dict[str, Deleter] = {
    "AWS::EC2::RouteTable": lambda api, pid, p: api("ec2").delete_route_table(RouteTableId=pid),
    "AWS::EC2::Route": lambda api, pid, p: api("ec2").delete_route(
        RouteTableId=p["RouteTableId"],
        DestinationCidrBlock=p.get("DestinationCidrBlock", "0.0.0.0/0"),
    ),
    "AWS::EC2::EIP": _release_eip,
    "AWS::EC2::NatGateway": lambda api, pid, p: api("ec2").delete_nat_gateway(NatGatewayId=pid),
    "AWS::EC2::InternetGateway": lambda api, pid, p: api("ec2").delete_internet_gateway(
        InternetGatewayId=pid
    ),
    "AWS::EC2::VPCGatewayAttachment": _detach_gateway,
    "AWS::EC2::SecurityGroupIngress": lambda api, pid, p: api("ec2").revoke_security_group_ingress(
        GroupId=p["GroupId"], IpPermissions=[_ec2_permission(p)]
    ),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": lambda api, pid, p: api(
        "elbv2"
    ).delete_load_balancer(LoadBalancerArn=pid),
    "AWS::ElasticLoadBalancingV2::Listener": lambda api, pid, p: api("elbv2").delete_listener(
        ListenerArn=pid
    ),
    "AWS::ElasticLoadBalancingV2::TargetGroup": lambda api, pid, p: api(
        "elbv2"
    ).delete_target_group(TargetGroupArn=pid),
    "AWS::ElasticLoadBalancingV2::ListenerRule": lambda api, pid, p: api("elbv2").delete_rule(
        RuleArn=pid
    ),
    "AWS::Logs::LogGroup": lambda api, pid, p: api("logs").delete_log_group(logGroupName=pid),
    "AWS::RDS::DBInstance": lambda api, pid, p: api("rds").delete_db_instance(
        DBInstanceIdentifier=pid, SkipFinalSnapshot=True
    ),
    "AWS::RDS::DBSubnetGroup": lambda api, pid, p: api("rds").delete_db_subnet_group(
        DBSubnetGroupName=pid
    ),
    "AWS::IAM::ManagedPolicy": lambda api, pid, p: api("iam").delete_policy(PolicyArn=pid),
    "AWS::ECR::Repository": lambda api, pid, p: api("ecr").delete_repository(
        repositoryName=pid, force=True
    ),
    "AWS::KMS::Key": lambda api, pid, p: api("kms").schedule_key_deletion(
        KeyId=pid, PendingWindowInDays=7
    ),
    "AWS::KMS::Alias": lambda api, pid, p: api("kms").delete_alias(AliasName=pid),
}


def _log_group_retention(api: Api, resource: Resource, props: dict[str, Any]) -> None:
    logs = api("logs")
    if "RetentionInDays" in props:
        logs.put_retention_policy(
            logGroupName=resource.physical_id, retentionInDays=int(props["RetentionInDays"])
        )
    else:
        logs.delete_retention_policy(logGroupName=resource.physical_id)


_TARGET_GROUP_UPDATABLE = (
    "HealthCheckProtocol",
    "HealthCheckPort",
    "HealthCheckPath",
    "HealthCheckEnabled",
    "HealthCheckIntervalSeconds",
    "HealthCheckTimeoutSeconds",
    "HealthyThresholdCount",
    "UnhealthyThresholdCount",
    "Matcher",
)


def _target_group(api: Api, resource: Resource, props: dict[str, Any]) -> None:
    request = {k: props[k] for k in _TARGET_GROUP_UPDATABLE if k in props}
    if request:
        api("elbv2").modify_target_group(TargetGroupArn=resource.physical_id, **request)
    if "TargetGroupAttributes" in props:
        api("elbv2").modify_target_group_attributes(
            TargetGroupArn=resource.physical_id, Attributes=props["TargetGroupAttributes"]
        )


Updater = Callable[[Api, Resource, dict[str, Any]], None]

UPDATERS: dict[str, Updater] = {
    "AWS::Logs::LogGroup": _log_group_retention,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group,
}


def delete(ctx: ResourceContext, resource: Resource) -> bool:
    """Delete through the API if we know how; False when the type is not ours to delete."""
    deleter = DELETERS.get(ctx.resource_type)
    if deleter is None:
        return False
    deleter(
        lambda service: client(service, ctx.account, ctx.region),
        resource.physical_id,
        resource.properties,
    )
    return True


def update(ctx: ResourceContext, resource: Resource, properties: dict[str, Any]) -> bool:
    """Update in place through the API if we know how; False otherwise."""
    updater = UPDATERS.get(ctx.resource_type)
    if updater is None:
        return False
    updater(lambda service: client(service, ctx.account, ctx.region), resource, properties)
    return True
