"""``harness.cfn_drift``: CloudFormation drift detection as ``cdk drift`` runs it, against an
AWS endpoint. Expectations from the CloudFormation User Guide ("Detect unmanaged configuration
changes to stacks and resources with drift detection"): a resource changed outside
CloudFormation is MODIFIED with the differing property path; unchanged resources are IN_SYNC
and do not count as drift."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from harness import cfn_drift, cfn_wait
from harness.endpoint import Endpoint

pytestmark = [
    pytest.mark.services("cloudformation", "logs"),
    pytest.mark.localstack_deviation(
        "LocalStack 2026.3.0 community answers DetectStackDrift with 501 InternalFailure ('not "
        "included in your current license plan or has not yet been emulated')"
    ),
]


@pytest.fixture
def log_stack(aws_endpoint: Endpoint) -> Iterator[tuple[str, str]]:
    """A stack of two log groups (retention 7 days); its name and one group's name."""
    cf = aws_endpoint.client("cloudformation")
    name, group = f"drift-{uuid.uuid4().hex[:8]}", f"/drift/{uuid.uuid4().hex[:8]}"
    template = {
        "Resources": {
            "Changed": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": group, "RetentionInDays": 7},
            },
            "Untouched": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": f"{group}-other", "RetentionInDays": 7},
            },
        }
    }
    cf.create_stack(StackName=name, TemplateBody=json.dumps(template))
    cfn_wait.stack(cf, name, "create")
    try:
        yield name, group
    finally:
        cf.delete_stack(StackName=name)
        cfn_wait.stack(cf, name, "delete")


def test_a_change_outside_the_stack_is_reported_with_its_property(
    aws_endpoint: Endpoint, log_stack: tuple[str, str]
) -> None:
    cf = aws_endpoint.client("cloudformation")
    name, group = log_stack
    assert cfn_drift.detect(cf, name, delay_s=0.2) == cfn_drift.LiveDrift(
        False, {}, pytest.approx(0.0, abs=60)
    )
    aws_endpoint.client("logs").put_retention_policy(logGroupName=group, retentionInDays=30)
    found = cfn_drift.detect(cf, name, delay_s=0.2)
    assert found.drifted
    assert found.resources == {"Changed": ("/RetentionInDays",)}
