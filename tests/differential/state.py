"""What a configuration leaves in AWS, described through boto3 with ids normalised.

Two runs of one configuration against two fresh emulators get different ids (``vpc-...``,
ARN suffixes, DNS names) and timestamps; :func:`normalise` replaces them, so the two
descriptions are equal exactly when the AWS state is. Everything else - names, tags,
settings, counts, policy documents - is compared as AWS returns it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.endpoint import Endpoint

Snapshot = dict[str, list[Any]]

_IDS = re.compile(
    r"\b(vpc-cidr-assoc|vpc|subnet|sg|sgr|rtb|rtbassoc|igw|igw-attach|eni|acl|aclassoc|r-rtb|db|eipalloc|nat|vpce)"
    r"-[0-9a-zA-Z]{8,}\b"
)
_ELB_ARN = re.compile(
    r"((?:loadbalancer|targetgroup|listener|listener-rule)/(?:app/|net/)?[^/\"]+(?:/[0-9a-f]+)*)"
)
_HEX = re.compile(r"/[0-9a-f]{16}\b")
_OBJECT_NUMBER = re.compile(r"(listener-rule/.+)/\d{6,}\b")
"""moto numbers listener rules by Python object id."""
_ELB_DNS = re.compile(r"\b([\w-]+)-\d+\.([\w-]+)\.elb\.amazonaws\.com")
_SECRET_ARN = re.compile(r"(:secret:[\w/+=.@-]+)-[0-9a-zA-Z]{6}\b")
"""Secrets Manager appends six random characters to a secret's name in its ARN."""
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_VOLATILE = {
    "CreatedTime", "CreateTime", "CreateDate", "createdAt", "updatedAt", "registeredAt",
    "creationTime", "InstanceCreateTime", "LatestRestorableTime", "LastModified",
    "CreationDate", "ResponseMetadata", "RoleId", "PolicyId", "DbiResourceId", "UpdateDate",
    "events", "RequestId", "registeredBy", "deployments", "OwnerId", "UserId", "id",
    "DefaultVersionId", "VersionId", "EnhancedMonitoringResourceArn", "arn",
    "DBInstanceArn", "DBSubnetGroupArn", "RoleLastUsed", "CanonicalHostedZoneId",
}  # fmt: skip
"""Keys whose values differ between any two runs (times, random ids, bookkeeping)."""


