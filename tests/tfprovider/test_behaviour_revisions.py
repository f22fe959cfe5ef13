"""(b) What the Terraform strategies beyond ignore_changes lean on, through real Terraform:
``data "aws_ssm_parameter"``, ``track_latest`` and ``data "aws_ecs_task_definition"``.

Each test registers a revision (or writes the parameter) outside Terraform, as the shared
app-update script does, and states what the next plan does, as hashicorp/aws documents it:
- ``data "aws_ssm_parameter"`` is read during plan (no managed dependency), so a new value
  changes the container definitions, which forces a new revision;
- ``track_latest = true`` makes Read follow the family's latest ACTIVE revision
  (hashicorp/terraform-provider-aws#30154): an outside revision identical to the configuration
  plans clean, one with another image forces a new revision;
- ``data "aws_ecs_task_definition"`` given a family answers its latest ACTIVE revision.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from harness.endpoint import Endpoint

pytestmark = [pytest.mark.terraform, pytest.mark.slow, pytest.mark.services("ecs", "ssm", "sts")]

CONFIG = """
variable "name" { type = string }
variable "track_latest" {
  type    = bool
  default = false
}
provider "aws" {
  region = "us-east-1"
}
data "aws_ssm_parameter" "tag" {
  name = "/${var.name}/image-tag"
}
resource "aws_ecs_task_definition" "t" {
  family                = "${var.name}-t"
  track_latest          = var.track_latest
  container_definitions = jsonencode([{ name = "c", image = "repo:${data.aws_ssm_parameter.tag.insecure_value}", memory = 128 }])
}
data "aws_ecs_task_definition" "latest" {
  task_definition = aws_ecs_task_definition.t.family
}
output "latest_revision" {
  value = max(aws_ecs_task_definition.t.revision, data.aws_ecs_task_definition.latest.revision)
}
"""


def unique() -> str:
    return f"rv{uuid.uuid4().hex[:8]}"


def register_outside(endpoint: Endpoint, family: str, tag: str) -> int:
    ecs = endpoint.client("ecs")
    definition = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
    containers = [dict(c, image=f"repo:{tag}") for c in definition["containerDefinitions"]]
    done = ecs.register_task_definition(family=family, containerDefinitions=containers)
    return int(done["taskDefinition"]["revision"])


def test_the_ssm_tag_is_read_at_plan_and_forces_a_new_revision(
    tfdir: Any, aws_endpoint: Endpoint
) -> None:
    name = unique()
    ssm = aws_endpoint.client("ssm")
    ssm.put_parameter(Name=f"/{name}/image-tag", Value="v1", Type="String")
    d = tfdir(name=name)
    d.write(CONFIG)
    d.init()
    d.apply()
    assert d.plan_exit() == 0
    assert json.loads(d.state("aws_ecs_task_definition.t")["container_definitions"])[0][
        "image"
    ] == ("repo:v1")
    ssm.put_parameter(Name=f"/{name}/image-tag", Value="v2", Type="String", Overwrite=True)
    assert d.actions()["aws_ecs_task_definition.t"] == ("delete", "create")


def test_track_latest_follows_outside_revisions_and_replaces_another_image(
    tfdir: Any, aws_endpoint: Endpoint
) -> None:
    name = unique()
    aws_endpoint.client("ssm").put_parameter(
        Name=f"/{name}/image-tag", Value="v1", Type="String"
    )
    d = tfdir(name=name, track_latest="true")
    d.write(CONFIG)
    d.init()
    d.apply()
    family = f"{name}-t"
    same = register_outside(aws_endpoint, family, "v1")
    # only the output (the revision number) changes: the resource follows, is not replaced
    assert d.actions() == {}, "an identical outside revision is followed, not replaced"
    d.apply()
    assert d.state("aws_ecs_task_definition.t")["revision"] == same
    newer = register_outside(aws_endpoint, family, "v2")
    assert d.actions()["aws_ecs_task_definition.t"] == ("delete", "create")
    d.apply()
    assert d.state("aws_ecs_task_definition.t")["revision"] == newer + 1


def test_the_task_definition_data_source_answers_the_latest_revision(
    tfdir: Any, aws_endpoint: Endpoint
) -> None:
    name = unique()
    aws_endpoint.client("ssm").put_parameter(
        Name=f"/{name}/image-tag", Value="v1", Type="String"
    )
    d = tfdir(name=name)
    d.write(CONFIG)
    d.init()
    d.apply()
    outside = register_outside(aws_endpoint, f"{name}-t", "v2")
    d.apply()  # only the output changes: the data source read the outside revision
    out = json.loads(d.run("output", "-json").stdout)
    assert out["latest_revision"]["value"] == outside
    assert d.state("aws_ecs_task_definition.t")["revision"] == outside - 1
