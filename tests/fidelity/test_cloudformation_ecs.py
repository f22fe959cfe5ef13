"""Conformance of CloudFormation's ECS resources on the emulator to what AWS does.

moto's own ECS handlers drop Fargate properties and its engine re-created the cluster on
every update (docs/design.md, "Targets and the fidelity layers"). Sources:
- AWS::ECS::Service and AWS::ECS::TaskDefinition in the CloudFormation template reference,
  and their provider schemas (createOnlyProperties: every TaskDefinition property but Tags).
- aws-cloudformation/cloudformation-coverage-roadmap#1529: on an in-place update of an ECS
  service "the update API call populates all properties, even those that haven't changed".
- awslabs/ecs-refarch-continuous-deployment#33 and aws/aws-cdk#14437: an image deployed
  outside CloudFormation is rolled back by the next stack update that touches the service.
- aws/copilot-cli#1619: a stack update that leaves the service's resolved properties
  unchanged leaves the service (and the task definition it runs) alone.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from harness import cfn_wait
from harness.emulator import Emulator

pytestmark = pytest.mark.services("cloudformation", "ecs", "ec2", "elbv2", "iam", "logs")

"""Access key the emulator's CloudFormation signs its own service calls with."""


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass
class Network:
    subnets: list[str]
    security_group: str
    target_group: str


@pytest.fixture
def network(emulator: Emulator) -> Network:
    ec2, elbv2 = emulator.endpoint.client("ec2"), emulator.endpoint.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"us-east-1{az}"
        )["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName=unique("svc"), Description="svc", VpcId=vpc)["GroupId"]
    tg = elbv2.create_target_group(
        Name=unique("tg"), Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    return Network(subnets, sg, tg)


def service_template(
    net: Network, family: str, image: str = "repo:v1", desired: int = 1, retention: int = 7
) -> dict[str, Any]:
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
    return {
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": retention}},
            "ExecRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": trust},
            },
            "TaskRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": trust},
            },
            "TaskDef": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Family": family,  # as CDK always sets it
                    "Cpu": "256",
                    "Memory": "512",
                    "NetworkMode": "awsvpc",
                    "RequiresCompatibilities": ["FARGATE"],
                    "ExecutionRoleArn": {"Fn::GetAtt": ["ExecRole", "Arn"]},
                    "TaskRoleArn": {"Fn::GetAtt": ["TaskRole", "Arn"]},
                    "ContainerDefinitions": [
                        {
                            "Name": "web",
                            "Image": image,
                            "Essential": True,
                            "PortMappings": [{"ContainerPort": 80, "Protocol": "tcp"}],
                            "Environment": [{"Name": "MODE", "Value": "web"}],
                            "LogConfiguration": {
                                "LogDriver": "awslogs",
                                "Options": {
                                    "awslogs-group": {"Ref": "Logs"},
                                    "awslogs-stream-prefix": "web",
                                },
                            },
                        }
                    ],
                },
            },
            "Service": {
                "Type": "AWS::ECS::Service",
                "Properties": {
                    "Cluster": {"Ref": "Cluster"},
                    "TaskDefinition": {"Ref": "TaskDef"},
                    "DesiredCount": desired,
                    "LaunchType": "FARGATE",
                    "HealthCheckGracePeriodSeconds": 60,
                    "DeploymentConfiguration": {"MaximumPercent": 200, "MinimumHealthyPercent": 50},
                    "NetworkConfiguration": {
                        "AwsvpcConfiguration": {
                            "AssignPublicIp": "DISABLED",
                            "Subnets": net.subnets,
                            "SecurityGroups": [net.security_group],
                        }
                    },
                    "LoadBalancers": [
                        {
                            "ContainerName": "web",
                            "ContainerPort": 80,
                            "TargetGroupArn": net.target_group,
                        }
                    ],
                },
            },
        }
    }


class ServiceStack:
    def __init__(self, emulator: Emulator, net: Network) -> None:
        self.emulator, self.net = emulator, net
        self.cf = emulator.endpoint.client("cloudformation")
        self.ecs = emulator.endpoint.client("ecs")
        self.name = unique("svc")
        self.family = unique("family")

    def deploy(self, create: bool = False, **template: Any) -> None:
        body = json.dumps(service_template(self.net, self.family, **template))
        call = self.cf.create_stack if create else self.cf.update_stack
        call(StackName=self.name, TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
        status = cfn_wait.stack(self.cf, self.name, "create" if create else "update")
        assert status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), status

    def ids(self) -> dict[str, str]:
        summaries = self.cf.list_stack_resources(StackName=self.name)["StackResourceSummaries"]
        return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}

    def service(self) -> dict[str, Any]:
        ids = self.ids()
        return dict(
            self.ecs.describe_services(cluster=ids["Cluster"], services=[ids["Service"]])[
                "services"
            ][0]
        )

    def deploy_outside(self, image: str) -> str:
        """What the app-update script does: a new revision with ``image``, the service on it."""
        current = self.ecs.describe_task_definition(taskDefinition=self.service()["taskDefinition"])
        td = current["taskDefinition"]
        containers = [{**c, "image": image} for c in td["containerDefinitions"]]
        keep = (
            "family",
            "cpu",
            "memory",
            "networkMode",
            "requiresCompatibilities",
            "executionRoleArn",
            "taskRoleArn",
        )
        arn = self.ecs.register_task_definition(
            **{k: td[k] for k in keep}, containerDefinitions=containers
        )["taskDefinition"]["taskDefinitionArn"]
        ids = self.ids()
        self.ecs.update_service(cluster=ids["Cluster"], service=ids["Service"], taskDefinition=arn)
        return str(arn)

    def cfn_calls(self) -> dict[str, int]:
        return self.emulator.calls_by_cloudformation()


