"""Whether a task's images can be pulled: an ECR image must be in its repository.

ECS pulls every container's image before the task runs; an image that is not there stops
the task with stopCode TaskFailedToStart and a ``CannotPullContainerError`` reason ("Amazon
ECS stopped task error messages", developer guide, stopped-task-error-codes.html). Only ECR
images of this emulator are checked: an image from any other registry is taken as pullable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from moto.ecr.models import ecr_backends

_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>.+))?$"
)


def failure(containers: Iterable[dict[str, Any]]) -> str | None:
    """The ``CannotPullContainerError`` reason of the first image that cannot be pulled."""
    for container in containers:
        image = str(container.get("image") or "")
        reason = _missing(image)
        if reason is not None:
            return f"CannotPullContainerError: {reason}"
    return None


def _missing(image: str) -> str | None:
    match = _ECR_IMAGE.match(image)
    if match is None:
        return None
    # dict.get, not []: moto's backend dicts create every region they are asked for.
    regions = ecr_backends.get(match["account"])
    backend = None if regions is None else regions.get(match["region"])
    repository = None if backend is None else backend.repositories.get(match["repository"])
    if repository is None:
        return (
            f"pull access denied for {image.split('@')[0].rsplit(':', 1)[0]}, repository does "
            "not exist or may require 'docker login': denied: requested access to the "
            "resource is denied"
        )
    digest, tag = match["digest"], match["tag"] or "latest"
    for stored in repository.images:
        if (digest and stored.get_image_digest() == digest) or (
            not digest and tag in stored.image_tags
        ):
            return None
    return (
        f"pull image manifest has been retried 7 time(s): failed to resolve ref {image}: "
        f"{image}: not found"
    )
