"""Upstream code the tests run but the project never contains: taken from a local checkout.

    stack = author_terraform(tmp_path)    # or pytest.skip naming what to check out

The checkouts are named by environment variables; everything else is the stack profile's
(``profiles/author-terraform.toml``: repository, commit, registry module, edits) and the
profile machinery's (:mod:`harness.profiles.source`: ``git archive`` of the commit into a
temporary directory, module sources pointed at the module's export, edits applied, each
matching exactly once).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import profiles
from harness.endpoint import Endpoint
from harness.errors import UsageError
from harness.images import _manifest
from harness.paths import REPO_ROOT
from harness.profiles import Edit, Profile
from harness.profiles.source import prepare

AUTHOR_TERRAFORM = REPO_ROOT / "profiles" / "author-terraform.toml"
DJANGO_ENV = "HARNESS_UPSTREAM_TERRAFORM_AWS_DJANGO"
VPC_ENV = "HARNESS_UPSTREAM_TERRAFORM_AWS_VPC"
VPC_MODULE = "terraform-aws-modules/vpc/aws"


@dataclass(frozen=True, slots=True)
class Stack:
    root: Path
    """The exported author's repository (edits applied)."""
    profile: Profile
    edits: tuple[Edit, ...]
    """Every change made to the exported code (module rewrites and the profile's edits)."""

    @property
    def base(self) -> Path:
        return self.root / self.profile.base.dir

    @property
    def app(self) -> Path:
        return self.root / self.profile.app.dir


def checkouts() -> tuple[Path, Path]:
    """The two checkouts the environment names, or skip saying what to check out."""
    profile = profiles.load(AUTHOR_TERRAFORM)
    assert profile.source is not None
    vpc = profile.modules[VPC_MODULE]
    found = []
    for env, spec in ((DJANGO_ENV, profile.source), (VPC_ENV, vpc)):
        named = os.environ.get(env)
        if not named or not Path(named).is_dir():
            pytest.skip(f"needs a checkout of https://github.com/{spec.repository} (commit "
                        f"{spec.commit}): git clone it and set {env}=DIR")  # fmt: skip
        found.append(Path(named))
    return found[0], found[1]


def author_terraform(tmp: Path) -> Stack:
    """The author's Terraform stack and its VPC module, exported and edited for offline use."""
    django, vpc = checkouts()
    profile = profiles.load(AUTHOR_TERRAFORM)
    try:
        stack = prepare(profile, django, {VPC_MODULE: vpc}, tmp)
    except UsageError as exc:  # e.g. a checkout without the commit
        pytest.skip(str(exc))
    return Stack(stack.root, profile, stack.applied)


def users_own(endpoint: Endpoint, domain: str, repository_prefix: str) -> str:
    """What the author's stacks expect their user to have made, as on AWS: a public hosted zone
    for ``domain``, the images ``PREFIX-backend:latest`` and ``PREFIX-frontend:latest``, and a
    certificate for ``*.domain``, whose ARN this returns."""
    endpoint.client("route53").create_hosted_zone(Name=domain, CallerReference=uuid.uuid4().hex)
    ecr = endpoint.client("ecr")
    for part in ("backend", "frontend"):
        with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
            ecr.create_repository(repositoryName=f"{repository_prefix}-{part}")
        with contextlib.suppress(ecr.exceptions.ImageAlreadyExistsException):
            ecr.put_image(repositoryName=f"{repository_prefix}-{part}",
                          imageManifest=_manifest("latest"), imageTag="latest")  # fmt: skip
    arn: str = endpoint.client("acm").request_certificate(DomainName=f"*.{domain}")[
        "CertificateArn"
    ]
    return arn
