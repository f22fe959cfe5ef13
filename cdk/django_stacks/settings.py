"""The app's inputs, read from CDK context (``cdk.json`` defaults, overridden with ``-c key=value``).

Context values given on the command line arrive as strings; ``cdk.json`` values keep their JSON
type. Both are accepted here, so ``-c log_retention_days=14`` and ``"log_retention_days": 14``
mean the same.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs import Node

MANAGED_BY = "cdk"
STRATEGIES = ("unpinned", "pinned", "latest-revision", "ssm-tag", "hotswap")
"""unpinned, pinned and hotswap take the tag from context (pinned: the running one; hotswap: the
one the app update hotswapped); latest-revision points the services at the family's latest
ACTIVE revision; ssm-tag reads the tag from the SSM parameter the pipeline writes."""
COMMANDS_FILE = Path(__file__).resolve().parents[2] / "app" / "commands.json"
DEFAULT_COMMANDS: dict[str, list[str]] = {
    "web": ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"],
    "worker": ["celery", "-A", "config", "worker", "-l", "INFO"],
    "beat": ["celery", "-A", "config", "beat", "-l", "INFO"],
    "backend-update": ["python", "manage.py", "pre_update"],
}
DEFAULT_PORT = 8000
DEFAULT_HEALTH_CHECK_PATH = "/api/health-check/"
# ECS, ELB and RDS names allow letters, digits and hyphens; "ENV-web-tg" must fit in 32 characters.
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,24}$")


@dataclass(frozen=True)
class AppCommands:
    """What the containers run: from ``app/commands.json`` when the app ships one."""

    commands: dict[str, list[str]]
    port: int = DEFAULT_PORT
    health_check_path: str = DEFAULT_HEALTH_CHECK_PATH


@dataclass(frozen=True)
class AppConfig:
    """One app environment's inputs (the knobs of ``harness.drivers.base.AppSettings``)."""

    env: str
    base: str
    strategy: str
    image_repository: str
    image_tag: str
    log_retention_days: int
    web_health_check_grace_s: int
    web_environment: dict[str, str]
    web_desired_count: int = 1
    task_cpu: int = 256
    task_memory: int = 512
    web_service_name: str = ""
    """Name of the web service ("": ENV-web); a new name replaces it (ServiceName is create-only)."""

    @property
    def image(self) -> str:
        return f"{self.image_repository}:{self.image_tag}"

    @property
    def image_tag_parameter(self) -> str:
        """ssm-tag: the SSM parameter the pipeline writes the running version to."""
        return f"/{self.env}/image-tag"


def base_name(node: Node) -> str:
    return _name(node, "base")


def app_config(node: Node, account: str, region: str) -> AppConfig | None:
    """The app environment's inputs, or None when no ``env`` is given (base stack only)."""
    if node.try_get_context("env") in (None, ""):
        return None
    base = base_name(node)
    strategy = str(node.try_get_context("strategy") or "unpinned")
    if strategy not in STRATEGIES:
        raise ValueError(f"context strategy={strategy!r}: expected one of {STRATEGIES}")
    repository = node.try_get_context("image_repository") or (
        f"{account}.dkr.ecr.{region}.amazonaws.com/{base}-backend"
    )
    return AppConfig(
        env=_name(node, "env"),
        base=base,
        strategy=strategy,
        image_repository=str(repository),
        image_tag=_required(node, "image_tag"),
        log_retention_days=int(_required(node, "log_retention_days")),
        web_health_check_grace_s=int(_required(node, "web_health_check_grace_s")),
        web_environment=_string_map(node.try_get_context("web_environment")),
        web_desired_count=int(node.try_get_context("web_desired_count") or 1),
        task_cpu=int(node.try_get_context("task_cpu") or 256),
        task_memory=int(node.try_get_context("task_memory") or 512),
        web_service_name=str(node.try_get_context("web_service_name") or ""),
    )


def app_commands(path: Path = COMMANDS_FILE) -> AppCommands:
    """The container commands the Django app declares, or the defaults when it declares none."""
    if not path.exists():
        return AppCommands(dict(DEFAULT_COMMANDS))
    raw = json.loads(path.read_text())
    commands = {
        name: list(raw.get("commands", {}).get(name, cmd)) for name, cmd in DEFAULT_COMMANDS.items()
    }
    return AppCommands(
        commands,
        port=int(raw.get("container_port", DEFAULT_PORT)),
        health_check_path=str(raw.get("health_check_path", DEFAULT_HEALTH_CHECK_PATH)),
    )


def _name(node: Node, key: str) -> str:
    value = _required(node, key)
    if not _NAME.match(value):
        raise ValueError(
            f"context {key}={value!r}: lowercase letters, digits, hyphens, <= 25 chars"
        )
    return value


def _required(node: Node, key: str) -> str:
    value = node.try_get_context(key)
    if value is None or value == "":
        raise ValueError(f"context {key} is required: pass -c {key}=... or set it in cdk.json")
    return str(value)


def _string_map(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, dict):
        raise ValueError(f"context web_environment must be a JSON object, got {value!r}")
    return {str(k): str(v) for k, v in sorted(data.items())}
