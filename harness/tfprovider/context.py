"""The configured provider: region, credentials, endpoints, default tags, API clients.

botocore is imported only when a resource first calls an API (it costs ~0.3 s, and
Terraform starts the provider several times per command, mostly to read its schema).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

# provider `endpoints { <key> = url }` -> boto3 service name
ENDPOINT_KEYS = {
    "ec2": "ec2",
    "ecs": "ecs",
    "elbv2": "elbv2",
    "iam": "iam",
    "rds": "rds",
    "s3": "s3",
    "sts": "sts",
    "logs": "logs",
    "cloudwatchlogs": "logs",
    "ecr": "ecr",
    "ssm": "ssm",
    "secretsmanager": "secretsmanager",
}


_CLIENTS_LOCK = threading.Lock()

RETRIES = {"mode": "standard", "max_attempts": 25}  # botocore's max_attempts: retries, not attempts
"""As the real provider retries: its ``max_retries`` argument ("maximum number of times an API
call is retried, in the case where requests are being throttled or experiencing transient
failures ... If omitted, the default value is 25", registry.terraform.io/providers/hashicorp/
aws/latest/docs), on the AWS SDK's standard retryer (terraform-provider-aws#36024, v5.42.0)."""


class ProviderError(Exception):
    """An error reported to Terraform as a diagnostic (summary, detail)."""

    def __init__(self, summary: str, detail: str = "") -> None:
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


class CreatedButFailed(ProviderError):
    """The object exists but creating it did not finish: Terraform records it as tainted."""

    def __init__(self, summary: str, state: dict[str, Any]) -> None:
        super().__init__(summary)
        self.state = state


@dataclass
class Context:
    region: str = "us-east-1"
    access_key: str | None = None
    secret_key: str | None = None
    endpoints: dict[str, str] = field(default_factory=dict)
    default_tags: dict[str, str] = field(default_factory=dict)
    s3_use_path_style: bool = False
    skip_requesting_account_id: bool = False
    _clients: dict[str, Any] = field(default_factory=dict)
    _session: Any = None
    _account_id: str | None = None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Context:
        region = (
            config.get("region")
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
        )
        if not region:
            raise ProviderError(
                "missing region", "set the provider's region argument or AWS_REGION"
            )
        endpoints: dict[str, str] = {}
        for item in config.get("endpoints") or []:
            for key, url in item.items():
                if url and key in ENDPOINT_KEYS:
                    endpoints[ENDPOINT_KEYS[key]] = url
        tags: dict[str, str] = {}
        for item in config.get("default_tags") or []:
            tags.update(item.get("tags") or {})
        return cls(
            region=region,
            access_key=config.get("access_key"),
            secret_key=config.get("secret_key"),
            endpoints=endpoints,
            default_tags=tags,
            s3_use_path_style=bool(config.get("s3_use_path_style")),
            skip_requesting_account_id=bool(config.get("skip_requesting_account_id")),
        )

    def endpoint_url(self, service: str) -> str | None:
        """The real provider's order: endpoints block, AWS_ENDPOINT_URL_<SVC>, AWS_ENDPOINT_URL."""
        env_key = "AWS_ENDPOINT_URL_" + {
            "elbv2": "ELASTIC_LOAD_BALANCING_V2",
            "logs": "CLOUDWATCH_LOGS",
        }.get(service, service.upper())
        return (
            self.endpoints.get(service)
            or os.environ.get(env_key)
            or os.environ.get("AWS_ENDPOINT_URL")
        )

    def poll_s(self, service: str) -> float:
        """Seconds between two reads of an object that is settling: 1 s on AWS, as the real
        provider's waiters (``MinTimeout: 1 * time.Second``); 0.1 s on an emulator (a custom
        endpoint), whose AWS time is compressed to tenths of a second, so that a 1-s sleep
        would be most of the wait."""
        return 0.1 if self.endpoint_url(service) else 1.0

    def waiter_config(self, service: str, timeout_s: float) -> dict[str, float]:
        """A botocore ``WaiterConfig`` polling every :meth:`poll_s` for up to ``timeout_s``."""
        delay = self.poll_s(service)
        return {"Delay": delay, "MaxAttempts": max(1, round(timeout_s / delay))}

    def client(self, service: str) -> Any:
        with (
            _CLIENTS_LOCK
        ):  # Terraform calls us from several threads; botocore creation is not thread-safe
            return self._client(service)

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            # botocore, not boto3: 0.15 s less start-up, and one session shares the model loader
            import botocore.session
            from botocore.config import Config

            if self._session is None:
                self._session = botocore.session.get_session()
            config = Config(
                retries=RETRIES,
                s3={"addressing_style": "path"} if self.s3_use_path_style else None,
            )
            self._clients[service] = self._session.create_client(
                service,
                region_name=self.region,
                endpoint_url=self.endpoint_url(service),
                aws_access_key_id=self.access_key or None,
                aws_secret_access_key=self.secret_key or None,
                config=config,
            )
        return self._clients[service]

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = str(self.client("sts").get_caller_identity()["Account"])
        return self._account_id

    def tags_all(self, tags: dict[str, str] | None) -> dict[str, str]:
        """Default tags overlaid by the resource's own, as the real provider's ``tags_all``."""
        return {**self.default_tags, **(tags or {})}
