"""A StackDriver that keeps its deployment in memory, for testing the comparison run.

The real lifecycle (``harness.lifecycle.run_cell``) drives it; the application side (the
shared app-update script and the reads through the contract) is its in-memory twin
:class:`FakeAppSide`, handed in as the comparison's ``app_side``. Each deploy and destroy also
makes one real call to the emulator with the cell's own credentials, so the per-cell API call
counts the comparison records can be checked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.contract import SERVICES
from harness.drivers.base import AppSettings, DriftReport, StackDriver, StepResult
from harness.endpoint import Endpoint
from harness.records import ChangeKind, Strategy, Tool

Hook = Callable[[str, str, AppSettings | None], None]
"""Called as ``hook(method, env_or_base, settings)`` before each driver step; may raise."""


@dataclass
class World:
    """What is 'deployed': app environments by name, and bases."""

    envs: dict[str, dict[str, Any]] = field(default_factory=dict)
    bases: set[str] = field(default_factory=set)
    base_rules: dict[str, str] = field(default_factory=dict)
    """Each base's security group rule CIDR as last deployed ("": none)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    active: int = 0
    most_active: int = 0
    bases_active: int = 0
    most_bases_active: int = 0
    deregistered: list[str] = field(default_factory=list)
    """Environments whose outside revisions the lifecycle deregistered after their destroy."""


@dataclass
class FakeDriver:
    tool: Tool
    endpoint: Endpoint
    world: World
    hook: Hook
    delay_s: float = 0.0

    def tool_version(self) -> str:
        return f"fake-{self.tool} 1.0"

    def engine(self) -> str:
        return "in-memory fake"

    def deploy_base(self, base: str, app_ingress_cidr: str = "") -> StepResult:
        self.hook("deploy_base", base, None)
        with self.world.lock:
            self.world.bases_active += 1
            self.world.most_bases_active = max(
                self.world.most_bases_active, self.world.bases_active
            )
        try:
            time.sleep(self.delay_s)
            if base not in self.world.bases:  # a base deployed again (with a change) exists
                self.endpoint.client("logs").create_log_group(logGroupName=f"/base/{base}")
            self.world.bases.add(base)
            self.world.base_rules[base] = app_ingress_cidr
        finally:
            with self.world.lock:
                self.world.bases_active -= 1
        return StepResult(self.delay_s)

    def deploy_app(self, settings: AppSettings) -> StepResult:
        self.hook("deploy_app", settings.env, settings)
        with self.world.lock:
            self.world.active += 1
            self.world.most_active = max(self.world.most_active, self.world.active)
        try:
            time.sleep(self.delay_s)
            self._apply(settings)
        finally:
            with self.world.lock:
                self.world.active -= 1
        return StepResult(self.delay_s, {"startup": 0.01, "aws": self.delay_s})

    def _apply(self, settings: AppSettings) -> None:
        current = self.world.envs.get(settings.env)
        if current is None:
            self.endpoint.client("logs").create_log_group(logGroupName=f"/ecs/{settings.env}/web")
        keep = current is not None and settings.strategy is Strategy.IGNORE_CHANGES
        self.world.envs[settings.env] = {
            "version": current["version"] if keep and current else settings.image_tag,
            "settings": settings,
        }

    def drift_app(self, settings: AppSettings) -> DriftReport:
        self.hook("drift_app", settings.env, settings)
        running = self.world.envs[settings.env]["version"]
        drifted = running != settings.image_tag
        return DriftReport(drifted, ("web",) if drifted else (), 0.001)

    def destroy_app(self, settings: AppSettings) -> StepResult:
        self.hook("destroy_app", settings.env, settings)
        if self.world.envs.pop(settings.env, None) is not None:
            self.endpoint.client("logs").delete_log_group(logGroupName=f"/ecs/{settings.env}/web")
        return StepResult(0.0)

    def destroy_base(self, base: str) -> StepResult:
        self.hook("destroy_base", base, None)
        self.world.bases.discard(base)
        return StepResult(0.0)


def no_hook(method: str, name: str, settings: AppSettings | None) -> None:
    return None


def factory(
    world: World, hook: Hook = no_hook, delay_s: float = 0.0
) -> Callable[[Tool, Path, Endpoint], StackDriver]:
    def make(tool: Tool, workdir: Path, endpoint: Endpoint) -> StackDriver:
        assert workdir.is_dir()
        return FakeDriver(tool, endpoint, world, hook, delay_s)

    return make


@dataclass
class FakeAppSide:
    """The application side of :class:`World`: every service of an env runs its ``version``."""

    world: World

    def running_versions(self, env: str) -> dict[str, str]:
        return dict.fromkeys(SERVICES, self.world.envs[env]["version"])

    def update(self, env: str, base: str, version: str) -> None:
        self.world.envs[env]["version"] = version

    def run_backend_update(self, env: str, base: str) -> None:
        return None

    def change_in_effect(self, env: str, base: str, kind: ChangeKind) -> bool | None:
        if kind is ChangeKind.NONE:
            return None
        deployed = self.world.envs[env]
        # like ignore_changes: a task definition change reaches the service with the next app update
        waits = (
            kind is ChangeKind.TASK_DEFINITION
            and deployed["settings"].strategy is Strategy.IGNORE_CHANGES
        )
        return not waits or deployed["version"] == "v3"

    def healthy_targets(self, env: str, base: str) -> Callable[[], int | None]:
        return lambda: 1 if env in self.world.envs else None

    def deregister_revisions(self, env: str) -> int:
        assert env not in self.world.envs, "deregistered before the destroy"
        self.world.deregistered.append(env)
        return 0


def app_side(world: World) -> Callable[[Endpoint], FakeAppSide]:
    """The comparison's ``app_side`` factory: one fake per endpoint, all on ``world``."""
    return lambda endpoint: FakeAppSide(world)
