"""What a stack expects its user to have made before it is applied, made by the harness.

A published stack often looks up things its user owns, as on AWS: a public hosted zone for its
domain, an ACM certificate for its HTTPS listener, images in ECR it names. A profile's
``[requires]`` says which; they are made once per target (looked up first: making them is
idempotent) and give the layers' inputs the placeholders ``{domain}`` and
``{certificate_arn}``. They are the user's, so the harness never destroys them; on a sandbox
account (``--target aws``) they must exist already (the harness does not buy domains).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from typing import Any

from harness.endpoint import Endpoint, Target
from harness.errors import TargetError
from harness.profiles.inputs import render
from harness.profiles.model import Profile, Requires

_lock = threading.Lock()


def values(endpoint: Endpoint, profile: Profile, base: str) -> dict[str, Any]:
    """The placeholders ``profile``'s requirements give, made where missing."""
    needs = profile.requires
    if needs is None:
        return {}
    with _lock:  # parallel cells share the target
        found: dict[str, Any] = {}
        if needs.hosted_zone:
            _hosted_zone(endpoint, needs.hosted_zone)
            found["domain"] = needs.hosted_zone
        if needs.certificate:
            found["certificate_arn"] = _certificate(endpoint, needs.certificate)
        for image in needs.images:
            _image(endpoint, str(render(image, {"base": base})))
        return found


def _hosted_zone(endpoint: Endpoint, name: str) -> None:
    route53 = endpoint.client("route53")
    zones = route53.list_hosted_zones_by_name(DNSName=name)["HostedZones"]
    if any(z["Name"].rstrip(".") == name.rstrip(".") for z in zones):
        return
    _refuse_on_aws(endpoint, f"a public hosted zone {name}")
    route53.create_hosted_zone(Name=name, CallerReference=uuid.uuid4().hex)


def _certificate(endpoint: Endpoint, domain: str) -> str:
    acm = endpoint.client("acm")
    for page in acm.get_paginator("list_certificates").paginate():
        for cert in page["CertificateSummaryList"]:
            if cert["DomainName"] == domain:
                arn: str = cert["CertificateArn"]
                return arn
    _refuse_on_aws(endpoint, f"an ACM certificate for {domain}")
    made: str = acm.request_certificate(DomainName=domain)["CertificateArn"]
    return made


def _image(endpoint: Endpoint, image: str) -> None:
    """``REPO:TAG`` in ECR (a placeholder image, as the harness's own, on an emulator)."""
    from harness.images import _manifest

    repo, _, tag = image.partition(":")
    ecr = endpoint.client("ecr")
    with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
        ecr.create_repository(repositoryName=repo)
    if endpoint.target is Target.AWS:
        return  # pushing a real image is the user's
    with contextlib.suppress(ecr.exceptions.ImageAlreadyExistsException):
        ecr.put_image(repositoryName=repo, imageManifest=_manifest(tag or "latest"),
                      imageTag=tag or "latest")  # fmt: skip


def _refuse_on_aws(endpoint: Endpoint, what: str) -> None:
    if endpoint.target is Target.AWS:
        raise TargetError(f"the stack needs {what} in the account ([requires] of its profile): "
                          "make it there first")  # fmt: skip


__all__ = ["Requires", "values"]
