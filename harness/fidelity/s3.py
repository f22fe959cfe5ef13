"""A deleted bucket's tags go with it.

moto 5.2.5 keeps bucket tags in a tagging service keyed by the bucket's ARN
(``arn:aws:s3:::NAME``) and DeleteBucket leaves them there, so a bucket created again under
the same name comes back with the old bucket's tags: Terraform sees drift it never made.
In S3, tags are part of the bucket ("Using cost allocation S3 bucket tags": tags are
"associated with the bucket"); deleting the bucket deletes them, and a new bucket starts with
none. Conformance: ``tests/fidelity/test_s3.py``.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.s3 import models as moto_models

models: Any = moto_models  # moto's internals, patched at run time: not an API


def install() -> None:
    backend = models.S3Backend
    backend.delete_bucket = _forgetting_tags(backend.delete_bucket)


def _forgetting_tags(delete_bucket: Any) -> Any:
    @functools.wraps(delete_bucket)
    def wrapped(self: Any, bucket_name: str) -> Any:
        deleted = delete_bucket(self, bucket_name)
        if deleted is not None:  # None: the bucket was not empty and stays
            self.tagger.delete_all_tags_for_resource(deleted.arn)
        return deleted

    return wrapped
