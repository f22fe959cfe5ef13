"""The hotswap strategy's app side: a hotswap deploy of the code with the new tag (no AWS)."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.drivers.base import AppSettings, StepResult
from harness.health import Count
from harness.hotswap import HotswapAppSide, Hotswapper
from harness.records import ChangeKind, Strategy

SETTINGS = AppSettings("alpha", "dev", Strategy.HOTSWAP, "repo", "v1", log_retention_days=14)


@dataclass
class FakeDriver:
    hotswapped: list[AppSettings] = field(default_factory=list)

    def hotswap_app(self, settings: AppSettings) -> StepResult:
        self.hotswapped.append(settings)
        return StepResult(0.0)


@dataclass
class FakeApp:
    calls: list[str] = field(default_factory=list)

    def running_versions(self, env: str) -> dict[str, str]:
        return {"web": "v2"}

    def update(self, env: str, base: str, version: str) -> None:
        self.calls.append(f"script {version}")

    def run_backend_update(self, env: str, base: str) -> None:
        self.calls.append("backend-update")

    def change_in_effect(self, env: str, base: str, kind: ChangeKind) -> bool | None:
        return None

    def deregister_revisions(self, env: str) -> int:
        return 0

    def healthy_targets(self, env: str, base: str) -> Count:
        return lambda: 1


def test_the_app_update_is_a_hotswap_of_the_code_with_the_new_tag_then_backend_update() -> None:
    driver, inner = FakeDriver(), FakeApp()
    app = HotswapAppSide(inner, driver, SETTINGS)
    app.update("alpha", "dev", "v2")
    assert driver.hotswapped == [SETTINGS.with_tag("v2")]
    assert inner.calls == ["backend-update"], "the shared script is not run"
    assert app.running_versions("alpha") == {"web": "v2"}


def test_the_cdk_driver_is_a_hotswapper_and_a_fake_without_it_is_not() -> None:
    from harness.drivers.cdk import CdkDriver

    assert hasattr(CdkDriver, "hotswap_app")
    assert isinstance(FakeDriver(), Hotswapper)
    assert not isinstance(FakeApp(), Hotswapper)
