"""Every resource and data source type the stand-in implements, and the provider's schema."""

from __future__ import annotations

from harness.tfprovider.context import ENDPOINT_KEYS
from harness.tfprovider.resource import DataSource, Resource
from harness.tfprovider.schema import BOOL, STRING, STRING_MAP, block, nested, opt

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


def resources() -> dict[str, type[Resource]]:
    from harness.tfprovider.resources import ec2, ecr, ecs, elbv2, iam, logs, rds, s3

    classes: list[type[Resource]] = [
        *ec2.RESOURCES,
        *elbv2.RESOURCES,
        *rds.RESOURCES,
        *s3.RESOURCES,
    ]
    classes += [*ecs.RESOURCES, *ecr.RESOURCES, *iam.RESOURCES, *logs.RESOURCES]
    return {c.type_name: c for c in classes}


def data_sources() -> dict[str, type[DataSource]]:
    from harness.tfprovider.resources import data

    return {c.type_name: c for c in data.DATA_SOURCES}
