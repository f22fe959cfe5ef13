"""A stock aws_ecs_patterns app, written as the CDK docs show it; used only by tests.

Nobody here tuned it for the emulator: it is the documented ApplicationLoadBalancedFargateService
with its default VPC and cluster. The context value ``extra_tag`` changes an unrelated resource
(a tag on the log bucket) so tests can make an update that must leave the service alone.
"""

import aws_cdk as cdk
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_s3 as s3


class FargateServiceStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)
        service = ecs_patterns.ApplicationLoadBalancedFargateService(
            self,
            "Service",
            memory_limit_mib=512,
            cpu=256,
            desired_count=1,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
                image=ecs.ContainerImage.from_registry("amazon/amazon-ecs-sample"),
            ),
        )
        bucket = s3.Bucket(self, "Notes", removal_policy=cdk.RemovalPolicy.DESTROY)
        extra = self.node.try_get_context("extra_tag")
        if extra:
            cdk.Tags.of(bucket).add("extra", str(extra))
        cdk.CfnOutput(self, "ServiceName", value=service.service.service_name)


app = cdk.App()
FargateServiceStack(app, "StockFargateService")
app.synth()
