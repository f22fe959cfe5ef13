"""Where the AWS side is: the embedded emulator, an external LocalStack, or a sandbox account.

An :class:`Endpoint` is what drivers and scripts need to talk to AWS: the URL (None for
real AWS), region and credentials as an env mapping for subprocesses and boto3 clients.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Target(StrEnum):
    EMBEDDED = "embedded"
    LOCALSTACK = "localstack"
    AWS = "aws"


DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
DEFAULT_REGION = "us-east-1"
DUMMY_ACCOUNT_ID = "123456789012"  # moto's default account
RUN_TAG = "harness:run-id"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An AWS endpoint and how to reach it."""

    target: Target
    url: str | None
    region: str = DEFAULT_REGION
    credentials: dict[str, str] = field(default_factory=lambda: dict(DUMMY_CREDENTIALS))
    engine: str = ""
    """What serves the API, for records (e.g. ``moto 5.2.5 + harness fidelity [ecs]``)."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on everything deployed here, beside the contract's: on a sandbox account the run
    id (:data:`RUN_TAG`), so that cleaning up touches only what the run made."""

    def with_access_key(self, key: str) -> Endpoint:
        """This endpoint with a dummy access key of its own, so the emulator counts its calls
        apart (one key per cell). Real AWS keeps the real credentials."""
        if self.target is Target.AWS:
            return self
        credentials = {**self.credentials, "AWS_ACCESS_KEY_ID": key}
        return replace(self, credentials=credentials)

    def env(self) -> dict[str, str]:
        """Variables that point the AWS CLI, SDKs, Terraform and CDK at this endpoint."""
        env = {"AWS_DEFAULT_REGION": self.region, "AWS_REGION": self.region, **self.credentials}
        if self.url:
            env["AWS_ENDPOINT_URL"] = self.url
        return env

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` on this endpoint."""
        from botocore.config import Config

        if "config" not in kwargs:
            # The harness's own calls (setup, reads) retry as the app-update script does, so a
            # fault injected into them is not taken for the tool's failure.
            config = Config(retries={"mode": "standard", "total_max_attempts": 8})
            if service == "s3" and self.url:
                # Emulators serve buckets path-style; virtual hosts (b.localhost) do not resolve.
                config = config.merge(Config(s3={"addressing_style": "path"}))
            kwargs["config"] = config
        with _sessions_lock:  # a boto3 Session is not thread-safe; the clients it makes are
            session = _session(self.credentials, self.region)
            return session.client(service, endpoint_url=self.url, **kwargs)


# One boto3 Session per credentials and region: a fresh Session re-reads the service models
# from disk, ~0.1-0.3 s a client; a shared one reads each model once per process.
_sessions: dict[tuple[str | None, ...], Any] = {}
_sessions_lock = threading.Lock()


def _session(credentials: dict[str, str], region: str) -> Any:
    import boto3

    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    key = (*(credentials.get(n) for n in names), region)
    if key not in _sessions:
        _sessions[key] = boto3.session.Session(
            aws_access_key_id=key[0],
            aws_secret_access_key=key[1],
            aws_session_token=key[2],
            region_name=region,
        )
    return _sessions[key]
