"""The base stack: network, security groups, load balancer, database and assets bucket.

Several app environments share one base (the seed's "ad hoc environments"). Everything an app
stack takes from here crosses the stack boundary as a CloudFormation export, which CDK creates
when an app stack references these constructs. The base declares those exports itself
(``export_value``) so its template is the same whether zero, one or many app stacks are in the
synthesized app: otherwise deploying the base without an app would try to remove exports that
running environments import, which CloudFormation refuses.

No Lambda-backed custom resource is created (the emulator cannot run Lambda):
  - the VPC's default security group is left as AWS creates it
    (``restrict_default_security_group=False`` and the ``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup``
    flag off in cdk.json; when on, CDK adds ``Custom::VpcRestrictDefaultSG``);
  - the bucket has no ``auto_delete_objects`` (``Custom::S3AutoDeleteObjects``); it is emptied
    by whoever filled it before the base is destroyed;
  - no ``enforce_ssl`` bucket policy, no NAT gateways (see ``nat_gateways`` below).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from django_stacks.settings import MANAGED_BY

VPC_CIDR = "10.0.0.0/16"
DB_NAME = "django"
DB_USERNAME = "django"
DB_PORT = 5432


# What Secrets Manager leaves out of the generated password: CDK's own default for database
# secrets (characters that break connection strings and shells), as a constant so the
# template says it.
DB_PASSWORD_EXCLUDED = " %+~`#$&*()|[]{}:;<>?!'/@\"\\"


def db_secret_name(base: str) -> str:
    """The Secrets Manager secret holding the database credentials (JSON: username, password)."""
    return f"{base}/db-credentials"


class BaseStack(Stack):
    """``BASE-base``: what every app environment on base ``base`` shares."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        base: str,
        app_port: int,
        availability_zones: list[str],
        nat_gateways: int = 0,
        app_ingress_cidr: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.base = base
        self._zones = list(availability_zones)
        Tags.of(self).add("base", base)
        Tags.of(self).add("managed-by", MANAGED_BY)
        self.vpc = self._network(availability_zones, nat_gateways)
        self.alb_sg = self._security_group("alb", "Application load balancer")
        self.alb_sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP from anywhere")
        self.app_sg = self._security_group("app", "ECS tasks and database")
        self.app_sg.add_ingress_rule(
            self.alb_sg, ec2.Port.tcp(app_port), "Web containers from the ALB"
        )
        self.app_sg.add_ingress_rule(
            self.app_sg, ec2.Port.tcp(DB_PORT), "Postgres from the app tasks"
        )
        if app_ingress_cidr:
            self._app_ingress(app_ingress_cidr, app_port)
        self.alb, self.listener = self._load_balancer()
        self.db = self._database()
        self.bucket = s3.Bucket(
            self,
            "Assets",
            bucket_name=f"{base}-assets-{self.account}",
            removal_policy=RemovalPolicy.DESTROY,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        )
        self._exports()

    @property
    def availability_zones(self) -> list[str]:
        # Fixed zones instead of a lookup: a lookup needs the CLI's context provider, a lookup
        # role and a cdk.context.json, none of which a deploy of this app should depend on.
        return self._zones

    @property
    def db_secret(self) -> secretsmanager.ISecret:
        """The database's generated credentials (attached to the instance)."""
        secret = self.db.secret
        assert secret is not None, "credentials are generated, so the instance has a secret"
        return secret

    @property
    def private_subnets(self) -> list[ec2.ISubnet]:
        return self.vpc.select_subnets(subnet_group_name="private").subnets

    def _network(self, availability_zones: list[str], nat_gateways: int) -> ec2.Vpc:
        # Without NAT gateways private subnets are isolated: the emulator needs none, and on AWS
        # tasks then reach ECR only through VPC endpoints; -c nat_gateways=1 gives them egress.
        private = (
            ec2.SubnetType.PRIVATE_WITH_EGRESS if nat_gateways else ec2.SubnetType.PRIVATE_ISOLATED
        )
        vpc = ec2.Vpc(
            self,
            "Vpc",
            vpc_name=f"{self.base}-vpc",
            ip_addresses=ec2.IpAddresses.cidr(VPC_CIDR),
            max_azs=len(availability_zones),
            nat_gateways=nat_gateways,
            restrict_default_security_group=False,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24
                ),
                ec2.SubnetConfiguration(name="private", subnet_type=private, cidr_mask=24),
            ],
        )
        for subnet in vpc.public_subnets:
            Tags.of(subnet).add("tier", "public")
        for subnet in vpc.select_subnets(subnet_group_name="private").subnets:
            Tags.of(subnet).add("tier", "private")
        return vpc

    def _app_ingress(self, cidr: str, port: int) -> None:
        # The "security group rule" change: a base-layer change the services depend on (their
        # group lets one more CIDR reach the app port), as a resource of its own so adding it
        # leaves the group (and the id the app stacks import) as it was.
        ec2.CfnSecurityGroupIngress(
            self,
            "AppIngress",
            group_id=self.app_sg.security_group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            cidr_ip=cidr,
            description=f"App port from {cidr}",
        )

    def _security_group(self, role: str, description: str) -> ec2.SecurityGroup:
        name = f"{self.base}-{role}-sg"
        group = ec2.SecurityGroup(
            self,
            f"{role.capitalize()}SecurityGroup",
            vpc=self.vpc,
            security_group_name=name,
            description=f"{description} of {self.base}",
            allow_all_outbound=True,
        )
        Tags.of(group).add("Name", name)
        Tags.of(group).add("role", role)
        return group

    def _load_balancer(self) -> tuple[elbv2.ApplicationLoadBalancer, elbv2.ApplicationListener]:
        alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            load_balancer_name=f"{self.base}-alb",
            vpc=self.vpc,
            internet_facing=True,
            security_group=self.alb_sg,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        )
        # Each app environment adds a listener rule; what matches none of them gets a 404.
        listener = alb.add_listener(
            "Http",
            port=80,
            open=False,
            default_action=elbv2.ListenerAction.fixed_response(
                404, content_type="text/plain", message_body="no such environment"
            ),
        )
        return alb, listener

    def _database(self) -> rds.DatabaseInstance:
        subnet_group = rds.SubnetGroup(
            self,
            "DbSubnets",
            subnet_group_name=f"{self.base}-db",
            description=f"Database subnets of {self.base}",
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_group_name="private"),
            removal_policy=RemovalPolicy.DESTROY,
        )
        # Generated credentials, as the seed's library makes them: Secrets Manager generates
        # the password at deploy time (GenerateSecretString), RDS gets it through a
        # {{resolve:secretsmanager:...}} dynamic reference, and the containers through their
        # `secrets` (app_stack.py). The value is never in a template, a context or a file.
        credentials = rds.Credentials.from_generated_secret(
            DB_USERNAME,
            secret_name=db_secret_name(self.base),
            exclude_characters=DB_PASSWORD_EXCLUDED,
        )
        return rds.DatabaseInstance(
            self,
            "Db",
            instance_identifier=f"{self.base}-db",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16),
            instance_type=ec2.InstanceType.of(
                ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.MICRO
            ),
            vpc=self.vpc,
            subnet_group=subnet_group,
            security_groups=[self.app_sg],
            database_name=DB_NAME,
            credentials=credentials,
            port=DB_PORT,
            allocated_storage=20,
            publicly_accessible=False,
            storage_encrypted=True,
            backup_retention=Duration.days(0),
            deletion_protection=False,
            # Ad hoc environments: destroy must leave nothing behind, snapshots included.
            removal_policy=RemovalPolicy.DESTROY,
        )

    def _exports(self) -> None:
        for value in (
            self.vpc.vpc_id,
            *(subnet.subnet_id for subnet in self.private_subnets),
            self.app_sg.security_group_id,
            self.alb_sg.security_group_id,
            self.listener.listener_arn,
            self.alb.load_balancer_dns_name,
            self.bucket.bucket_name,
            self.bucket.bucket_arn,
            self.db.db_instance_endpoint_address,
            self.db.db_instance_endpoint_port,
            self.db_secret.secret_arn,
        ):
            self.export_value(value)
        CfnOutput(self, "VpcId", value=self.vpc.vpc_id)
        CfnOutput(self, "ListenerArn", value=self.listener.listener_arn)
        CfnOutput(self, "AlbDnsName", value=self.alb.load_balancer_dns_name)
        CfnOutput(self, "AssetsBucketName", value=self.bucket.bucket_name)
        CfnOutput(self, "DbEndpoint", value=self.db.db_instance_endpoint_address)
