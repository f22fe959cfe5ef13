"""Whether the resources a CloudFormation stack (or a Terraform state) reports exist in their services.

LocalStack's community runtime marks resources of the types it does not serve (ECS, ELBv2,
RDS, ECR...) ``CREATE_COMPLETE`` while creating nothing (a "fallback" resource, only a log line
says so): a deploy "succeeds" with nothing behind it. After a stack operation on a target
other than the embedded emulator, :func:`ensure_real` asks each resource's own service for it
and raises :class:`~harness.errors.FakeResourcesError` naming those that are not there.

A resource is *fake* when its service does not answer (HTTP 501: not served) or answers that
it does not exist; *unchecked* when no lookup is known for its type (routes, attachments,
inline policies: they have no id of their own to look up) and its service answers.

Terraform creates through the services' own APIs, so an unserved one fails the apply rather
than faking; its state is checked all the same (:func:`state_resources`), with the same lookups.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.endpoint import Endpoint
from harness.errors import FakeResourcesError

log = logging.getLogger(__name__)

NOT_SERVED = 501
LIVE_STATUSES = (
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "IMPORT_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
)

Lookup = Callable[[Endpoint, str], bool]
"""``(endpoint, physical id) -> exists``; raises botocore's ClientError when the service fails."""


@dataclass(frozen=True, slots=True)
class Resource:
    logical_id: str
    type: str
    physical_id: str


@dataclass(frozen=True, slots=True)
class Fake:
    resource: Resource
    reason: str

    def describe(self) -> str:
        r = self.resource
        return f"{r.logical_id} ({r.type}, physical id {r.physical_id!r}): {self.reason}"


@dataclass(frozen=True, slots=True)
class Reality:
    """What checking one stack found."""

    stack: str
    real: tuple[Resource, ...]
    fake: tuple[Fake, ...]
    unchecked: tuple[Resource, ...]


def ensure_real(endpoint: Endpoint, stack: str) -> Reality:
    """Check ``stack``'s resources; raise ``FakeResourcesError`` naming the fake ones."""
    return ensure_resources_real(endpoint, stack, stack_resources(endpoint, stack))


def ensure_resources_real(endpoint: Endpoint, stack: str, resources: Iterable[Resource]) -> Reality:
    """Check ``resources`` (of ``stack``, a stack or a Terraform state); raise on fake ones."""
    found = check(endpoint, stack, resources)
    if found.fake:
        names = "\n".join(f"  - {f.describe()}" for f in found.fake)
        raise FakeResourcesError(
            f"stack {stack} on {endpoint.engine or endpoint.target} reports resources that do "
            f"not exist in their services (fallback resources):\n{names}",
            stack=stack,
            logical_ids=tuple(f.resource.logical_id for f in found.fake),
        )
    if found.unchecked:
        log.debug("%s: not looked up: %s", stack, ", ".join(r.logical_id for r in found.unchecked))
    return found


def check_stack(endpoint: Endpoint, stack: str) -> Reality:
    """Look up each live resource of ``stack`` in its own service."""
    return check(endpoint, stack, stack_resources(endpoint, stack))


def stack_resources(endpoint: Endpoint, stack: str) -> list[Resource]:
    """The stack's resources whose status says they exist."""
    paginator = endpoint.client("cloudformation").get_paginator("list_stack_resources")
    return [
        Resource(r["LogicalResourceId"], r["ResourceType"], r.get("PhysicalResourceId", ""))
        for page in paginator.paginate(StackName=stack)
        for r in page["StackResourceSummaries"]
        if r["ResourceStatus"] in LIVE_STATUSES
    ]


def state_resources(show_json: Mapping[str, Any]) -> list[Resource]:
    """The managed resources of a ``terraform show -json`` state document that have a lookup,
    under their CloudFormation type (so one table of lookups serves both tools)."""
    found = []
    for res in _state_resources((show_json.get("values") or {}).get("root_module") or {}):
        known = TERRAFORM_TYPES.get(str(res.get("type")))
        if res.get("mode") != "managed" or known is None:
            continue
        cfn_type, attribute = known
        value = (res.get("values") or {}).get(attribute) or ""
        found.append(Resource(str(res["address"]), cfn_type, str(value)))
    return found


