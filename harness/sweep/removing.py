"""Removing a run's leftovers, one service call (or a few) per kind, in dependency order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import ClientError, WaiterError

from harness.endpoint import RUN_TAG, Endpoint
from harness.sweep import Leftover, Removal

log = logging.getLogger(__name__)

WAIT = {"Delay": 2, "MaxAttempts": 450}
"""Stacks and databases take minutes to delete on AWS; the emulator answers at once."""


def remove(endpoint: Endpoint, leftovers: Sequence[Leftover]) -> list[Removal]:
    """Remove each leftover (sorted by kind); a failure is recorded and the sweep goes on."""
    results: list[Removal] = []
    for item in sorted(leftovers):
        remover = _REMOVERS.get(item.kind)
        if remover is None:
            results.append(Removal(item, f"no remover for {item.kind}"))
            continue
        try:
            remover(endpoint, item)
        except (ClientError, WaiterError) as exc:
            if _gone(exc):
                results.append(Removal(item))
                continue
            log.warning("could not remove %s: %s", item, exc)
            results.append(Removal(item, str(exc)))
        else:
            log.info("removed %s", item)
            results.append(Removal(item))
    return results


def _gone(exc: Exception) -> bool:
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
    return "NotFound" in code or code in (
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NoSuchBucket",
    )


def _stack(endpoint: Endpoint, item: Leftover) -> None:
    cfn = endpoint.client("cloudformation")
    cfn.delete_stack(StackName=item.arn or item.id)
    cfn.get_waiter("stack_delete_complete").wait(StackName=item.arn or item.id, WaiterConfig=WAIT)


def _service(endpoint: Endpoint, item: Leftover) -> None:
    ecs = endpoint.client("ecs")
    cluster = item.arn.split("/")[-2]  # arn:...:service/CLUSTER/NAME
    ecs.delete_service(cluster=cluster, service=item.arn, force=True)


def _cluster(endpoint: Endpoint, item: Leftover) -> None:
    # A service in it without the run's tag is not ours: the delete then fails, saying so.
    endpoint.client("ecs").delete_cluster(cluster=item.id)


def _task_definition(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("ecs").deregister_task_definition(taskDefinition=item.id)


def _listener_rule(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("elbv2").delete_rule(RuleArn=item.id)


def _load_balancer(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("elbv2").delete_load_balancer(LoadBalancerArn=item.id)


def _target_group(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("elbv2").delete_target_group(TargetGroupArn=item.id)


def _database(endpoint: Endpoint, item: Leftover) -> None:
    rds = endpoint.client("rds")
    rds.modify_db_instance(
        DBInstanceIdentifier=item.id, DeletionProtection=False, ApplyImmediately=True
    )
    rds.delete_db_instance(
        DBInstanceIdentifier=item.id, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
    )
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier=item.id, WaiterConfig=WAIT)


def _db_subnet_group(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("rds").delete_db_subnet_group(DBSubnetGroupName=item.id)


def _bucket(endpoint: Endpoint, item: Leftover) -> None:
    s3 = endpoint.client("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=item.id):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            s3.delete_object(Bucket=item.id, Key=entry["Key"], VersionId=entry["VersionId"])
    s3.delete_bucket(Bucket=item.id)


def _secret(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("secretsmanager").delete_secret(
        SecretId=item.id, ForceDeleteWithoutRecovery=True
    )


def _log_group(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("logs").delete_log_group(logGroupName=item.id)


def _repository(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("ecr").delete_repository(repositoryName=item.id, force=True)


def _role(endpoint: Endpoint, item: Leftover) -> None:
    iam = endpoint.client("iam")
    for name in iam.list_role_policies(RoleName=item.id)["PolicyNames"]:
        iam.delete_role_policy(RoleName=item.id, PolicyName=name)
    for policy in iam.list_attached_role_policies(RoleName=item.id)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=item.id, PolicyArn=policy["PolicyArn"])
    for profile in iam.list_instance_profiles_for_role(RoleName=item.id)["InstanceProfiles"]:
        iam.remove_role_from_instance_profile(
            InstanceProfileName=profile["InstanceProfileName"], RoleName=item.id
        )
    iam.delete_role(RoleName=item.id)


def _network_interface(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("ec2").delete_network_interface(NetworkInterfaceId=item.id)


def _route_table(endpoint: Endpoint, item: Leftover) -> None:
    ec2 = endpoint.client("ec2")
    (table,) = ec2.describe_route_tables(RouteTableIds=[item.id])["RouteTables"]
    if any(a.get("Main") for a in table.get("Associations", [])):
        return  # the VPC's main table goes with the VPC
    for association in table.get("Associations", []):
        ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
    ec2.delete_route_table(RouteTableId=item.id)


def _internet_gateway(endpoint: Endpoint, item: Leftover) -> None:
    ec2 = endpoint.client("ec2")
    (gateway,) = ec2.describe_internet_gateways(InternetGatewayIds=[item.id])["InternetGateways"]
    for attachment in gateway.get("Attachments", []):
        ec2.detach_internet_gateway(InternetGatewayId=item.id, VpcId=attachment["VpcId"])
    ec2.delete_internet_gateway(InternetGatewayId=item.id)


def _subnet(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("ec2").delete_subnet(SubnetId=item.id)


def _security_group(endpoint: Endpoint, item: Leftover) -> None:
    # Rules that name this group would make the delete a DependencyViolation: they are
    # revoked in the groups of the same run (the app group's rule naming the ALB group);
    # a rule in a group of someone else is left, and the delete fails saying so.
    ec2 = endpoint.client("ec2")
    (own,) = ec2.describe_security_groups(GroupIds=[item.id])["SecurityGroups"]
    run_tag = [t for t in own.get("Tags", []) if t["Key"] == RUN_TAG]
    same_run = [{"Name": f"tag:{RUN_TAG}", "Values": [t["Value"] for t in run_tag]}]
    for group in ec2.describe_security_groups(Filters=same_run)["SecurityGroups"]:
        for direction, rules in (
            ("ingress", group["IpPermissions"]),
            ("egress", group["IpPermissionsEgress"]),
        ):
            naming = [r for r in rules if _names_group(r, item.id)]
            if naming and group["GroupId"] != item.id:
                revoke: Callable[..., Any] = getattr(ec2, f"revoke_security_group_{direction}")
                revoke(GroupId=group["GroupId"], IpPermissions=naming)
    ec2.delete_security_group(GroupId=item.id)


def _names_group(rule: dict[str, Any], group_id: str) -> bool:
    return any(pair.get("GroupId") == group_id for pair in rule.get("UserIdGroupPairs", []))


def _vpc(endpoint: Endpoint, item: Leftover) -> None:
    endpoint.client("ec2").delete_vpc(VpcId=item.id)


_REMOVERS: dict[str, Callable[[Endpoint, Leftover], None]] = {
    "cloudformation:stack": _stack,
    "ecs:service": _service,
    "ecs:cluster": _cluster,
    "ecs:task-definition": _task_definition,
    "elasticloadbalancing:listener-rule": _listener_rule,
    "elasticloadbalancing:loadbalancer": _load_balancer,
    "elasticloadbalancing:targetgroup": _target_group,
    "rds:db": _database,
    "rds:subgrp": _db_subnet_group,
    "s3:bucket": _bucket,
    "secretsmanager:secret": _secret,
    "logs:log-group": _log_group,
    "ecr:repository": _repository,
    "iam:role": _role,
    "ec2:network-interface": _network_interface,
    "ec2:route-table": _route_table,
    "ec2:internet-gateway": _internet_gateway,
    "ec2:subnet": _subnet,
    "ec2:security-group": _security_group,
    "ec2:vpc": _vpc,
}
