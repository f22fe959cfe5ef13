"""Conformance: resources CloudFormation creates hold every template property the API holds.

moto's own CloudFormation handlers drop properties (a VPC's DNS hostnames, a subnet's
MapPublicIpOnLaunch, load balancer and target group attributes, a bucket's public access
block, a role's ManagedPolicyArns) or crash on ids (RDS DBSubnetGroupName). Sources: the
AWS resource and property types reference for each type below; "Get values stored in other
services using dynamic references" for ``{{resolve:secretsmanager:...}}``; AWS::SecretsManager::
SecretTargetAttachment ("adds the connection details of the database to the secret").
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from harness import cfn_wait
from harness.endpoint import Endpoint

pytestmark = pytest.mark.services("cloudformation")
# The base layer's stack: what every test on the ``base`` fixture needs.
BASE_SERVICES = pytest.mark.services("ec2", "elbv2", "rds", "s3", "iam", "ssm", "secretsmanager")


def base_layer(suffix: str) -> dict[str, Any]:
    ref = {"Ref": "Vpc"}
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    password = {
        "Fn::Join": [
            "",
            ["{{resolve:secretsmanager:", {"Ref": "Secret"}, ":SecretString:password::}}"],
        ]
    }
    return {
        "Resources": {
            "Vpc": {
                "Type": "AWS::EC2::VPC",
                "Properties": {"CidrBlock": "10.50.0.0/16", "EnableDnsHostnames": True},
            },
            "S1": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": ref,
                    "CidrBlock": "10.50.1.0/24",
                    "AvailabilityZone": "us-east-1a",
                    "MapPublicIpOnLaunch": True,
                    "Tags": [{"Key": "tier", "Value": "public"}],
                },
            },
            "S2": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": ref,
                    "CidrBlock": "10.50.2.0/24",
                    "AvailabilityZone": "us-east-1b",
                },
            },
            "Sg": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": "alb",
                    "VpcId": ref,
                    "SecurityGroupIngress": [
                        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}
                    ],
                },
            },
            "Alb": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {
                    "Scheme": "internet-facing",
                    "Subnets": [{"Ref": "S1"}, {"Ref": "S2"}],
                    "SecurityGroups": [{"Ref": "Sg"}],
                    "LoadBalancerAttributes": [
                        {"Key": "idle_timeout.timeout_seconds", "Value": "30"}
                    ],
                },
            },
            "Tg": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {
                    "Port": 8000,
                    "Protocol": "HTTP",
                    "TargetType": "ip",
                    "VpcId": ref,
                    "HealthCheckPath": "/health/",
                    "TargetGroupAttributes": [
                        {"Key": "deregistration_delay.timeout_seconds", "Value": "10"}
                    ],
                },
            },
            "Listener": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": {"Ref": "Alb"},
                    "Port": 80,
                    "Protocol": "HTTP",
                    "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}],
                },
            },
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {
                    "GenerateSecretString": {
                        "SecretStringTemplate": '{"username":"app"}',
                        "GenerateStringKey": "password",
                        "ExcludePunctuation": True,
                    }
                },
            },
            "DbSubnets": {
                "Type": "AWS::RDS::DBSubnetGroup",
                "Properties": {
                    "DBSubnetGroupDescription": "db",
                    "SubnetIds": [{"Ref": "S1"}, {"Ref": "S2"}],
                },
            },
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "Engine": "postgres",
                    "DBInstanceClass": "db.t3.micro",
                    "AllocatedStorage": "20",
                    "MasterUsername": "app",
                    "MasterUserPassword": password,
                    "DBSubnetGroupName": {"Ref": "DbSubnets"},
                    "VPCSecurityGroups": [{"Ref": "Sg"}],
                    "StorageEncrypted": True,
                    "BackupRetentionPeriod": 3,
                    "DBName": "app",
                },
            },
            "Attach": {
                "Type": "AWS::SecretsManager::SecretTargetAttachment",
                "Properties": {
                    "SecretId": {"Ref": "Secret"},
                    "TargetId": {"Ref": "Db"},
                    "TargetType": "AWS::RDS::DBInstance",
                },
            },
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                },
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": trust,
                    "ManagedPolicyArns": [
                        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
                    ],
                    "Policies": [
                        {
                            "PolicyName": "inline",
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
                                ],
                            },
                        }
                    ],
                },
            },
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Name": f"/cfn/base/{suffix}",
                    "Type": "String",
                    "Value": "v",
                    "Tags": {"env": "a"},
                },
            },
        }
    }


@pytest.fixture
def base(aws_endpoint: Endpoint) -> Iterator[tuple[Endpoint, dict[str, str]]]:
    cf = aws_endpoint.client("cloudformation")
    suffix = uuid.uuid4().hex[:8]
    name = f"base-{suffix}"
    cf.create_stack(
        StackName=name, TemplateBody=json.dumps(base_layer(suffix)), Capabilities=["CAPABILITY_IAM"]
    )
    cfn_wait.stack(cf, name, "create")
    stack = cf.describe_stacks(StackName=name)["Stacks"][0]
    try:
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        summaries = cf.list_stack_resources(StackName=name)["StackResourceSummaries"]
        yield aws_endpoint, {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}
    finally:
        cf.delete_stack(StackName=name)
        assert cfn_wait.stack(cf, stack["StackId"], "delete") == "DELETE_COMPLETE"


@BASE_SERVICES
def test_network_resources_keep_their_properties(base: tuple[Endpoint, dict[str, str]]) -> None:
    """AWS::EC2::VPC EnableDnsHostnames, AWS::EC2::Subnet MapPublicIpOnLaunch and Tags,
    AWS::EC2::SecurityGroup SecurityGroupIngress; the stack deletes cleanly (VPC last)."""
    endpoint, ids = base
    ec2 = endpoint.client("ec2")
    dns = ec2.describe_vpc_attribute(VpcId=ids["Vpc"], Attribute="enableDnsHostnames")
    assert dns["EnableDnsHostnames"]["Value"] is True
    subnet = ec2.describe_subnets(SubnetIds=[ids["S1"]])["Subnets"][0]
    assert subnet["MapPublicIpOnLaunch"] is True
    assert {"Key": "tier", "Value": "public"} in subnet["Tags"]
    group = ec2.describe_security_groups(GroupIds=[ids["Sg"]])["SecurityGroups"][0]
    assert group["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]


@BASE_SERVICES
def test_load_balancer_resources_keep_their_properties(
    base: tuple[Endpoint, dict[str, str]],
) -> None:
    """AWS::ElasticLoadBalancingV2::LoadBalancer LoadBalancerAttributes, Subnets,
    SecurityGroups; TargetGroup TargetType, HealthCheckPath, TargetGroupAttributes;
    Listener DefaultActions."""
    endpoint, ids = base
    elbv2 = endpoint.client("elbv2")
    lb = elbv2.describe_load_balancers(LoadBalancerArns=[ids["Alb"]])["LoadBalancers"][0]
    assert lb["Scheme"] == "internet-facing"
    assert lb["SecurityGroups"] == [ids["Sg"]]
    assert sorted(z["SubnetId"] for z in lb["AvailabilityZones"]) == sorted([ids["S1"], ids["S2"]])
    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=ids["Alb"])["Attributes"]
    assert {"Key": "idle_timeout.timeout_seconds", "Value": "30"} in attributes
    tg = elbv2.describe_target_groups(TargetGroupArns=[ids["Tg"]])["TargetGroups"][0]
    assert (tg["TargetType"], tg["Port"], tg["HealthCheckPath"]) == ("ip", 8000, "/health/")
    tg_attributes = elbv2.describe_target_group_attributes(TargetGroupArn=ids["Tg"])["Attributes"]
    assert {"Key": "deregistration_delay.timeout_seconds", "Value": "10"} in tg_attributes
    listener = elbv2.describe_listeners(ListenerArns=[ids["Listener"]])["Listeners"][0]
    assert listener["DefaultActions"][0]["TargetGroupArn"] == ids["Tg"]


@BASE_SERVICES
def test_database_gets_its_password_from_the_secret(base: tuple[Endpoint, dict[str, str]]) -> None:
    """AWS::RDS::DBInstance with DBSubnetGroupName, VPCSecurityGroups, StorageEncrypted and a
    MasterUserPassword given as a secretsmanager dynamic reference; the
    SecretTargetAttachment adds engine, host and port to the secret."""
    endpoint, ids = base
    db = endpoint.client("rds").describe_db_instances(DBInstanceIdentifier=ids["Db"])[
        "DBInstances"
    ][0]
    assert db["DBSubnetGroup"]["DBSubnetGroupName"] == ids["DbSubnets"]
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [ids["Sg"]]
    assert (db["Engine"], db["StorageEncrypted"], db["BackupRetentionPeriod"], db["DBName"]) == (
        "postgres",
        True,
        3,
        "app",
    )
    secret = json.loads(
        endpoint.client("secretsmanager").get_secret_value(SecretId=ids["Secret"])["SecretString"]
    )
    assert secret["username"] == "app"
    assert secret["host"] == db["Endpoint"]["Address"]
    assert {"engine", "port", "password"} <= set(secret)


@BASE_SERVICES
def test_bucket_role_and_parameter_keep_their_properties(
    base: tuple[Endpoint, dict[str, str]],
) -> None:
    """AWS::S3::Bucket VersioningConfiguration and PublicAccessBlockConfiguration;
    AWS::IAM::Role ManagedPolicyArns and Policies; AWS::SSM::Parameter Tags (a map in the
    template, a list in the API)."""
    endpoint, ids = base
    s3 = endpoint.client("s3")
    assert s3.get_bucket_versioning(Bucket=ids["Bucket"])["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=ids["Bucket"])["PublicAccessBlockConfiguration"]
    assert all(block.values())
    iam = endpoint.client("iam")
    attached = iam.list_attached_role_policies(RoleName=ids["Role"])["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AmazonECSTaskExecutionRolePolicy"]
    assert iam.list_role_policies(RoleName=ids["Role"])["PolicyNames"] == ["inline"]
    ssm = endpoint.client("ssm")
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=ids["Param"])["TagList"]
    assert tags == [{"Key": "env", "Value": "a"}]


GET_ATTS = {
    # logical id: (type, properties, {attribute: pattern the value must match})
    "Vpc": (
        "AWS::EC2::VPC",
        {"CidrBlock": "10.60.0.0/16"},
        {"CidrBlock": r"10\.60\.0\.0/16", "DefaultSecurityGroup": r"sg-\w+"},
    ),
    "Sub": (
        "AWS::EC2::Subnet",
        {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.60.1.0/24", "AvailabilityZone": "us-east-1a"},
        {"SubnetId": r"subnet-\w+", "AvailabilityZone": r"us-east-1a"},
    ),
    "Sub2": (
        "AWS::EC2::Subnet",
        {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.60.2.0/24", "AvailabilityZone": "us-east-1b"},
        {},
    ),
    "Sg": (
        "AWS::EC2::SecurityGroup",
        {"GroupDescription": "x", "VpcId": {"Ref": "Vpc"}},
        {"GroupId": r"sg-\w+"},
    ),
    "Logs": ("AWS::Logs::LogGroup", {}, {"Arn": r"arn:aws:logs:us-east-1:\d{12}:log-group:.+"}),
    "Repo": (
        "AWS::ECR::Repository",
        {},
        {"RepositoryUri": r"\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com/[a-z0-9-]+"},
    ),
    "Bucket": (
        "AWS::S3::Bucket",
        {},
        {"Arn": r"arn:aws:s3:::.+", "RegionalDomainName": r".+\.s3\.us-east-1\.amazonaws\.com"},
    ),
    "Role": (
        "AWS::IAM::Role",
        {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
        {"Arn": r"arn:aws:iam::\d{12}:role/.+", "RoleId": r"AROA\w+"},
    ),
    "Lb": (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {"Subnets": [{"Ref": "Sub"}, {"Ref": "Sub2"}]},
        {
            "DNSName": r".+\.elb\.amazonaws\.com",
            "LoadBalancerFullName": r"app/[\w-]+/\w+",
            "CanonicalHostedZoneID": r"\w+",
        },
    ),
    "Tg": (
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {"Port": 80, "Protocol": "HTTP", "VpcId": {"Ref": "Vpc"}},
        {"TargetGroupFullName": r"targetgroup/[\w-]+/\w+", "TargetGroupName": r"[\w-]+"},
    ),
    "Cluster": ("AWS::ECS::Cluster", {}, {"Arn": r"arn:aws:ecs:us-east-1:\d{12}:cluster/.+"}),
}


@pytest.mark.services("ec2", "logs", "ecr", "s3", "iam", "elbv2", "ecs")
def test_get_att_answers_the_documented_attributes(aws_endpoint: Endpoint) -> None:
    """Fn::GetAtt returns what each type's "Return values" section documents (moto answers
    some; primary identifiers, attributes echoing properties and ELBv2 names are filled in)."""
    resources = {lid: {"Type": t, "Properties": props} for lid, (t, props, _) in GET_ATTS.items()}
    outputs = {
        f"{lid}{attribute}": {"Value": {"Fn::GetAtt": [lid, attribute]}}
        for lid, (_, _, attributes) in GET_ATTS.items()
        for attribute in attributes
    }
    cf = aws_endpoint.client("cloudformation")
    name = f"getatt-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"Resources": resources, "Outputs": outputs})
    cf.create_stack(StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
    cfn_wait.stack(cf, name, "create")
    try:
        stack = cf.describe_stacks(StackName=name)["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        values = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        for lid, (_, _, attributes) in GET_ATTS.items():
            for attribute, pattern in attributes.items():
                assert re.fullmatch(pattern, values[f"{lid}{attribute}"]), (lid, attribute)
    finally:
        cf.delete_stack(StackName=name)


def tagged(tags: dict[str, str]) -> dict[str, Any]:
    """A network, load balancer, target group and log group, all carrying ``tags``."""
    listed = [{"Key": k, "Value": v} for k, v in tags.items()]
    vpc = {"Ref": "Vpc"}
    return {
        "Resources": {
            "Vpc": {
                "Type": "AWS::EC2::VPC",
                "Properties": {"CidrBlock": "10.70.0.0/16", "Tags": listed},
            },
            "S1": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": vpc,
                    "CidrBlock": "10.70.1.0/24",
                    "AvailabilityZone": "us-east-1a",
                },
            },
            "S2": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": vpc,
                    "CidrBlock": "10.70.2.0/24",
                    "AvailabilityZone": "us-east-1b",
                },
            },
            "Routes": {
                "Type": "AWS::EC2::RouteTable",
                "Properties": {"VpcId": vpc, "Tags": listed},
            },
            "Alb": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Subnets": [{"Ref": "S1"}, {"Ref": "S2"}], "Tags": listed},
            },
            "Tg": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {"Port": 80, "Protocol": "HTTP", "VpcId": vpc, "Tags": listed},
            },
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"Tags": listed}},
        }
    }


@pytest.mark.services("ec2", "elbv2", "logs")
def test_tags_are_set_on_create_and_changed_in_place(aws_endpoint: Endpoint) -> None:
    """Resource tags ("Tags" of each type; the naming and tagging contract finds resources by
    them): every type gets its template tags, and a tag change updates the resources in
    place (Tags is never create-only), removed keys removed, physical ids unchanged."""
    cf = aws_endpoint.client("cloudformation")
    name = f"tags-{uuid.uuid4().hex[:8]}"
    cf.create_stack(StackName=name, TemplateBody=json.dumps(tagged({"env": "a", "old": "x"})))
    cfn_wait.stack(cf, name, "create")
    try:
        ids = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cf.list_stack_resources(StackName=name)["StackResourceSummaries"]
        }
        ec2, elbv2, logs = (aws_endpoint.client(s) for s in ("ec2", "elbv2", "logs"))

        def tags_of() -> dict[str, dict[str, str]]:
            found = {
                lid: {
                    t["Key"]: t["Value"]
                    for t in ec2.describe_tags(
                        Filters=[{"Name": "resource-id", "Values": [ids[lid]]}]
                    )["Tags"]
                }
                for lid in ("Vpc", "Routes")
            }
            for lid in ("Alb", "Tg"):
                described = elbv2.describe_tags(ResourceArns=[ids[lid]])["TagDescriptions"][0]
                found[lid] = {t["Key"]: t["Value"] for t in described["Tags"]}
            found["Logs"] = logs.list_tags_log_group(logGroupName=ids["Logs"])["tags"]
            return found

        assert all(t == {"env": "a", "old": "x"} for t in tags_of().values()), tags_of()
        cf.update_stack(StackName=name, TemplateBody=json.dumps(tagged({"env": "b"})))
        assert cfn_wait.stack(cf, name, "update") == "UPDATE_COMPLETE"
        assert all(t == {"env": "b"} for t in tags_of().values()), tags_of()
        after = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cf.list_stack_resources(StackName=name)["StackResourceSummaries"]
        }
        assert after == ids
    finally:
        cf.delete_stack(StackName=name)


@pytest.mark.services("ec2", "iam")
@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 leaves a security group with no ingress rules after an in-place "
    "update of its SecurityGroupIngress"
)
def test_security_group_rules_and_role_policies_change_in_place(aws_endpoint: Endpoint) -> None:
    """AWS::EC2::SecurityGroup SecurityGroupIngress and AWS::IAM::Role Policies and
    AssumeRolePolicyDocument are "Update requires: No interruption": the group keeps its
    GroupId (everything referencing it stays put), the role its name."""

    def template(port: int, action: str) -> str:
        return json.dumps(
            {
                "Resources": {
                    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.80.0.0/16"}},
                    "Sg": {
                        "Type": "AWS::EC2::SecurityGroup",
                        "Properties": {
                            "GroupDescription": "app",
                            "VpcId": {"Ref": "Vpc"},
                            "SecurityGroupIngress": [
                                {
                                    "IpProtocol": "tcp",
                                    "FromPort": port,
                                    "ToPort": port,
                                    "CidrIp": "10.0.0.0/8",
                                }
                            ],
                        },
                    },
                    "Role": {
                        "Type": "AWS::IAM::Role",
                        "Properties": {
                            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                            "Policies": [
                                {
                                    "PolicyName": "app",
                                    "PolicyDocument": {
                                        "Version": "2012-10-17",
                                        "Statement": [
                                            {"Effect": "Allow", "Action": action, "Resource": "*"}
                                        ],
                                    },
                                }
                            ],
                        },
                    },
                }
            }
        )

    cf = aws_endpoint.client("cloudformation")
    name = f"inplace-{uuid.uuid4().hex[:8]}"
    cf.create_stack(
        StackName=name, TemplateBody=template(8000, "s3:GetObject"), Capabilities=["CAPABILITY_IAM"]
    )
    cfn_wait.stack(cf, name, "create")
    try:
        before = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cf.list_stack_resources(StackName=name)["StackResourceSummaries"]
        }
        cf.update_stack(
            StackName=name,
            TemplateBody=template(8080, "s3:PutObject"),
            Capabilities=["CAPABILITY_IAM"],
        )
        assert cfn_wait.stack(cf, name, "update") == "UPDATE_COMPLETE"
        after = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cf.list_stack_resources(StackName=name)["StackResourceSummaries"]
        }
        assert after == before
        group = aws_endpoint.client("ec2").describe_security_groups(GroupIds=[after["Sg"]])[
            "SecurityGroups"
        ][0]
        assert [(p["FromPort"], p["ToPort"]) for p in group["IpPermissions"]] == [(8080, 8080)]
        policy = aws_endpoint.client("iam").get_role_policy(
            RoleName=after["Role"], PolicyName="app"
        )
        assert policy["PolicyDocument"]["Statement"][0]["Action"] == "s3:PutObject"
    finally:
        cf.delete_stack(StackName=name)