def _state_resources(module: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    yield from module.get("resources") or ()
    for child in module.get("child_modules") or ():
        yield from _state_resources(child)


def check(endpoint: Endpoint, stack: str, resources: Iterable[Resource]) -> Reality:
    real: list[Resource] = []
    fake: list[Fake] = []
    unchecked: list[Resource] = []
    served: dict[str, bool] = {}
    for resource in resources:
        service = service_of(resource.type)
        if service and service not in served:
            served[service] = _answers(endpoint, service)
        if service and not served[service]:
            fake.append(Fake(resource, f"{service} does not answer (HTTP {NOT_SERVED})"))
        elif not resource.physical_id:
            fake.append(Fake(resource, "no physical id"))
        elif resource.type not in LOOKUPS:
            unchecked.append(resource)
        elif _exists(endpoint, resource):
            real.append(resource)
        else:
            fake.append(Fake(resource, f"{service} has no such resource"))
    return Reality(stack, tuple(real), tuple(fake), tuple(unchecked))


def service_of(resource_type: str) -> str | None:
    """The boto3 service name of ``AWS::<Service>::<Type>`` (None for custom resources)."""
    parts = resource_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS":
        return None
    return SERVICES.get(parts[1], parts[1].lower())


def _answers(endpoint: Endpoint, service: str) -> bool:
    probe = PROBES.get(service)
    if probe is None:
        return True  # nothing cheap to ask: its resources' lookups will tell
    try:
        probe(endpoint.client(service))
    except Exception as exc:
        if _status(exc) == NOT_SERVED:
            return False
        log.debug("probing %s: %s", service, exc)  # any other answer: the service is there
    return True


def _exists(endpoint: Endpoint, resource: Resource) -> bool:
    try:
        return LOOKUPS[resource.type](endpoint, resource.physical_id)
    except Exception as exc:
        if _status(exc) in (400, 404, NOT_SERVED):  # not found, malformed id, not served
            return False
        raise


def _status(exc: Exception) -> int | None:
    response: Mapping[str, Any] = getattr(exc, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None


# boto3 service names where they differ from the CloudFormation namespace
SERVICES = {
    "ElasticLoadBalancingV2": "elbv2",
    "Logs": "logs",
    "EC2": "ec2",
    "S3": "s3",
    "SecretsManager": "secretsmanager",
}

PROBES: dict[str, Callable[[Any], object]] = {
    "ecs": lambda c: c.list_clusters(maxResults=1),
    "ecr": lambda c: c.describe_repositories(maxResults=1),
    "elbv2": lambda c: c.describe_load_balancers(PageSize=1),
    "rds": lambda c: c.describe_db_subnet_groups(MaxRecords=20),
    "ec2": lambda c: c.describe_vpcs(MaxResults=5),
    "logs": lambda c: c.describe_log_groups(limit=1),
    "iam": lambda c: c.list_roles(MaxItems=1),
    "ssm": lambda c: c.describe_parameters(MaxResults=1),
    "s3": lambda c: c.list_buckets(),
    "secretsmanager": lambda c: c.list_secrets(MaxResults=1),
}


def _ecs_cluster(ep: Endpoint, arn: str) -> bool:
    found = ep.client("ecs").describe_clusters(clusters=[arn])["clusters"]
    return any(c["status"] == "ACTIVE" for c in found)


def _ecs_service(ep: Endpoint, arn: str) -> bool:
    # arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME
    _, _, path = arn.partition(":service/")
    cluster, _, name = path.partition("/")
    cluster = cluster if name else "default"  # the old ARN format names no cluster
    found = ep.client("ecs").describe_services(cluster=cluster, services=[arn])["services"]
    return any(s["status"] == "ACTIVE" for s in found)


def _ecs_task_definition(ep: Endpoint, arn: str) -> bool:
    found = ep.client("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return bool(found["status"] == "ACTIVE")


def _log_group(ep: Endpoint, name: str) -> bool:
    groups = ep.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return any(g["logGroupName"] == name for g in groups)


def _s3_bucket(ep: Endpoint, name: str) -> bool:
    ep.client("s3").head_bucket(Bucket=name)
    return True


def _secret(ep: Endpoint, arn: str) -> bool:
    found = ep.client("secretsmanager").describe_secret(SecretId=arn)
    return not found.get("DeletedDate")  # scheduled for deletion: gone


def _listed(call: Callable[[Endpoint, str], Mapping[str, Any]], key: str) -> Lookup:
    return lambda ep, pid: bool(call(ep, pid)[key])


LOOKUPS: dict[str, Lookup] = {
    "AWS::ECS::Cluster": _ecs_cluster,
    "AWS::ECS::Service": _ecs_service,
    "AWS::ECS::TaskDefinition": _ecs_task_definition,
    "AWS::ECR::Repository": _listed(
        lambda ep, n: ep.client("ecr").describe_repositories(repositoryNames=[n]), "repositories"
    ),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _listed(
        lambda ep, a: ep.client("elbv2").describe_load_balancers(LoadBalancerArns=[a]),
        "LoadBalancers",
    ),
    "AWS::ElasticLoadBalancingV2::TargetGroup": _listed(
        lambda ep, a: ep.client("elbv2").describe_target_groups(TargetGroupArns=[a]),
        "TargetGroups",
    ),
    "AWS::ElasticLoadBalancingV2::Listener": _listed(
        lambda ep, a: ep.client("elbv2").describe_listeners(ListenerArns=[a]), "Listeners"
    ),
    "AWS::ElasticLoadBalancingV2::ListenerRule": _listed(
        lambda ep, a: ep.client("elbv2").describe_rules(RuleArns=[a]), "Rules"
    ),
    "AWS::RDS::DBInstance": _listed(
        lambda ep, n: ep.client("rds").describe_db_instances(DBInstanceIdentifier=n),
        "DBInstances",
    ),
    "AWS::RDS::DBSubnetGroup": _listed(
        lambda ep, n: ep.client("rds").describe_db_subnet_groups(DBSubnetGroupName=n),
        "DBSubnetGroups",
    ),
    "AWS::EC2::VPC": _listed(lambda ep, i: ep.client("ec2").describe_vpcs(VpcIds=[i]), "Vpcs"),
    "AWS::EC2::Subnet": _listed(
        lambda ep, i: ep.client("ec2").describe_subnets(SubnetIds=[i]), "Subnets"
    ),
    "AWS::EC2::SecurityGroup": _listed(
        lambda ep, i: ep.client("ec2").describe_security_groups(GroupIds=[i]), "SecurityGroups"
    ),
    "AWS::EC2::InternetGateway": _listed(
        lambda ep, i: ep.client("ec2").describe_internet_gateways(InternetGatewayIds=[i]),
        "InternetGateways",
    ),
    "AWS::EC2::RouteTable": _listed(
        lambda ep, i: ep.client("ec2").describe_route_tables(RouteTableIds=[i]), "RouteTables"
    ),
    "AWS::Logs::LogGroup": _log_group,
    "AWS::S3::Bucket": _s3_bucket,
    "AWS::IAM::Role": _listed(lambda ep, n: ep.client("iam").get_role(RoleName=n), "Role"),
    "AWS::SSM::Parameter": _listed(
        lambda ep, n: ep.client("ssm").get_parameter(Name=n), "Parameter"
    ),
    "AWS::SecretsManager::Secret": _secret,
}

# hashicorp/aws resource type -> (the CloudFormation type with that lookup, the state attribute
# holding what the lookup takes).
TERRAFORM_TYPES: dict[str, tuple[str, str]] = {
    "aws_ecs_cluster": ("AWS::ECS::Cluster", "arn"),
    "aws_ecs_service": ("AWS::ECS::Service", "id"),
    "aws_ecs_task_definition": ("AWS::ECS::TaskDefinition", "arn"),
    "aws_ecr_repository": ("AWS::ECR::Repository", "name"),
    "aws_lb": ("AWS::ElasticLoadBalancingV2::LoadBalancer", "arn"),
    "aws_lb_target_group": ("AWS::ElasticLoadBalancingV2::TargetGroup", "arn"),
    "aws_lb_listener": ("AWS::ElasticLoadBalancingV2::Listener", "arn"),
    "aws_lb_listener_rule": ("AWS::ElasticLoadBalancingV2::ListenerRule", "arn"),
    "aws_db_instance": ("AWS::RDS::DBInstance", "identifier"),
    "aws_db_subnet_group": ("AWS::RDS::DBSubnetGroup", "name"),
    "aws_vpc": ("AWS::EC2::VPC", "id"),
    "aws_subnet": ("AWS::EC2::Subnet", "id"),
    "aws_security_group": ("AWS::EC2::SecurityGroup", "id"),
    "aws_internet_gateway": ("AWS::EC2::InternetGateway", "id"),
    "aws_route_table": ("AWS::EC2::RouteTable", "id"),
    "aws_cloudwatch_log_group": ("AWS::Logs::LogGroup", "name"),
    "aws_s3_bucket": ("AWS::S3::Bucket", "bucket"),
    "aws_iam_role": ("AWS::IAM::Role", "name"),
    "aws_ssm_parameter": ("AWS::SSM::Parameter", "name"),
    "aws_secretsmanager_secret": ("AWS::SecretsManager::Secret", "arn"),
}
