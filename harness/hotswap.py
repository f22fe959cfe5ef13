"""The CDK ``hotswap`` strategy's app side: the app update is ``cdk deploy --hotswap``, not the script.

A developer (or a fast pipeline) changes the tag in the code and runs ``cdk deploy --hotswap``:
the CLI registers new task definition revisions and points the services at them through the ECS
API, and leaves the CloudFormation stack's template as it was, which the CDK docs call drift
(``cdk deploy --hotswap``: "introduces drift"; aws/aws-cdk-cli#885: hotswaps never update the
template). Everything else is the real application side's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from harness.app_side import AppSide
from harness.drivers.base import AppSettings, StepResult
from harness.health import Count
from harness.records import ChangeKind


@runtime_checkable
class Hotswapper(Protocol):
    def hotswap_app(self, settings: AppSettings) -> StepResult: ...


@dataclass(frozen=True, slots=True)
class HotswapAppSide:
    """``inner`` for reads, ``driver``'s hotswap deploy of ``settings`` for the app update."""

    inner: AppSide
    driver: Hotswapper
    settings: AppSettings
    """The cell's inputs: what the code says besides the tag."""

    def running_versions(self, env: str) -> dict[str, str]:
        return self.inner.running_versions(env)

    def update(self, env: str, base: str, version: str) -> None:
        self.driver.hotswap_app(self.settings.with_tag(version))
        # The pipeline's post-deploy step, as after any deploy of a new version.
        self.inner.run_backend_update(env, base)

    def run_backend_update(self, env: str, base: str) -> None:
        self.inner.run_backend_update(env, base)

    def change_in_effect(self, env: str, base: str, kind: ChangeKind) -> bool | None:
        return self.inner.change_in_effect(env, base, kind)

    def deregister_revisions(self, env: str) -> int:
        return self.inner.deregister_revisions(env)

    def healthy_targets(self, env: str, base: str) -> Count:
        return self.inner.healthy_targets(env, base)
