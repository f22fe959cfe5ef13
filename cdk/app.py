"""The Django-on-ECS-Fargate deployment as a CDK app: ``BASE-base`` and, with ``-c env=ENV``, ``ENV-app``.

    cdk deploy BASE-base -c base=dev
    cdk deploy alpha-app -c base=dev -c env=alpha -c image_tag=v2 --exclusively

Inputs come from context (defaults in cdk.json): base, env, strategy (unpinned: the image tag is
what cdk.json or -c image_tag says; pinned: the caller passes the running version as -c
image_tag), image_repository (default: the base's ECR repository), image_tag,
log_retention_days, web_health_check_grace_s, web_environment (a JSON object), nat_gateways.

Before the first deploy, create the database password once:
    aws ssm put-parameter --type SecureString --name /BASE/db-password --value ...

Nothing here needs Lambda (the embedded emulator cannot run it). Feature flags in cdk.json:
``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup`` off (else ``Custom::VpcRestrictDefaultSG``),
``@aws-cdk/aws-ecs:removeDefaultDeploymentAlarm`` on (no alarm wiring on services),
``@aws-cdk/core:defaultCrossStackReferences`` strong (``Fn::ImportValue``, as the seed uses);
log retention is a LogGroup property, never the ``logRetention`` custom resource; the bucket
has no ``autoDeleteObjects`` (``Custom::S3AutoDeleteObjects``).

Account and region come from CDK_DEFAULT_ACCOUNT/REGION (the CLI sets them from the
credentials), so the same code deploys to the emulator and to a real account.
"""

from __future__ import annotations

import json
import os

import aws_cdk as cdk
from django_stacks.app_stack import AppStack
from django_stacks.base_stack import BaseStack
from django_stacks.settings import app_commands, app_config, base_name


def build(app: cdk.App) -> tuple[BaseStack, AppStack | None]:
    """Add the stacks the context asks for to ``app``."""
    account = os.environ.get("CDK_DEFAULT_ACCOUNT", "123456789012")
    region = os.environ.get("CDK_DEFAULT_REGION", "us-east-1")
    env = cdk.Environment(account=account, region=region)
    synthesizer = _synthesizer(app)
    base = base_name(app.node)
    commands = app_commands()
    # Explicit AZs: a lookup would need the CLI's context provider and a cdk.context.json.
    zones = app.node.try_get_context("availability_zones")
    zones = json.loads(zones) if isinstance(zones, str) else zones or [f"{region}a", f"{region}b"]
    base_stack = BaseStack(
        app,
        f"{base}-base",
        stack_name=f"{base}-base",
        description=f"Django on ECS: base layer {base}",
        env=env,
        synthesizer=synthesizer,
        base=base,
        app_port=commands.port,
        availability_zones=list(zones),
        nat_gateways=int(app.node.try_get_context("nat_gateways") or 0),
    )
    config = app_config(app.node, account, region)
    if config is None:
        _tag_everything(app)
        return base_stack, None
    app_stack = AppStack(
        app,
        f"{config.env}-app",
        stack_name=f"{config.env}-app",
        description=f"Django on ECS: app environment {config.env} on {base} (image tag {config.strategy})",
        env=env,
        synthesizer=synthesizer,
        config=config,
        commands=commands,
        base=base_stack,
    )
    _tag_everything(app)
    return base_stack, app_stack


def _tag_everything(app: cdk.App) -> None:
    # On a sandbox account the harness tags all it creates with its run id (context
    # run_tags, JSON), so that only the run's own resources are ever cleaned up.
    given = app.node.try_get_context("run_tags")
    tags = json.loads(given) if isinstance(given, str) else given or {}
    for key, value in sorted(tags.items()):
        cdk.Tags.of(app).add(key, value)


def _synthesizer(app: cdk.App) -> cdk.IStackSynthesizer | None:
    # "default" is CDK's recommended synthesizer (needs `cdk bootstrap`); "legacy" deploys
    # without a bootstrap stack (templates inline, no assets), for accounts and emulators
    # where the bootstrap stack cannot be created.
    choice = app.node.try_get_context("synthesizer") or "default"
    if choice == "default":
        return None
    if choice == "legacy":
        return cdk.LegacyStackSynthesizer()
    raise ValueError(f"context synthesizer={choice!r}: expected default or legacy")


if __name__ == "__main__":
    cdk_app = cdk.App()
    build(cdk_app)
    cdk_app.synth()
