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

from harness.endpoint import RUN_TAG, Endpoint, Target
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
    "secretsmanager",  # the database password (both stacks)
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


def aws_sandbox(
    account_id: str | None,
    region: str | None = None,
    *,
    run_id: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Endpoint:
    """The AWS account ``account_id``, after checking it is the one the credentials reach.

    The account is whatever the credentials and the SDK's own configuration reach (profile,
    ``AWS_ENDPOINT_URL``); with ``run_id`` everything deployed there is tagged
    ``harness:run-id``. Each refusal is one ``TargetError`` saying what to fix: no account id,
    no credentials, an endpoint that does not answer, credentials refused, another account.
    """
    if not account_id:
        raise TargetError(
            "--target aws deploys real resources and costs money: it needs --aws-account-id "
            "naming the sandbox account your credentials belong to"
        )
    region = region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    found = caller_account(region)
    if found != account_id:
        raise TargetError(
            f"--aws-account-id {account_id} does not match the credentials' account "
            f"{found}; refusing to deploy"
        )
    creds = {k: v for k, v in environ.items() if k.startswith("AWS_") and "ENDPOINT" not in k}
    return Endpoint(
        Target.AWS,
        None,
        region=region,
        credentials=creds,
        engine=f"aws account {account_id}",
        tags={RUN_TAG: run_id} if run_id else {},
    )


def caller_account(region: str) -> str:
    """The account the SDK's credentials belong to (``sts get-caller-identity``)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import (
        ClientError,
        ConnectionError,
        HTTPClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    # Fail in seconds when nothing answers, not after the SDK's default retries.
    config = Config(connect_timeout=5, read_timeout=15, retries={"max_attempts": 2})
    sts = boto3.session.Session().client("sts", region_name=region, config=config)
    try:
        return str(sts.get_caller_identity()["Account"])
    except (NoCredentialsError, PartialCredentialsError) as exc:
        raise TargetError(
            f"no AWS credentials ({exc}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "or AWS_PROFILE, for the sandbox account"
        ) from exc
    except (ConnectionError, HTTPClientError) as exc:
        raise TargetError(
            f"the AWS endpoint does not answer ({exc}); check the network, or AWS_ENDPOINT_URL "
            "if you set one"
        ) from exc
    except ClientError as exc:
        raise TargetError(
            f"the AWS credentials were refused ({exc.response['Error'].get('Code')}: {exc})"
        ) from exc