def normalise(value: Any) -> Any:
    """``value`` with ids, ARN suffixes, DNS names and volatile keys replaced or dropped;
    lists sorted (AWS's order is not the configuration's), so equal state compares equal."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in sorted(value.items()) if k not in _VOLATILE}
    if isinstance(value, list):
        items = [normalise(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    if isinstance(value, str):
        text = _IDS.sub(lambda m: f"<{m.group(1)}>", value)
        text = _ELB_DNS.sub(r"\1-<n>.\2.elb.amazonaws.com", text)
        text = _HEX.sub("/<hex>", text)
        text = _OBJECT_NUMBER.sub(r"\1/<n>", text)
        text = _SECRET_ARN.sub(r"\1-<rand>", text)
        return _UUID.sub("<uuid>", text)
    if hasattr(value, "isoformat"):
        return "<time>"
    return value


def differences(a: Snapshot, b: Snapshot) -> list[str]:
    """Human-readable differences between two normalised snapshots (empty: they agree)."""
    found = []
    for kind in sorted(set(a) | set(b)):
        left, right = a.get(kind, []), b.get(kind, [])
        only_a = [x for x in left if x not in right]
        only_b = [x for x in right if x not in left]
        if only_a or only_b:
            found.append(f"{kind}:\n  real only:    {only_a}\n  stand-in only: {only_b}")
    return found


_IDENTITY = (
    "serviceName", "clusterName", "family", "LoadBalancerName", "TargetGroupName", "GroupName",
    "RoleName", "PolicyName", "logGroupName", "repositoryName", "DBInstanceIdentifier",
    "DBSubnetGroupName", "Name", "CidrBlock", "Description",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FieldDifference:
    kind: str
    identity: str
    path: str
    real: Any
    standin: Any

    def __str__(self) -> str:
        return f"{self.kind}[{self.identity}].{self.path}: real={self.real!r} stand-in={self.standin!r}"


def field_differences(real: Snapshot, standin: Snapshot) -> list[FieldDifference]:
    """Every field that differs, objects paired by their name (a VPC by its CIDR...)."""
    found: list[FieldDifference] = []
    for kind in sorted(set(real) | set(standin)):
        left = {_identity(o): o for o in real.get(kind, [])}
        right = {_identity(o): o for o in standin.get(kind, [])}
        for ident in sorted(set(left) | set(right)):
            _diff(kind, ident, "", left.get(ident), right.get(ident), found)
    return found


def _identity(obj: Any) -> str:
    if isinstance(obj, dict):
        # DescribeTaskDefinition's answer holds the revision under "taskDefinition"
        inner = obj["taskDefinition"] if isinstance(obj.get("taskDefinition"), dict) else obj
        for key in _IDENTITY:
            if isinstance(inner.get(key), str):
                return f"{key}={inner[key]}"
    return json.dumps(obj, sort_keys=True, default=str)[:80]


def _diff(kind: str, ident: str, path: str, a: Any, b: Any, out: list[FieldDifference]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            _diff(kind, ident, f"{path}.{key}" if path else key, a.get(key), b.get(key), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(kind, ident, f"{path}[{i}]", x, y, out)
    else:
        out.append(FieldDifference(kind, ident, path or "<object>", a, b))


def describe(endpoint: Endpoint) -> Snapshot:
    """Every object of the kinds the configurations create, normalised."""
    found: dict[str, Any] = {**_ec2(endpoint)}
    for kind, read in _READERS.items():
        found[kind] = read(endpoint)
    return {kind: normalise(items) for kind, items in found.items()}


def _ec2(endpoint: Endpoint) -> dict[str, list[Any]]:
    ec2 = endpoint.client("ec2")
    vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    ours = {v["VpcId"] for v in vpcs}

    def in_ours(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [i for i in items if i.get("VpcId") in ours]

    groups = in_ours(ec2.describe_security_groups()["SecurityGroups"])
    group_ids = {g["GroupId"] for g in groups}
    rules = [
        r for r in ec2.describe_security_group_rules()["SecurityGroupRules"]
        if r["GroupId"] in group_ids
    ]  # fmt: skip
    gateways = [
        g for g in ec2.describe_internet_gateways()["InternetGateways"]
        if any(a.get("VpcId") in ours for a in g.get("Attachments", []))
    ]  # fmt: skip
    return {
        "vpcs": vpcs,
        "subnets": in_ours(ec2.describe_subnets()["Subnets"]),
        "route_tables": in_ours(ec2.describe_route_tables()["RouteTables"]),
        "internet_gateways": gateways,
        "security_groups": groups,
        "security_group_rules": rules,
    }


def _elbv2(endpoint: Endpoint) -> list[Any]:
    elb = endpoint.client("elbv2")
    found: list[Any] = []
    for lb in elb.describe_load_balancers()["LoadBalancers"]:
        arn = lb["LoadBalancerArn"]
        attributes = elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        listeners = elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]
        rules = [
            elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
            for listener in listeners
        ]
        tags = elb.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"]
        found.append({**lb, "attributes": attributes, "listeners": listeners, "rules": rules,
                      "Tags": tags})  # fmt: skip
    for group in elb.describe_target_groups()["TargetGroups"]:
        arn = group["TargetGroupArn"]
        attributes = elb.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
        found.append({**group, "attributes": attributes})
    return found


def _rds(endpoint: Endpoint) -> list[Any]:
    rds = endpoint.client("rds")
    return [
        *rds.describe_db_instances()["DBInstances"],
        *rds.describe_db_subnet_groups()["DBSubnetGroups"],
    ]


def _s3(endpoint: Endpoint) -> list[Any]:
    s3 = endpoint.client("s3")
    found = []
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        try:
            tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]
        except s3.exceptions.ClientError:
            tags = []
        found.append({"Name": name, "Tags": tags})
    return found


def _ecs(endpoint: Endpoint) -> list[Any]:
    ecs = endpoint.client("ecs")
    found: list[Any] = []
    clusters = ecs.list_clusters()["clusterArns"]
    for cluster in ecs.describe_clusters(clusters=clusters, include=["TAGS"])["clusters"]:
        found.append(cluster)
        arns = ecs.list_services(cluster=cluster["clusterArn"])["serviceArns"]
        if arns:
            found += ecs.describe_services(
                cluster=cluster["clusterArn"], services=arns, include=["TAGS"]
            )["services"]
    for arn in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]:
        found.append(ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"]))
    return found


def _iam(endpoint: Endpoint) -> list[Any]:
    iam = endpoint.client("iam")
    found: list[Any] = []
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        inline = {
            p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
            for p in iam.list_role_policies(RoleName=name)["PolicyNames"]
        }
        attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        tags = iam.list_role_tags(RoleName=name)["Tags"]
        found.append({**role, "inline": inline, "attached": attached, "Tags": tags})
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        version = iam.get_policy_version(
            PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]
        found.append({**policy, "document": version["Document"]})
    return found


def _logs_and_ecr(endpoint: Endpoint) -> list[Any]:
    groups = endpoint.client("logs").describe_log_groups()["logGroups"]
    repositories = endpoint.client("ecr").describe_repositories()["repositories"]
    return [*groups, *repositories]


_READERS: dict[str, Callable[[Endpoint], Any]] = {
    "elbv2": _elbv2,
    "rds": _rds,
    "s3": _s3,
    "ecs": _ecs,
    "iam": _iam,
    "logs_and_ecr": _logs_and_ecr,
}
