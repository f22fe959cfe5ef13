"""A CDK deploy that "succeeds" with fallback resources fails, naming them (the real CDK CLI).

LocalStack's community runtime deploys the base stack's load balancer and database, and the
bootstrap stack's ECR repository, as CREATE_COMPLETE resources that do not exist: the CDK CLI
reports success, the driver must not. Runs where the target does not serve those services.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import cdk_cli
from harness.drivers.cdk import TOOLKIT_STACK, CdkDriver, base_stack
from harness.endpoint import Endpoint
from harness.errors import FakeResourcesError

# What the CDK CLI needs to deploy at all; the services of the resources it fakes are the point.
pytestmark = [
    pytest.mark.cdk,
    pytest.mark.slow,
    pytest.mark.services("cloudformation", "s3", "iam", "ssm", "sts", "ec2"),
]


def needs_fakes(unserved: frozenset[str], *services: str) -> None:
    if not cdk_cli.installed():
        pytest.skip("the pinned CDK CLI is not installed (npm ci --prefix cdk)")
    if not set(services) <= unserved:
        pytest.skip(f"needs a target that does not serve {', '.join(services)}; this one does")


def test_a_base_deployed_with_fallback_resources_fails_naming_them(
    tmp_path: Path, aws_endpoint: Endpoint, unserved: frozenset[str]
) -> None:
    needs_fakes(unserved, "elbv2", "rds")
    driver = CdkDriver(tmp_path, aws_endpoint, synthesizer="legacy")  # no bootstrap stack
    try:
        with pytest.raises(FakeResourcesError) as info:
            driver.deploy_base("fb")
    finally:
        driver.destroy_base("fb")
    assert info.value.stack == base_stack("fb")
    text = str(info.value)
    assert "AWS::ElasticLoadBalancingV2::LoadBalancer" in text
    assert "AWS::RDS::DBInstance" in text
    assert "elbv2 does not answer (HTTP 501)" in text
    named = [line for line in text.splitlines() if line.startswith("  - ")]
    assert len(named) == len(info.value.logical_ids)
    # The network, bucket and security groups LocalStack does create are not named.
    assert all("::ElasticLoadBalancingV2::" in line or "::RDS::" in line for line in named)


def test_a_bootstrap_with_fallback_resources_fails_naming_them(
    tmp_path: Path, aws_endpoint: Endpoint, unserved: frozenset[str]
) -> None:
    needs_fakes(unserved, "ecr")
    driver = CdkDriver(tmp_path, aws_endpoint)  # the default synthesizer needs `cdk bootstrap`
    with pytest.raises(FakeResourcesError) as info:
        driver.deploy_base("fbt")
    assert info.value.stack == TOOLKIT_STACK
    assert "AWS::ECR::Repository" in str(info.value)
