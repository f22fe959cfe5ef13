"""Where the AWS side is: the embedded emulator, an external LocalStack, or a sandbox account.

An :class:`Endpoint` is what drivers and scripts need to talk to AWS: the URL (None for
real AWS), region and credentials as an env mapping for subprocesses and boto3 clients.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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
        return _cached_client(service, self.url, self.region, self.credentials, kwargs)


# boto3 clients are thread-safe and cost 10-300 ms of CPU each to build (a fresh Session
# re-reads endpoints.json and every service model it is asked for), and the harness asks for
# one per call site, cell and service: they are built once per process and kept. The cache
# is bounded (least recently used go) since every cell has credentials of its own.
CLIENT_CACHE_SIZE = 512
_clients: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_sessions: dict[str, Any] = {}
_lock = threading.Lock()  # a boto3 Session is not thread-safe; the clients it makes are
CREDENTIAL_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def _cached_client(
    service: str, url: str | None, region: str, credentials: dict[str, str], kwargs: dict[str, Any]
) -> Any:
    keys = tuple(credentials.get(n) for n in CREDENTIAL_NAMES)
    key = (service, url, region, keys, _options_key(kwargs))
    with _lock:
        if key in _clients:
            _clients.move_to_end(key)
            return _clients[key]
        client = _session(region).client(
            service,
            endpoint_url=url,
            aws_access_key_id=keys[0],
            aws_secret_access_key=keys[1],
            aws_session_token=keys[2],
            **kwargs,
        )
        _clients[key] = client
        if len(_clients) > CLIENT_CACHE_SIZE:
            _clients.popitem(last=False)
        return client


def _options_key(kwargs: dict[str, Any]) -> str:
    """What tells two clients' options apart (a botocore ``Config`` by what it was given)."""
    from botocore.config import Config

    return repr(
        sorted(
            (name, sorted(v._user_provided_options.items()) if isinstance(v, Config) else v)
            for name, v in kwargs.items()
        )
    )


def _session(region: str) -> Any:
    """One Session per region (credentials go to each client): each model is read once."""
    import boto3

    if region not in _sessions:
        _sessions[region] = boto3.session.Session(region_name=region)
    return _sessions[region]
