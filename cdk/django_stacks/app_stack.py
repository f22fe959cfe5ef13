"""The app stack of one environment: cluster, roles, target group and the four components.

What it needs from the base (VPC, subnets, security group, listener, bucket, database) it
references through the base stack's constructs, which CDK turns into ``Fn::ImportValue`` of the
base's exports. The security group and listener are re-imported as immutable, so attaching the
web service to the load balancer adds no rule to the base's security groups (the base already
allows ALB -> app on the app port): an app environment never changes the base stack.
"""

from __future__ import annotations

import zlib
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from django_stacks.base_stack import DB_NAME, DB_USERNAME, BaseStack
from django_stacks.component import Component, ComponentSpec, Runtime
from django_stacks.settings import MANAGED_BY, AppCommands, AppConfig

SERVICES = ("web", "worker", "beat")
BACKEND_UPDATE = "backend-update"
WEB = "web"


def listener_priority(env: str) -> int:
    """A stable listener rule priority per environment (1..50000), so environments never clash."""
    return zlib.crc32(env.encode()) % 49_999 + 1


class AppStack(Stack):
    """``ENV-app``: one app environment on top of a base stack."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        commands: AppCommands,
        base: BaseStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        for key, value in {
            "env": config.env,
            "base": config.base,
            "managed-by": MANAGED_BY,
        }.items():
            Tags.of(self).add(key, value)
        # Fargate only: no EC2 capacity (an ASG capacity provider adds a Lambda-backed drain
        # hook) and no containerInsights setting, so the cluster is one plain resource.
        cluster = ecs.Cluster(self, "Cluster", cluster_name=f"{config.env}-cluster", vpc=base.vpc)
        app_sg = ec2.SecurityGroup.from_security_group_id(
            self, "AppSecurityGroup", base.app_sg.security_group_id, mutable=False
        )
        execution_role, task_role = self._roles(base)
        runtime = Runtime(
            env=config.env,
            cluster=cluster,
            image=self._image(),
            environment=self._environment(base),
            # ECS reads the password from the base's generated secret when it starts a task
            # and grants the execution role secretsmanager:GetSecretValue on it for that.
            secrets={
                "POSTGRES_PASSWORD": ecs.Secret.from_secrets_manager(base.db_secret, "password")
            },
            execution_role=execution_role,
            task_role=task_role,
            log_retention_days=config.log_retention_days,
            security_group=app_sg,
            subnets=base.private_subnets,
            cpu=config.task_cpu,
            memory_mib=config.task_memory,
            latest_revision=config.strategy == "latest-revision",
        )
        components = {
            name: Component(
                self,
                name.title().replace("-", ""),
                spec=ComponentSpec(
                    name, commands.commands[name], commands.port if name == WEB else None
                ),
                runtime=runtime,
            )
            for name in (*SERVICES, BACKEND_UPDATE)
        }
        target_group = self._web_target_group(base, commands)
        web = components[WEB].add_service(
            config.web_health_check_grace_s,
            desired_count=config.web_desired_count,
            name=config.web_service_name,
        )
        web.attach_to_application_target_group(target_group)
        for name in SERVICES[1:]:
            components[name].add_service()
        CfnOutput(self, "ClusterName", value=cluster.cluster_name)
        CfnOutput(self, "WebServiceName", value=web.service_name)
        CfnOutput(self, "Image", value=runtime.image)

    def _image(self) -> str:
        # ssm-tag: an AWS::SSM::Parameter::Value<String> parameter, resolved by CloudFormation at
        # every deploy; the CLI never skips a stack that has one.
        if self.config.strategy == "ssm-tag":
            tag = ssm.StringParameter.value_for_string_parameter(
                self, self.config.image_tag_parameter
            )
            return f"{self.config.image_repository}:{tag}"
        return self.config.image

    def _roles(self, base: BaseStack) -> tuple[iam.Role, iam.Role]:
        env = self.config.env
        principal = iam.ServicePrincipal("ecs-tasks.amazonaws.com")
        # Execution role: what ECS needs to start the containers. The log driver grants the
        # log writes; the image comes from a registry URI, so the pull is granted here.
        execution = iam.Role(
            self, "ExecutionRole", role_name=f"{env}-ecs-execution", assumed_by=principal
        )
        repository_name = self.config.image_repository.rsplit("/", 1)[-1]
        ecr.Repository.from_repository_name(self, "Repository", repository_name).grant_pull(
            execution
        )
        # Task role: what the Django code may do (collectstatic uploads to the assets bucket).
        task = iam.Role(self, "TaskRole", role_name=f"{env}-ecs-task", assumed_by=principal)
        base.bucket.grant_read_write(task)
        return execution, task

    def _environment(self, base: BaseStack) -> dict[str, str]:
        # What every container needs from the base; web_environment last so it can override.
        shared = {
            "POSTGRES_HOST": base.db.db_instance_endpoint_address,
            "POSTGRES_PORT": base.db.db_instance_endpoint_port,
            "POSTGRES_DB": DB_NAME,
            "POSTGRES_USER": DB_USERNAME,
            "ASSETS_BUCKET_NAME": base.bucket.bucket_name,
            "ALLOWED_HOSTS": base.alb.load_balancer_dns_name,
        }
        merged = shared | self.config.web_environment
        # Sorted by name: ECS returns environments sorted, and so the template stays stable.
        return dict(sorted(merged.items()))

    def _web_target_group(
        self, base: BaseStack, commands: AppCommands
    ) -> elbv2.ApplicationTargetGroup:
        env = self.config.env
        target_group = elbv2.ApplicationTargetGroup(
            self,
            "WebTargetGroup",
            target_group_name=f"{env}-web-tg",
            vpc=base.vpc,
            port=commands.port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            health_check=elbv2.HealthCheck(
                path=commands.health_check_path, healthy_http_codes="200-399"
            ),
        )
        alb_sg = ec2.SecurityGroup.from_security_group_id(
            self, "AlbSecurityGroup", base.alb_sg.security_group_id, mutable=False
        )
        listener = elbv2.ApplicationListener.from_application_listener_attributes(
            self, "Listener", listener_arn=base.listener.listener_arn, security_group=alb_sg
        )
        elbv2.ApplicationListenerRule(
            self,
            "WebRule",
            listener=listener,
            priority=int(self.node.try_get_context("listener_priority") or listener_priority(env)),
            conditions=[elbv2.ListenerCondition.host_headers([f"{env}.*"])],
            target_groups=[target_group],
        )
        return target_group
