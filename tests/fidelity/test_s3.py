"""Conformance of the emulator's S3 bucket tags (``harness/fidelity/s3.py``).

Source: S3 API reference, DeleteBucket ("Deletes the S3 bucket"), GetBucketTagging
("NoSuchTagSet - There is no tag set associated with the bucket"), and the S3 User Guide on
bucket tags ("Using cost allocation S3 bucket tags": tags are associated with the bucket):
a bucket created again under a deleted one's name starts without tags.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.emulator import Emulator

pytestmark = pytest.mark.services("s3")


@pytest.fixture
def s3(emulator: Emulator) -> Any:
    return emulator.endpoint.client("s3")


def test_tags_go_with_their_bucket(s3: Any) -> None:
    bucket = f"tags-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "env", "Value": "old"}]})
    s3.delete_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_tagging(Bucket=bucket)
    assert caught.value.response["Error"]["Code"] == "NoSuchTagSet"
    s3.delete_bucket(Bucket=bucket)


def test_a_bucket_that_is_not_empty_keeps_its_tags(s3: Any) -> None:
    bucket = f"full-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "env", "Value": "kept"}]})
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket=bucket)
    assert caught.value.response["Error"]["Code"] == "BucketNotEmpty"
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "env", "Value": "kept"}]
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
