"""Lambda-backed custom resources as CDK users write them; used only by tests.

- ``NextPriority``: the ``custom_resources.Provider`` framework (its Node.js onEvent Lambda)
  calling a Python handler of ours that reads an ALB listener's rules and answers the next free
  rule priority (the job of the seed author's ``HighestPriorityRule``; our own code, not theirs).
- ``ReadParameter``: ``custom_resources.AwsCustomResource`` (a Node.js Lambda making one SDK
  call) reading an SSM parameter the stack creates.

Context ``extra_rule`` (a priority) adds a second listener rule, so an update changes the answer.
"""

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr

NEXT_PRIORITY = '''
import os

import boto3


def main(event, context):
    """Provider framework user handler: the next free priority on the listener."""
    if event["RequestType"] == "Delete":
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    elbv2 = boto3.client("elbv2")
    taken = []
    for page in elbv2.get_paginator("describe_rules").paginate(ListenerArn=os.environ["LISTENER_ARN"]):
        taken += [int(rule["Priority"]) for rule in page["Rules"] if rule["Priority"] != "default"]
    return {
        "PhysicalResourceId": "next-priority-" + os.environ["LISTENER_ARN"].rsplit("/", 1)[-1],
        "Data": {"Priority": str(max(taken, default=0) + 1), "RemainingMs": context.get_remaining_time_in_millis()},
    }
'''


class CustomResourcesStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
            ],
        )
        extra = self.node.try_get_context("extra_rule")
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True)
        listener = alb.add_listener(
            "Http",
            port=80,
            default_action=elbv2.ListenerAction.fixed_response(404),
        )
        rules = [
            elbv2.ApplicationListenerRule(
                self,
                f"Rule{priority}",
                listener=listener,
                priority=priority,
                conditions=[elbv2.ListenerCondition.path_patterns([f"/path{priority}/*"])],
                action=elbv2.ListenerAction.fixed_response(200),
            )
            for priority in [5] + ([int(extra)] if extra else [])
        ]
        handler = lambda_.Function(
            self,
            "NextPriorityFunction",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.main",
            code=lambda_.Code.from_inline(NEXT_PRIORITY),
            timeout=cdk.Duration.seconds(30),
            environment={"LISTENER_ARN": listener.listener_arn},
        )
        handler.add_to_role_policy(
            iam.PolicyStatement(actions=["elasticloadbalancing:DescribeRules"], resources=["*"])
        )
        provider = cr.Provider(self, "NextPriorityProvider", on_event_handler=handler)
        priority = cdk.CustomResource(
            self,
            "NextPriority",
            service_token=provider.service_token,
            properties={
                "ListenerArn": listener.listener_arn,
                "Rules": ",".join(r.listener_rule_arn for r in rules),
            },
        )
        priority.node.add_dependency(*rules)  # it reads the listener's rules
        cdk.CfnOutput(self, "NextPriorityValue", value=priority.get_att_string("Priority"))

        parameter = ssm.StringParameter(self, "Parameter", string_value="set-by-the-stack")
        read = cr.AwsCustomResource(
            self,
            "ReadParameter",
            on_update=cr.AwsSdkCall(
                service="SSM",
                action="getParameter",
                parameters={"Name": parameter.parameter_name},
                physical_resource_id=cr.PhysicalResourceId.of("read-parameter"),
            ),
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=[parameter.parameter_arn]),
            install_latest_aws_sdk=False,  # as CDK advises: the runtime's own SDK, no npm install
        )
        cdk.CfnOutput(self, "ReadValue", value=read.get_response_field("Parameter.Value"))


app = cdk.App()
CustomResourcesStack(app, "CustomResources")
app.synth()
