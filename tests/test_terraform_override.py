"""The tflocal-style endpoint override and reading plans as JSON."""

from __future__ import annotations

from pathlib import Path

from harness.drivers import terraform_parse
from harness.endpoint import Endpoint, Target
from harness.terraform import override

ENDPOINT = Endpoint(Target.EMBEDDED, "http://localhost:4566", region="eu-west-1")


def test_aliases_of_every_aws_provider_block() -> None:
    text = (
        'provider "aws" {\n  region = "us-east-1"\n  default_tags {\n    tags = { alias = "no" }\n  }\n}\n'
        'provider "aws" {\n  alias  = "west"\n  region = "us-west-2"\n}\n'
        'provider "random" {}\n'
    )
    assert override.provider_aliases(text) == [None, "west"]


def test_override_file_merges_into_each_provider_block(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('provider "aws" {\n  alias = "x"\n}\nprovider "aws" {}\n')
    path = override.write(tmp_path, ENDPOINT)
    assert path == tmp_path / override.OVERRIDE_FILE
    text = path.read_text()
    assert text.count('provider "aws" {') == 2
    assert 'alias = "x"' in text
    assert 'ecs   = "http://localhost:4566"' in text
    assert 'region                      = "eu-west-1"' in text
    assert "s3_use_path_style           = true" in text


def test_a_configuration_without_provider_block_gets_one(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    assert override.write(tmp_path, ENDPOINT) == tmp_path / override.PROVIDER_FILE


def test_nothing_written_without_aws_or_endpoint(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "random_id" "x" {\n  byte_length = 2\n}\n')
    assert override.write(tmp_path, ENDPOINT) is None
    assert override.write(tmp_path, Endpoint(Target.AWS, None)) is None


PLAN = {
    "resource_drift": [{"address": "aws_ecs_service.web", "change": {"actions": ["update"]}}],
    "resource_changes": [
        {"address": "aws_vpc.v", "change": {"actions": ["no-op"]}},
        {"address": "aws_ecs_task_definition.web", "change": {"actions": ["delete", "create"]}},
        {"address": "aws_ecs_service.web", "change": {"actions": ["update"]}},
        {"address": "data.aws_region.r", "change": {"actions": ["read"]}},
    ],
}


def test_plan_actions_drift_and_replacements() -> None:
    assert terraform_parse.resource_actions(PLAN) == {
        "aws_ecs_task_definition.web": ("delete", "create"),
        "aws_ecs_service.web": ("update",),
    }
    assert terraform_parse.drifted(PLAN) == {"aws_ecs_service.web": ("update",)}
    assert terraform_parse.replaced(PLAN) == {"aws_ecs_task_definition.web"}
    assert terraform_parse.resource_actions({}) == {}
