"""The leftover sweeper (#14 item 6) against the embedded emulator.

What a killed run leaves is laid out directly with boto3 (faster than deploying and killing a
tool; the resources are the kinds both stacks create, tagged as a sandbox run tags them):
one run's full set, another run's resources, and an untagged one. The sweeper runs as a user
runs it (``python -m harness sweep``, a subprocess): the dry run lists the run's resources and
removes nothing; ``--yes`` removes exactly those, and the other run's and the untagged one
stay.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field

import pytest

from harness.emulator import Emulator
from harness.endpoint import RUN_TAG, Endpoint
from harness.sweep import ORDER, find, leftover
from harness.sweep.finding import from_arn

pytestmark = pytest.mark.slow

ASSUME = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }
)


@dataclass
class Laid:
    """What was created for one run: kind -> ids (as the sweeper names them)."""

    run_id: str
    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, id_: str) -> None:
        self.ids.setdefault(kind, []).append(id_)


def _tags(run_id: str) -> list[dict[str, str]]:
    return [{"Key": RUN_TAG, "Value": run_id}, {"Key": "env", "Value": "sweep"}]


def lay_out(endpoint: Endpoint, run_id: str, full: bool = True) -> Laid:
    """A run's leftovers: network, load balancer, ECS, database, bucket, secret, logs, role,
    repository and a stack (``full``), or only a few of them."""
    laid, tags, name = Laid(run_id), _tags(run_id), f"sw{uuid.uuid4().hex[:6]}"
    lower = [{"key": t["Key"], "value": t["Value"]} for t in tags]
    ec2, sm, logs, iam = (endpoint.client(s) for s in ("ec2", "secretsmanager", "logs", "iam"))
    vpc = ec2.create_vpc(
        CidrBlock="10.9.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}],
    )["Vpc"]["VpcId"]
    laid.add("ec2:vpc", vpc)
    arn = sm.create_secret(Name=f"{name}/db-password", SecretString="x" * 24, Tags=tags)["ARN"]
    laid.add("secretsmanager:secret", arn)
    logs.create_log_group(
        logGroupName=f"/ecs/{name}/web", tags={t["Key"]: t["Value"] for t in tags}
    )
    laid.add("logs:log-group", f"/ecs/{name}/web")
    iam.create_role(RoleName=f"{name}-ecs-task", AssumeRolePolicyDocument=ASSUME, Tags=tags)
    iam.put_role_policy(RoleName=f"{name}-ecs-task", PolicyName="assets", PolicyDocument=POLICY)
    laid.add("iam:role", f"{name}-ecs-task")
    if not full:
        return laid

    subnets = []
    for i, zone in enumerate(("us-east-1a", "us-east-1b")):
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.9.{i}.0/24",
            AvailabilityZone=zone,
            TagSpecifications=[{"ResourceType": "subnet", "Tags": tags}],
        )["Subnet"]["SubnetId"]
        subnets.append(subnet)
        laid.add("ec2:subnet", subnet)
    gateway = ec2.create_internet_gateway(
        TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": tags}]
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    laid.add("ec2:internet-gateway", gateway)
    table = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=[{"ResourceType": "route-table", "Tags": tags}]
    )["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
    laid.add("ec2:route-table", table)
    groups = {}
    for role in ("alb", "app"):
        groups[role] = ec2.create_security_group(
            GroupName=f"{name}-{role}-sg",
            Description=role,
            VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}],
        )["GroupId"]
        laid.add("ec2:security-group", groups[role])
    ec2.authorize_security_group_ingress(  # app <- alb: the alb group cannot go first alone
        GroupId=groups["app"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8000,
                "ToPort": 8000,
                "UserIdGroupPairs": [{"GroupId": groups["alb"]}],
            }
        ],
    )

    elb = endpoint.client("elbv2")
    lb = elb.create_load_balancer(
        Name=f"{name}-alb", Subnets=subnets, SecurityGroups=[groups["alb"]], Tags=tags
    )["LoadBalancers"][0]["LoadBalancerArn"]
    laid.add("elasticloadbalancing:loadbalancer", lb)
    tg = elb.create_target_group(
        Name=f"{name}-web-tg", Protocol="HTTP", Port=8000, VpcId=vpc, TargetType="ip", Tags=tags
    )["TargetGroups"][0]["TargetGroupArn"]
    laid.add("elasticloadbalancing:targetgroup", tg)
    listener = elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]["ListenerArn"]
    rule = elb.create_rule(
        ListenerArn=listener,
        Priority=7,
        Conditions=[{"Field": "host-header", "Values": [f"{name}.*"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": tg}],
        Tags=tags,
    )["Rules"][0]["RuleArn"]
    laid.add("elasticloadbalancing:listener-rule", rule)

    ecs = endpoint.client("ecs")
    cluster = ecs.create_cluster(clusterName=f"{name}-cluster", tags=lower)["cluster"]
    laid.add("ecs:cluster", cluster["clusterArn"])
    task = ecs.register_task_definition(
        family=f"{name}-web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx:1", "memory": 512}],
        tags=lower,
    )["taskDefinition"]["taskDefinitionArn"]
    laid.add("ecs:task-definition", task)
    service = ecs.create_service(
        cluster=cluster["clusterArn"],
        serviceName=f"{name}-web",
        taskDefinition=task,
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": subnets, "securityGroups": [groups["app"]]}
        },
        tags=lower,
    )["service"]["serviceArn"]
    laid.add("ecs:service", service)

    rds = endpoint.client("rds")
    rds.create_db_subnet_group(
        DBSubnetGroupName=f"{name}-db", DBSubnetGroupDescription="db", SubnetIds=subnets, Tags=tags
    )
    laid.add("rds:subgrp", f"{name}-db")
    rds.create_db_instance(
        DBInstanceIdentifier=f"{name}-db",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="y" * 16,
        DBSubnetGroupName=f"{name}-db",
        VpcSecurityGroupIds=[groups["app"]],
        Tags=tags,
    )
    laid.add("rds:db", f"{name}-db")

    s3 = endpoint.client("s3")
    s3.create_bucket(Bucket=f"{name}-assets")
    s3.put_bucket_tagging(Bucket=f"{name}-assets", Tagging={"TagSet": tags})
    s3.put_object(Bucket=f"{name}-assets", Key="static/app.css", Body=b"body{}")
    laid.add("s3:bucket", f"{name}-assets")
    repo = endpoint.client("ecr").create_repository(repositoryName=f"{name}-backend", tags=tags)
    laid.add("ecr:repository", repo["repository"]["repositoryName"])

    cfn = endpoint.client("cloudformation")
    template = {
        "Resources": {
            "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "v"}}
        }
    }
    stack = cfn.create_stack(StackName=f"{name}-app", TemplateBody=json.dumps(template), Tags=tags)
    cfn.get_waiter("stack_create_complete").wait(StackName=stack["StackId"])
    laid.add("cloudformation:stack", f"{name}-app")
    return laid


def sweep(emulator: Emulator, run_id: str, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [
        sys.executable,
        "-m",
        "harness",
        "sweep",
        "--run-id",
        run_id,
        "--endpoint",
        emulator.url,
    ]
    env = {**os.environ, **emulator.env()}
    return subprocess.run([*argv, *extra], capture_output=True, text=True, env=env, timeout=300)


def listed(output: str) -> set[tuple[str, str]]:
    lines = [line.strip().split(" ", 1) for line in output.splitlines() if line.startswith("  ")]
    return {(kind, id_) for kind, id_ in lines}


def expected(laid: Laid) -> set[tuple[str, str]]:
    return {(kind, id_) for kind, ids in laid.ids.items() for id_ in ids}


def test_arns_name_the_kind_and_the_id_the_delete_call_takes() -> None:
    assert from_arn("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b") == leftover(
        "ec2:vpc", "vpc-1a2b", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b"
    )
    assert from_arn("arn:aws:s3:::dev-assets") == leftover("s3:bucket", "dev-assets")
    assert from_arn("arn:aws:rds:us-east-1:1:db:dev-db").id == "dev-db"
    assert from_arn("arn:aws:logs:us-east-1:1:log-group:/ecs/a/web:*").id == "/ecs/a/web"
    assert from_arn("arn:aws:ecs:us-east-1:1:task/c/0123") is None  # stops with its service
    kinds = [leftover(k, "x").kind for k in reversed(ORDER)]
    assert [item.kind for item in sorted(leftover(k, "x") for k in kinds)] == list(ORDER)


def test_dry_run_lists_the_run_and_yes_removes_only_it(emulator: Emulator) -> None:
    endpoint = emulator.endpoint
    run_id, other_id = f"sweep-{uuid.uuid4().hex[:6]}", f"other-{uuid.uuid4().hex[:6]}"
    laid = lay_out(endpoint, run_id)
    other = lay_out(endpoint, other_id, full=False)
    untagged = endpoint.client("logs")
    untagged.create_log_group(logGroupName=f"/untagged/{run_id}")

    dry = sweep(emulator, run_id)
    assert dry.returncode == 1, dry.stderr
    assert listed(dry.stdout) >= expected(laid), dry.stdout
    assert not {id_ for _, id_ in listed(dry.stdout)} & {
        i for ids in other.ids.values() for i in ids
    }
    assert "nothing removed" in dry.stdout
    assert {(i.kind, i.id) for i in find(endpoint, run_id)} == listed(dry.stdout)  # still there

    done = sweep(emulator, run_id, "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("; 0 left")
    assert find(endpoint, run_id) == []
    ec2 = endpoint.client("ec2")
    assert (
        ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": laid.ids["ec2:vpc"]}])["Vpcs"] == []
    )
    assert endpoint.client("rds").describe_db_instances()["DBInstances"] == [] or all(
        db["DBInstanceIdentifier"] not in laid.ids["rds:db"]
        for db in endpoint.client("rds").describe_db_instances()["DBInstances"]
    )
    assert {(i.kind, i.id) for i in find(endpoint, other_id)} == expected(other)
    groups = untagged.describe_log_groups(logGroupNamePrefix=f"/untagged/{run_id}")["logGroups"]
    assert len(groups) == 1
    assert sweep(emulator, other_id, "--yes").returncode == 0
    untagged.delete_log_group(logGroupName=f"/untagged/{run_id}")


def test_aws_needs_the_account_named_before_anything_is_listed() -> None:
    argv = [sys.executable, "-m", "harness", "sweep", "--run-id", "r-1", "--target", "aws"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--aws-account-id" in done.stderr
    assert done.stdout == ""
