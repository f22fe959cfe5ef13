"""What moto's model classes miss: properties dropped at create, updates, deletes.

moto 5.2.5 drops some template properties when it creates (a VPC's DNS hostnames, a
subnet's MapPublicIpOnLaunch, load balancer and target group attributes, an S3 bucket's
public access block), cannot update several types in place, and has no
``delete_from_cloudformation_json`` for route tables, routes, NAT gateways, EIPs, load
balancers, listeners, target groups, log groups, ... (so a stack with a VPC could never be
deleted). These call the service APIs, as CloudFormation's providers do, keyed by type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.fidelity.cloudformation.handlers import iam_roles, security_groups
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
    "AWS::IAM::Role": iam_roles.delete_role,
    "AWS::IAM::ManagedPolicy": iam_roles.delete_managed_policy,
    "AWS::ECR::Repository": lambda api, pid, p: api("ecr").delete_repository(
        repositoryName=pid, force=True
    ),
    "AWS::KMS::Key": lambda api, pid, p: api("kms").schedule_key_deletion(
        KeyId=pid, PendingWindowInDays=7
    ),
    "AWS::KMS::Alias": lambda api, pid, p: api("kms").delete_alias(AliasName=pid),
}


Fixup = Callable[[Api, str, dict[str, Any]], None]
Updater = Callable[[Api, Resource, dict[str, Any]], None]


def _vpc(api: Api, pid: str, props: dict[str, Any]) -> None:
    for key in ("EnableDnsSupport", "EnableDnsHostnames"):  # one attribute per call (EC2 API)
        if key in props:
            api("ec2").modify_vpc_attribute(VpcId=pid, **{key: {"Value": _bool(props[key])}})


def _subnet(api: Api, pid: str, props: dict[str, Any]) -> None:
    if "MapPublicIpOnLaunch" in props:
        api("ec2").modify_subnet_attribute(
            SubnetId=pid, MapPublicIpOnLaunch={"Value": _bool(props["MapPublicIpOnLaunch"])}
        )


def _load_balancer(api: Api, pid: str, props: dict[str, Any]) -> None:
    if props.get("LoadBalancerAttributes"):
        api("elbv2").modify_load_balancer_attributes(
            LoadBalancerArn=pid, Attributes=props["LoadBalancerAttributes"]
        )


def _target_group_attributes(api: Api, pid: str, props: dict[str, Any]) -> None:
    if props.get("TargetGroupAttributes"):
        api("elbv2").modify_target_group_attributes(
            TargetGroupArn=pid, Attributes=props["TargetGroupAttributes"]
        )


def _bucket(api: Api, pid: str, props: dict[str, Any]) -> None:
    s3 = api("s3")
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=pid, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(
            Bucket=pid, VersioningConfiguration=props["VersioningConfiguration"]
        )


def _bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


AFTER_CREATE: dict[str, Fixup] = {
    "AWS::EC2::VPC": _vpc,
    "AWS::EC2::Subnet": _subnet,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _load_balancer,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group_attributes,
    "AWS::S3::Bucket": _bucket,
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
    _target_group_attributes(api, resource.physical_id, props)


def _fixup_as_update(fixup: Fixup) -> Updater:
    return lambda api, resource, props: fixup(api, resource.physical_id, props)


def _security_group(api: Api, resource: Resource, props: dict[str, Any]) -> None:
    security_groups.update_rules(api, resource.physical_id, resource.properties, props)


def _role(api: Api, resource: Resource, props: dict[str, Any]) -> None:
    iam_roles.update_role_policies(api, resource.physical_id, resource.properties, props)


UPDATERS: dict[str, Updater] = {
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::IAM::Role": _role,
    "AWS::Logs::LogGroup": _log_group_retention,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group,
    "AWS::EC2::VPC": _fixup_as_update(_vpc),
    "AWS::EC2::Subnet": _fixup_as_update(_subnet),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _fixup_as_update(_load_balancer),
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


def _load_balancer_attribute(api: Api, arn: str, name: str) -> Any:
    if name == "LoadBalancerFullName":
        return arn.split(":loadbalancer/", 1)[1]
    if name == "CanonicalHostedZoneID":
        found = api("elbv2").describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]
        return found["CanonicalHostedZoneId"]
    return None


def _target_group_attribute(api: Api, arn: str, name: str) -> Any:
    full = arn.split(":", 5)[5]  # targetgroup/<name>/<id>
    if name == "TargetGroupFullName":
        return full
    if name == "TargetGroupName":
        return full.split("/")[1]
    if name == "LoadBalancerArns":
        found = api("elbv2").describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]
        return found["LoadBalancerArns"]
    return None


ATTRIBUTES: dict[str, Callable[[Api, str, str], Any]] = {
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _load_balancer_attribute,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group_attribute,
}


def attribute(ctx: ResourceContext, resource: Resource, name: str) -> Any:
    """A Fn::GetAtt attribute moto does not answer, read from the API (None if unknown)."""
    reader = ATTRIBUTES.get(ctx.resource_type)
    if reader is None:
        return None
    return reader(
        lambda service: client(service, ctx.account, ctx.region), resource.physical_id, name
    )


def after_create(ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
    """Apply the properties moto's create drops."""
    if ctx.resource_type == "AWS::IAM::Role":
        iam_roles.attach_managed_policies(ctx, physical_id, {}, properties)
    fixup = AFTER_CREATE.get(ctx.resource_type)
    if fixup is not None:
        fixup(lambda service: client(service, ctx.account, ctx.region), physical_id, properties)


def update(ctx: ResourceContext, resource: Resource, properties: dict[str, Any]) -> bool:
    """Update in place through the API if we know how; False otherwise."""
    if ctx.resource_type == "AWS::IAM::Role":
        iam_roles.attach_managed_policies(
            ctx, resource.physical_id, resource.properties, properties
        )
    updater = UPDATERS.get(ctx.resource_type)
    if updater is None:
        return False
    updater(lambda service: client(service, ctx.account, ctx.region), resource, properties)
    return True