@pytest.fixture
def stack(emulator: Emulator, network: Network) -> Iterator[ServiceStack]:
    helper = ServiceStack(emulator, network)
    helper.deploy(create=True)
    try:
        yield helper
    finally:
        helper.cf.delete_stack(StackName=helper.name)


def test_fargate_service_and_task_definition_keep_every_property(stack: ServiceStack) -> None:
    """AWS::ECS::Service / AWS::ECS::TaskDefinition: the service runs with the template's
    launch type, network configuration, load balancers, desired count, deployment
    configuration and health-check grace period; the task definition with its cpu, memory,
    network mode, compatibilities, execution and task roles and container definitions."""
    service = stack.service()
    assert service["launchType"] == "FARGATE"
    assert service["desiredCount"] == 1
    vpc = service["networkConfiguration"]["awsvpcConfiguration"]
    assert vpc["subnets"] == stack.net.subnets
    assert vpc["securityGroups"] == [stack.net.security_group]
    assert vpc["assignPublicIp"] == "DISABLED"
    assert service["loadBalancers"] == [
        {"targetGroupArn": stack.net.target_group, "containerName": "web", "containerPort": 80}
    ]
    assert service["deploymentConfiguration"]["minimumHealthyPercent"] == 50
    assert service["healthCheckGracePeriodSeconds"] == 60
    td = stack.ecs.describe_task_definition(taskDefinition=service["taskDefinition"])[
        "taskDefinition"
    ]
    assert (td["cpu"], td["memory"], td["networkMode"]) == ("256", "512", "awsvpc")
    assert td["requiresCompatibilities"] == ["FARGATE"]
    roles = stack.ids()
    assert td["executionRoleArn"].endswith(roles["ExecRole"])
    assert td["taskRoleArn"].endswith(roles["TaskRole"])
    container = td["containerDefinitions"][0]
    assert container["environment"] == [{"name": "MODE", "value": "web"}]
    assert container["logConfiguration"]["options"]["awslogs-group"] == roles["Logs"]


def test_service_update_sends_the_whole_desired_state(stack: ServiceStack) -> None:
    """cloudformation-coverage-roadmap#1529, ecs-refarch-continuous-deployment#33,
    aws-cdk#14437: changing one service property (DesiredCount) updates the service in place
    with every property, TaskDefinition included, so an image deployed outside CloudFormation
    is rolled back to the template's revision. The cluster and service keep their ids."""
    before = stack.ids()
    template_revision = stack.service()["taskDefinition"]
    outside = stack.deploy_outside("repo:v2")
    assert stack.service()["taskDefinition"] == outside
    calls = stack.cfn_calls()
    stack.deploy(desired=2)
    after = stack.cfn_calls()
    assert after.get("ecs:UpdateService", 0) - calls.get("ecs:UpdateService", 0) == 1
    service = stack.service()
    assert service["desiredCount"] == 2
    assert service["taskDefinition"] == template_revision
    assert stack.ids() == before


def test_stack_operation_completes_once_the_service_is_stable(stack: ServiceStack) -> None:
    """AWS::ECS::Service: CloudFormation reports the service CREATE_COMPLETE/UPDATE_COMPLETE
    only once it reached a steady state (the ServicesStable waiter's definition: one
    deployment, running count equal to desired count)."""
    stack.deploy(image="repo:v4", desired=3)
    service = stack.service()
    assert len(service["deployments"]) == 1
    assert service["runningCount"] == service["desiredCount"] == 3
    revision = stack.ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    assert revision["taskDefinition"]["containerDefinitions"][0]["image"] == "repo:v4"


def test_update_leaving_the_service_unchanged_leaves_it_alone(stack: ServiceStack) -> None:
    """aws/copilot-cli#1619: a stack update whose change does not alter the service's resolved
    properties (here a log group's retention) makes no call to the service: the revision
    deployed outside CloudFormation keeps running."""
    outside = stack.deploy_outside("repo:v2")
    calls = stack.cfn_calls()
    stack.deploy(retention=14)
    after = stack.cfn_calls()
    assert after.get("ecs:UpdateService", 0) == calls.get("ecs:UpdateService", 0)
    assert after.get("ecs:RegisterTaskDefinition", 0) == calls.get("ecs:RegisterTaskDefinition", 0)
    assert stack.service()["taskDefinition"] == outside


