"""One ECS component of an app environment: its log group, task definition and (maybe) service.

``web``, ``worker`` and ``beat`` run as Fargate services; ``backend-update`` is a task definition
only, run once per deploy by the shared app-update script. The container is named after the
component and runs image ``REPO:TAG`` exactly as given (the contract the app-update script and
the running-version check rely on).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Annotations, Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

TASK_CPU = 256
TASK_MEMORY_MIB = 512

# CloudWatch Logs accepts only these retention periods (days).
RETENTION_DAYS: dict[int, logs.RetentionDays] = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


@dataclass(frozen=True)
class ComponentSpec:
    """What differs between components; everything else is shared by the environment."""

    name: str
    command: list[str]
    port: int | None = None
    """Container port, for the component behind the load balancer."""


@dataclass(frozen=True)
class Runtime:
    """What every component of one environment shares."""

    env: str
    cluster: ecs.ICluster
    image: str
    environment: dict[str, str]
    secrets: dict[str, ecs.Secret]
    execution_role: iam.IRole
    task_role: iam.IRole
    log_retention_days: int
    security_group: ec2.ISecurityGroup
    subnets: list[ec2.ISubnet]
    cpu: int = TASK_CPU
    memory_mib: int = TASK_MEMORY_MIB
    latest_revision: bool = False
    """Services run the family's latest ACTIVE revision (``TaskDefinitionRevision.LATEST``)."""


class Component(Construct):
    """Log group and task definition of one component; ``add_service`` makes it a service."""

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: ComponentSpec, runtime: Runtime
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec, self.runtime = spec, runtime
        if runtime.log_retention_days not in RETENTION_DAYS:
            raise ValueError(
                f"log_retention_days={runtime.log_retention_days}: one of {sorted(RETENTION_DAYS)}"
            )
        # A LogGroup resource, not the ``logRetention`` prop of the log driver: that one is a
        # Lambda-backed custom resource (Custom::LogRetention), which the emulator cannot run.
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/ecs/{runtime.env}/{spec.name}",
            retention=RETENTION_DAYS[runtime.log_retention_days],
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            family=f"{runtime.env}-{spec.name}",
            cpu=runtime.cpu,
            memory_limit_mib=runtime.memory_mib,
            execution_role=runtime.execution_role,
            task_role=runtime.task_role,
        )
        self.container = self.task_definition.add_container(
            spec.name,
            container_name=spec.name,
            image=ecs.ContainerImage.from_registry(runtime.image),
            command=spec.command,
            essential=True,
            memory_limit_mib=TASK_MEMORY_MIB,
            environment=runtime.environment,
            secrets=runtime.secrets,
            logging=ecs.LogDriver.aws_logs(stream_prefix=spec.name, log_group=self.log_group),
            port_mappings=[ecs.PortMapping(container_port=spec.port)] if spec.port else None,
        )
        # The image is a registry URI (REPO:TAG verbatim, the contract); the app stack grants the
        # execution role the pull on that repository itself.
        Annotations.of(self.container).acknowledge_warning(
            "@aws-cdk/aws-ecs:ecrImageRequiresPolicy"
        )

    def add_service(
        self, health_check_grace_s: int | None = None, desired_count: int = 1, name: str = ""
    ) -> ecs.FargateService:
        runtime = self.runtime
        grace = Duration.seconds(health_check_grace_s) if health_check_grace_s is not None else None
        # LATEST renders the service's TaskDefinition as the bare family (aws/aws-cdk#27036).
        revision = ecs.TaskDefinitionRevision.LATEST if runtime.latest_revision else None
        service = ecs.FargateService(
            self,
            "Service",
            service_name=name or f"{runtime.env}-{self.spec.name}",
            cluster=runtime.cluster,
            task_definition=self.task_definition,
            desired_count=desired_count,
            task_definition_revision=revision,
            security_groups=[runtime.security_group],
            vpc_subnets=ec2.SubnetSelection(subnets=runtime.subnets),
            assign_public_ip=False,
            min_healthy_percent=100,
            max_healthy_percent=200,
            health_check_grace_period=grace,
        )
        # No deployment circuit breaker, as on the Terraform side: a failing rollout must show
        # up in the harness's wait, not be rolled back by ECS behind its back.
        Annotations.of(service).acknowledge_warning("@aws-cdk/aws-ecs:shouldUseCircuitBreaker")
        return service
