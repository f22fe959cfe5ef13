"""Where the AWS side is: the embedded emulator, an external LocalStack, or a sandbox account.

An :class:`Endpoint` is what drivers and scripts need to talk to AWS: the URL (None for
real AWS), region and credentials as an env mapping for subprocesses and boto3 clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Target(StrEnum):
    EMBEDDED = "embedded"
    LOCALSTACK = "localstack"
    AWS = "aws"


DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
DEFAULT_REGION = "us-east-1"
DUMMY_ACCOUNT_ID = "123456789012"  # moto's default account


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An AWS endpoint and how to reach it."""

    target: Target
    url: str | None
    region: str = DEFAULT_REGION
    credentials: dict[str, str] = field(default_factory=lambda: dict(DUMMY_CREDENTIALS))
    engine: str = ""
    """What serves the API, for records (e.g. ``moto 5.2.5 + harness fidelity [ecs]``)."""

    def env(self) -> dict[str, str]:
        """Variables that point the AWS CLI, SDKs, Terraform and CDK at this endpoint."""
        env = {"AWS_DEFAULT_REGION": self.region, "AWS_REGION": self.region, **self.credentials}
        if self.url:
            env["AWS_ENDPOINT_URL"] = self.url
        return env

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` on this endpoint."""
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=self.credentials.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=self.credentials.get("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=self.credentials.get("AWS_SESSION_TOKEN"),
            region_name=self.region,
        )
        if service == "s3" and self.url and "config" not in kwargs:
            # Emulators serve buckets path-style; virtual hosts (b.localhost) do not resolve to them.
            from botocore.config import Config

            kwargs["config"] = Config(s3={"addressing_style": "path"})
        return session.client(service, endpoint_url=self.url, **kwargs)
