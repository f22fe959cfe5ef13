"""The stand-in answers as 5.x for configurations pinned to 5.x, with 5.x's schema, through Terraform.

A user whose configuration says ``version = "~> 5.0"`` (the seed author's module pins 5.84.0)
expects ``init`` to work offline as it does for 6.x, and a 6.x-only argument to be refused as
hashicorp/aws 5.x refuses it (``region`` on a resource arrived in 6.0).
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.terraform import install
from harness.tfprovider import PROVIDER_VERSION
from harness.tfprovider.versions import V5

pytestmark = [pytest.mark.terraform, pytest.mark.services("sts")]

PINNED = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "%s" }
  }
}
provider "aws" {
  region = "us-east-1"
}
data "aws_region" "current" {}
output "region" {
  value = data.aws_region.current.name
}
"""
SIX_ONLY = """
resource "aws_cloudwatch_log_group" "g" {
  name   = "/versions/g"
  region = "us-east-1"
}
"""


def installed_version(d: Any) -> str:
    packages = sorted((d.path / ".terraform" / "providers" / install.SOURCE).glob("*/*"))
    assert len(packages) == 1
    return packages[0].parent.name


@pytest.mark.parametrize(
    ("constraint", "answers_as"), [("~> 5.0", V5), (">= 5.0, < 7.0", PROVIDER_VERSION)]
)
def test_a_pinned_configuration_gets_the_version_it_asks_for(
    tfdir: Any, constraint: str, answers_as: str
) -> None:
    d = tfdir()
    d.write(PINNED % constraint)
    d.init()
    assert installed_version(d) == answers_as
    assert install.provider_in_use(d.path) == install.standin_description(answers_as)
    d.apply()
    assert d.run("output", "-raw", "region").stdout == "us-east-1"


def test_answering_as_5x_refuses_an_argument_6_0_added(tfdir: Any) -> None:
    d = tfdir()
    d.write(PINNED % "~> 5.0" + SIX_ONLY)
    d.init()
    refused = d.run("validate", ok=(1,))
    assert 'An argument named "region" is not expected here' in refused.stderr
    d.write(PINNED % "~> 6.0" + SIX_ONLY)
    d.run("init", "-upgrade", "-input=false")
    d.run("validate")
