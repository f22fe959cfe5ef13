"""The leftover sweeper: find, and on request remove, what a run left behind on an endpoint.

    leftovers = find(endpoint, "20261201T120000Z-ab12")   # everything tagged harness:run-id=...
    results = remove(endpoint, leftovers)                  # in dependency order

A run on a sandbox account tags everything it creates with ``harness:run-id`` (both stacks,
the image repositories, the revisions the app-update script registers); a run that was killed
(SIGKILL, a lost machine) never destroys. The sweeper finds that run's resources through the
Resource Groups Tagging API (``tag:GetResources``) and, for types that API does not list
(IAM roles, ECS task definitions, ECR repositories, load balancer listener rules, and, where
moto's lacks them, DB subnet groups and the stacks of the emulator's own CloudFormation engine), through each service's own list and tag calls.
It only ever touches a resource whose tags carry the run id: nothing else is listed, so
nothing else can be removed.

Removal goes in dependency order (:data:`ORDER`): stacks first (CloudFormation removes what
they hold), then what uses other resources before what it uses (services before clusters and
task definitions, listener rules before target groups, the database before its subnet group,
network interfaces, route tables, gateways and subnets before security groups and the VPC).
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER = (
    "cloudformation:stack",
    "ecs:service",
    "ecs:cluster",
    "ecs:task-definition",
    "elasticloadbalancing:listener-rule",
    "elasticloadbalancing:loadbalancer",
    "elasticloadbalancing:targetgroup",
    "rds:db",
    "rds:subgrp",
    "s3:bucket",
    "secretsmanager:secret",
    "logs:log-group",
    "ecr:repository",
    "iam:role",
    "ec2:network-interface",
    "ec2:route-table",
    "ec2:internet-gateway",
    "ec2:subnet",
    "ec2:security-group",
    "ec2:vpc",
)
"""Every kind the sweeper removes, in the order it removes them."""


@dataclass(frozen=True, slots=True, order=True)
class Leftover:
    """One resource of the run: its kind (``service:type``), an id the service's delete call
    takes, and its ARN (when it has one)."""

    rank: int
    kind: str
    id: str
    arn: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


@dataclass(frozen=True, slots=True)
class Removal:
    leftover: Leftover
    error: str = ""
    """Empty when removed; else what the service answered."""


def leftover(kind: str, id_: str, arn: str = "") -> Leftover:
    """A :class:`Leftover` ranked by :data:`ORDER` (unknown kinds last)."""
    rank = ORDER.index(kind) if kind in ORDER else len(ORDER)
    return Leftover(rank, kind, id_, arn)


from harness.sweep.finding import find  # noqa: E402
from harness.sweep.removing import remove  # noqa: E402

__all__ = ["ORDER", "Leftover", "Removal", "find", "leftover", "remove"]
