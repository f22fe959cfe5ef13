"""Resolve a target name into a usable :class:`Endpoint` (or a clear refusal).

- ``embedded``: the caller starts an :class:`~harness.emulator.Emulator`.
- ``localstack``: an external LocalStack, found as ``localstack-client`` finds it
  (``AWS_ENDPOINT_URL``, ``LOCALSTACK_HOST``, ``EDGE_PORT``, ``USE_SSL``), probed with
  ``/_localstack/health``; the services it does not serve are listed so tests can skip.
- ``aws``: a real sandbox account, only when ``account_id`` is given and equals the caller identity.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from harness.endpoint import Endpoint, Target
from harness.errors import TargetError

# What the lifecycle needs from an endpoint.
REQUIRED_SERVICES = (
    "ecs",
    "ecr",
    "elbv2",
    "rds",
    "ec2",
    "s3",
    "iam",
    "logs",
    "sts",
    "ssm",
    "cloudformation",
)


@dataclass(frozen=True, slots=True)
class LocalStack:
    endpoint: Endpoint
    services: dict[str, str]
    """Service name -> state, as /_localstack/health reports it."""

    def missing(self, wanted: tuple[str, ...] = REQUIRED_SERVICES) -> list[str]:
        ok = {"available", "running"}
        return [s for s in wanted if self.services.get(s) not in ok]


def localstack_url(environ: Mapping[str, str] = os.environ) -> str:
    """Where LocalStack is, from the variables its users set, as ``localstack-client`` reads them.

    ``AWS_ENDPOINT_URL`` wins; else ``LOCALSTACK_HOST`` (``host[:port]``), whose port defaults
    to ``EDGE_PORT`` (LocalStack's older variable) or 4566; ``USE_SSL=1`` makes it https.
    """
    from localstack_client.config import DEFAULT_EDGE_PORT, parse_localstack_host

    explicit = environ.get("AWS_ENDPOINT_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    edge_port = environ.get("EDGE_PORT", "").strip() or str(DEFAULT_EDGE_PORT)
    given = environ.get("LOCALSTACK_HOST", "").strip() or "localhost"
    if given.startswith(("http://", "https://")):  # a URL where a host was meant: take it as is
        return given.rstrip("/")
    if ":" not in given:
        given = f"{given}:{edge_port}"
    try:
        host, port = parse_localstack_host(given)
    except RuntimeError as exc:
        raise TargetError(f"LOCALSTACK_HOST={given!r} is not host[:port]") from exc
    scheme = "https" if environ.get("USE_SSL", "").strip().lower() in ("1", "true") else "http"
    return f"{scheme}://{host}:{port}"


def probe_localstack(environ: Mapping[str, str] = os.environ) -> LocalStack:
    """Find LocalStack and what it serves, or raise ``TargetError`` saying how to point at it."""
    url = localstack_url(environ)
    try:
        with urllib.request.urlopen(f"{url}/_localstack/health", timeout=5) as resp:
            health = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TargetError(
            f"no LocalStack answers at {url}/_localstack/health ({exc}); start it, or set "
            "AWS_ENDPOINT_URL or LOCALSTACK_HOST to where it runs"
        ) from exc
    services = {str(k): str(v) for k, v in dict(health.get("services", {})).items()}
    return LocalStack(
        Endpoint(Target.LOCALSTACK, url, engine=f"localstack {health.get('version', '?')}"),
        services,
    )


def aws_sandbox(account_id: str | None, region: str | None = None) -> Endpoint:
    """The real AWS account ``account_id``, after checking it is the one the credentials reach."""
    if not account_id:
        raise TargetError(
            "--target aws deploys real resources and costs money: it needs --aws-account-id "
            "naming the sandbox account your credentials belong to"
        )
    import boto3

    try:
        identity = boto3.client("sts", region_name=region or "us-east-1").get_caller_identity()
    except Exception as exc:
        raise TargetError(
            f"cannot check the AWS caller identity ({exc}); configure credentials"
        ) from exc
    if identity["Account"] != account_id:
        raise TargetError(
            f"--aws-account-id {account_id} does not match the credentials' account "
            f"{identity['Account']}; refusing to deploy"
        )
    creds = {k: v for k, v in os.environ.items() if k.startswith("AWS_") and "ENDPOINT" not in k}
    return Endpoint(
        Target.AWS,
        None,
        region=region or os.environ.get("AWS_REGION", "us-east-1"),
        credentials=creds,
        engine=f"aws account {account_id}",
    )
