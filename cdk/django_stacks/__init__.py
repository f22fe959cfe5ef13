"""The Django-on-ECS-Fargate deployment as CDK stacks: one base stack, one app stack per environment.

Layout follows the seed library (briancaffey/cdk-django): ``base_stack`` holds what several
app environments share, ``app_stack`` one environment, ``component`` one ECS component.
Names and tags follow ``harness/contract.py``, the same contract as the Terraform side.
"""
