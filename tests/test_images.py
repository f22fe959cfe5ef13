"""Publishing the application's image tags, as a pipeline pushes them."""

from __future__ import annotations

import uuid

import pytest

from harness import images
from harness.endpoint import Endpoint

pytestmark = pytest.mark.services("ecr", "sts")


def test_publishing_a_tag_again_is_not_an_error(aws_endpoint: Endpoint) -> None:
    """Found by the lifecycle state machines (scenarios/test_sequences.py): a second publish for
    the same base, with the tags of the first among its own, failed with ECR's
    ImageAlreadyExistsException. A pipeline that pushes the same tag again succeeds."""
    base = f"img{uuid.uuid4().hex[:6]}"
    first = images.publish(aws_endpoint, base, ["v1", "v2"])
    again = images.publish(aws_endpoint, base, ["v1", "v2", "v3"])
    assert first == again
    ecr = aws_endpoint.client("ecr")
    name = first.rsplit("/", 1)[-1]
    try:
        listed = ecr.list_images(repositoryName=name)["imageIds"]
        assert sorted(i["imageTag"] for i in listed) == ["v1", "v2", "v3"]
    finally:
        ecr.delete_repository(repositoryName=name, force=True)
