"""Publishing application images to the target's ECR repository, as a CI pipeline would.

No image is built here (no Docker engine): on an emulator a tag is pushed as a minimal
image manifest, which is all ECS and the app-update script look at. On real AWS, images are
pushed by the user's pipeline and this module only checks they exist.
"""

from __future__ import annotations

import contextlib
import hashlib
import json

from harness.contract import BaseNames
from harness.endpoint import Endpoint, Target


def repository_uri(endpoint: Endpoint, base: str) -> str:
    """The image repository (no tag) of base ``base`` on ``endpoint``."""
    account = endpoint.client("sts").get_caller_identity()["Account"]
    return f"{account}.dkr.ecr.{endpoint.region}.amazonaws.com/{BaseNames(base).ecr_repository}"


def publish(endpoint: Endpoint, base: str, tags: list[str]) -> str:
    """Make sure the repository exists and holds ``tags``; return the repository URI."""
    ecr = endpoint.client("ecr")
    name = BaseNames(base).ecr_repository
    with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
        labels = {"base": base, **endpoint.tags}
        ecr.create_repository(
            repositoryName=name, tags=[{"Key": k, "Value": v} for k, v in labels.items()]
        )
    if endpoint.target is not Target.AWS:
        for tag in tags:
            # A tag pushed again (a second publish for the same base) is already there.
            with contextlib.suppress(ecr.exceptions.ImageAlreadyExistsException):
                ecr.put_image(repositoryName=name, imageManifest=_manifest(tag), imageTag=tag)
    return repository_uri(endpoint, base)


def _manifest(tag: str) -> str:
    digest = "sha256:" + hashlib.sha256(tag.encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 1,
                "digest": digest,
            },
            "layers": [],
        }
    )
