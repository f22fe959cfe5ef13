"""Every resource and data source type the stand-in implements, and the provider's schema."""

from __future__ import annotations

from typing import TypeVar

from harness.tfprovider import PROVIDER_VERSION
from harness.tfprovider.context import ENDPOINT_KEYS
from harness.tfprovider.resource import DataSource, Resource
from harness.tfprovider.schema import BOOL, STRING, STRING_MAP, block, nested, opt
from harness.tfprovider.versions import schema_as

PROVIDER_SCHEMA = block(
    opt("region", STRING),
    opt("access_key", STRING),
    opt("secret_key", STRING),
    opt("token", STRING),
    opt("profile", STRING),
    opt("skip_credentials_validation", BOOL),
    opt("skip_requesting_account_id", BOOL),
    opt("skip_metadata_api_check", STRING),
    opt("skip_region_validation", BOOL),
    opt("s3_use_path_style", BOOL),
    nested("endpoints", "set", *(opt(key, STRING) for key in ENDPOINT_KEYS)),
    nested("default_tags", "list", opt("tags", STRING_MAP), max_items=1),
)


def resources(version: str = PROVIDER_VERSION) -> dict[str, type[Resource]]:
    """Every resource type, its schema as hashicorp/aws ``version`` declares it."""
    from harness.tfprovider.resources import (
        alb_aliases,
        declared_only,
        ec2,
        ec2_defaults,
        ecr,
        ecs,
        ecs_capacity,
        ecs_service,
        ecs_task_definition,
        elasticache,
        elbv2,
        elbv2_listeners,
        iam,
        log_streams,
        logs,
        nat,
        rds,
        route53_ses,
        routes,
        s3,
        s3_controls,
        secretsmanager,
        security_groups,
        vpc_endpoint,
    )

    modules = (
        ec2, routes, security_groups, elbv2, elbv2_listeners, rds, s3,
        ecs, ecs_task_definition, ecs_service, ecr, iam, logs, secretsmanager,
        # the author's module and its VPC module (#17)
        alb_aliases, nat, ec2_defaults, vpc_endpoint, elasticache, s3_controls, route53_ses,
        ecs_capacity, log_streams, declared_only,
    )  # fmt: skip
    return {c.type_name: _as(c, version) for m in modules for c in m.RESOURCES}


def data_sources(version: str = PROVIDER_VERSION) -> dict[str, type[DataSource]]:
    from harness.tfprovider.resources import data, data_lookups, ssm

    found = (*data.DATA_SOURCES, *data_lookups.DATA_SOURCES, *ssm.DATA_SOURCES)
    return {c.type_name: _as(c, version) for c in found}


T = TypeVar("T", type[Resource], type[DataSource])


def _as(cls: T, version: str) -> T:
    """``cls``, or a subclass of it whose schema is the one ``version`` declares."""
    schema = schema_as(cls.type_name, cls.schema, version)
    if schema is cls.schema:
        return cls
    return type(cls.__name__, (cls,), {"schema": schema})
