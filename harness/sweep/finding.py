"""Finding a run's resources: the Tagging API, then each service for what it does not list."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from harness.endpoint import RUN_TAG, Endpoint
from harness.sweep import Leftover, leftover

log = logging.getLogger(__name__)

# ARN resource prefixes the Tagging API answers -> our kind ("service:type").
_ARN_KINDS = {
    ("ec2", "vpc"): "ec2:vpc",
    ("ec2", "subnet"): "ec2:subnet",
    ("ec2", "security-group"): "ec2:security-group",
    ("ec2", "internet-gateway"): "ec2:internet-gateway",
    ("ec2", "route-table"): "ec2:route-table",
    ("ec2", "network-interface"): "ec2:network-interface",
    ("ecs", "service"): "ecs:service",
    ("ecs", "cluster"): "ecs:cluster",
    ("ecs", "task-definition"): "ecs:task-definition",
    ("elasticloadbalancing", "loadbalancer"): "elasticloadbalancing:loadbalancer",
    ("elasticloadbalancing", "targetgroup"): "elasticloadbalancing:targetgroup",
    ("elasticloadbalancing", "listener-rule"): "elasticloadbalancing:listener-rule",
    ("rds", "db"): "rds:db",
    ("rds", "subgrp"): "rds:subgrp",
    ("secretsmanager", "secret"): "secretsmanager:secret",
    ("logs", "log-group"): "logs:log-group",
    ("cloudformation", "stack"): "cloudformation:stack",
    ("ecr", "repository"): "ecr:repository",
    ("iam", "role"): "iam:role",
}


def find(endpoint: Endpoint, run_id: str) -> list[Leftover]:
    """Every resource tagged ``harness:run-id=run_id``, in removal order, each once."""
    found: dict[tuple[str, str], Leftover] = {}
    for source in (_tagging_api, *_LOOKUPS):
        for item in source(endpoint, run_id):
            found.setdefault((item.kind, item.id), item)
    return sorted(found.values())


def from_arn(arn: str) -> Leftover | None:
    """The leftover an ARN names, or None for a kind the sweeper leaves (tasks stop with
    their service, listeners go with their load balancer)."""
    parts = arn.split(":", 5)
    service, resource = parts[2], parts[5]
    if service == "s3":
        return leftover("s3:bucket", resource)
    # type/id (ec2, ecs, elbv2, cloudformation) or type:id (rds, logs, secretsmanager)
    cut = min(
        (i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=len(resource)
    )
    kind_part, rest = resource[:cut], resource[cut + 1 :]
    kind = _ARN_KINDS.get((service, kind_part))
    if kind is None:
        return None
    if kind == "logs:log-group":
        return leftover(kind, rest.removesuffix(":*"), arn)
    if kind.startswith(("ec2:", "rds:")):  # their delete calls take the id or name
        return leftover(kind, rest, arn)
    return leftover(kind, arn, arn)


def _carries(tags: Any, run_id: str, key: str = "Key", value: str = "Value") -> bool:
    return any(t.get(key) == RUN_TAG and t.get(value) == run_id for t in tags or [])


def _tagging_api(endpoint: Endpoint, run_id: str) -> Iterator[Leftover]:
    api = endpoint.client("resourcegroupstaggingapi")
    pages = api.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": RUN_TAG, "Values": [run_id]}]
    )
    for page in pages:
        for mapping in page["ResourceTagMappingList"]:
            item = from_arn(mapping["ResourceARN"])
            if item is not None and _carries(mapping.get("Tags"), run_id) and _live(endpoint, item):
                yield item


def _live(endpoint: Endpoint, item: Leftover) -> bool:
    """Whether the Tagging API's answer is still there: ECS keeps deleted services and
    clusters (INACTIVE) and deregistered revisions (INACTIVE) listed for a while."""
    if not item.kind.startswith("ecs:"):
        return True
    ecs = endpoint.client("ecs")
    if item.kind == "ecs:service":
        cluster = item.arn.split("/")[-2]
        found = ecs.describe_services(cluster=cluster, services=[item.arn])["services"]
    elif item.kind == "ecs:cluster":
        found = ecs.describe_clusters(clusters=[item.arn])["clusters"]
    else:
        found = [ecs.describe_task_definition(taskDefinition=item.arn)["taskDefinition"]]
    return any(f.get("status") != "INACTIVE" for f in found)


def _stacks(endpoint: Endpoint, run_id: str) -> Iterator[Leftover]:
    # The embedded emulator's stacks live in its own engine, which the Tagging API never sees.
    api = endpoint.client("cloudformation")
    for page in api.get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            if stack["StackStatus"] != "DELETE_COMPLETE" and _carries(stack.get("Tags"), run_id):
                yield leftover("cloudformation:stack", stack["StackName"], stack["StackId"])


def _roles(endpoint: Endpoint, run_id: str) -> Iterator[Leftover]:
    iam = endpoint.client("iam")
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            tags = iam.list_role_tags(RoleName=role["RoleName"])["Tags"]
            if _carries(tags, run_id):
                yield leftover("iam:role", role["RoleName"], role["Arn"])


def _task_definitions(endpoint: Endpoint, run_id: str) -> Iterator[Leftover]:
    ecs = endpoint.client("ecs")
    pages = ecs.get_paginator("list_task_definitions").paginate(status="ACTIVE")
    for arn in (a for page in pages for a in page["taskDefinitionArns"]):
        tags = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"]).get("tags")
        if _carries(tags, run_id, "key", "value"):
            yield leftover("ecs:task-definition", arn, arn)


def _repositories(endpoint: Endpoint, run_id: str) -> Iterator[Leftover]:
    ecr = endpoint.client("ecr")
    for page in ecr.get_paginator("describe_repositories").paginate():
        for repo in page["repositories"]:
            tags = ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
            if _carries(tags, run_id):
                yield leftover("ecr:repository", repo["repositoryName"], repo["repositoryArn"])


def _db_subnet_groups(endpoint: Endpoint, run_id: str) -> Iterator[Leftover]:
    # AWS's Tagging API lists them (rds:subgrp); moto 5.2.5's does not.
    rds = endpoint.client("rds")
    for page in rds.get_paginator("describe_db_subnet_groups").paginate():
        for group in page["DBSubnetGroups"]:
            arn = group["DBSubnetGroupArn"]
            if _carries(rds.list_tags_for_resource(ResourceName=arn)["TagList"], run_id):
                yield leftover("rds:subgrp", group["DBSubnetGroupName"], arn)


def _listener_rules(endpoint: Endpoint, run_id: str) -> Iterator[Leftover]:
    # An app environment's rule sits on its base's listener: found through every listener.
    elb = endpoint.client("elbv2")
    for page in elb.get_paginator("describe_load_balancers").paginate():
        for lb in page["LoadBalancers"]:
            listeners = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
            for listener in listeners:
                rules = elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
                arns = [r["RuleArn"] for r in rules if not r.get("IsDefault")]
                if not arns:
                    continue
                for described in elb.describe_tags(ResourceArns=arns)["TagDescriptions"]:
                    if _carries(described.get("Tags"), run_id):
                        arn = described["ResourceArn"]
                        yield leftover("elasticloadbalancing:listener-rule", arn, arn)


_LOOKUPS: tuple[Callable[[Endpoint, str], Iterator[Leftover]], ...] = (
    _stacks,
    _roles,
    _task_definitions,
    _repositories,
    _db_subnet_groups,
    _listener_rules,
)
"""Per-service lookups, for what the Tagging API does not list (on AWS or on moto)."""