def test_task_definition_change_registers_a_revision_and_updates_the_service(
    stack: ServiceStack,
) -> None:
    """AWS::ECS::TaskDefinition ContainerDefinitions is create-only: a new image replaces the
    task definition (a new revision), the service is updated to it, and the old revision is
    deregistered at cleanup. The change set says so: TaskDefinition Replacement True, the
    service Modify with its TaskDefinition property evaluated Dynamic."""
    before = stack.ids()
    stack.cf.create_change_set(
        StackName=stack.name,
        ChangeSetName="image",
        TemplateBody=json.dumps(service_template(stack.net, stack.family, image="repo:v3")),
        Capabilities=["CAPABILITY_IAM"],
    )
    described = stack.cf.describe_change_set(StackName=stack.name, ChangeSetName="image")
    changes = {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in described["Changes"]
    }
    assert changes["TaskDef"]["Replacement"] == "True"
    assert changes["Service"]["Action"] == "Modify"
    assert changes["Service"]["Replacement"] == "False"
    assert changes["Service"]["Details"][0]["Target"]["Name"] == "TaskDefinition"
    assert changes["Service"]["Details"][0]["Evaluation"] == "Dynamic"
    assert set(changes) == {"TaskDef", "Service"}
    stack.cf.execute_change_set(StackName=stack.name, ChangeSetName="image")
    assert cfn_wait.stack(stack.cf, stack.name, "update") == "UPDATE_COMPLETE"
    after = stack.ids()
    assert after["TaskDef"] != before["TaskDef"]
    assert after["TaskDef"].rsplit(":", 1)[1] == str(int(before["TaskDef"].rsplit(":", 1)[1]) + 1)
    assert {k: v for k, v in after.items() if k != "TaskDef"} == {
        k: v for k, v in before.items() if k != "TaskDef"
    }
    assert stack.service()["taskDefinition"] == after["TaskDef"]
    old = stack.ecs.describe_task_definition(taskDefinition=before["TaskDef"])["taskDefinition"]
    assert old["status"] == "INACTIVE"


def test_drift_detection_reports_the_image_deployed_outside(stack: ServiceStack) -> None:
    """Drift detection (User Guide, "Detect unmanaged configuration changes to stacks and
    resources with drift detection"): after a deploy outside CloudFormation, DetectStackDrift
    reports the stack DRIFTED and the service MODIFIED, with a NOT_EQUAL difference at
    /TaskDefinition (expected the template's revision, actual the running one); resources
    that did not change are IN_SYNC. IAM roles are a type CloudFormation checks ("Resource type
    support"), which the emulator cannot read: UNKNOWN, never a claimed IN_SYNC or a
    NOT_CHECKED that AWS would not give."""
    template_revision = stack.service()["taskDefinition"]
    detection = stack.cf.detect_stack_drift(StackName=stack.name)["StackDriftDetectionId"]
    status = stack.cf.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
    assert (status["DetectionStatus"], status["StackDriftStatus"]) == (
        "DETECTION_COMPLETE",
        "IN_SYNC",
    )
    outside = stack.deploy_outside("repo:v9")
    detection = stack.cf.detect_stack_drift(StackName=stack.name)["StackDriftDetectionId"]
    status = stack.cf.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
    assert status["StackDriftStatus"] == "DRIFTED"
    assert status["DriftedStackResourceCount"] == 1
    drifts = {
        d["LogicalResourceId"]: d
        for d in stack.cf.describe_stack_resource_drifts(StackName=stack.name)[
            "StackResourceDrifts"
        ]
    }
    assert drifts["Service"]["StackResourceDriftStatus"] == "MODIFIED"
    assert drifts["Service"]["PropertyDifferences"] == [
        {
            "PropertyPath": "/TaskDefinition",
            "ExpectedValue": template_revision,
            "ActualValue": outside,
            "DifferenceType": "NOT_EQUAL",
        }
    ]
    assert drifts["Cluster"]["StackResourceDriftStatus"] == "IN_SYNC"
    assert drifts["Logs"]["StackResourceDriftStatus"] == "IN_SYNC"
    assert drifts["ExecRole"]["StackResourceDriftStatus"] == "UNKNOWN"
    summaries = stack.cf.list_stack_resources(StackName=stack.name)["StackResourceSummaries"]
    listed = {
        r["LogicalResourceId"]: r["DriftInformation"]["StackResourceDriftStatus"] for r in summaries
    }
    assert listed["Service"] == "MODIFIED"
    assert (
        stack.cf.describe_stacks(StackName=stack.name)["Stacks"][0]["DriftInformation"][
            "StackDriftStatus"
        ]
        == "DRIFTED"
    )
