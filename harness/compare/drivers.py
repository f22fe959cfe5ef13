"""Which driver runs a tool, and a wrapper that stops a cell at its next step after Ctrl-C."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from harness.drivers.base import AppSettings, DriftReport, StackDriver, StepResult
from harness.endpoint import Endpoint
from harness.errors import CommandNotFound, HarnessError
from harness.profiles.source import Stack
from harness.records import Tool

DriverFactory = Callable[[Tool, Path, Endpoint], StackDriver]


class DriverUnavailable(HarnessError):
    """A tool cannot run on this machine (its pinned CLI is not installed)."""


def make_driver(
    tool: Tool,
    workdir: Path,
    endpoint: Endpoint,
    *,
    terraform_provider: str = "auto",
    stacks: Mapping[Tool, Stack] | None = None,
) -> StackDriver:
    """The driver of ``tool`` for ``endpoint``, working in ``workdir`` (shared by the tool's cells).

    ``terraform_provider`` (auto, real, standin) is the ``hashicorp/aws`` the Terraform driver
    selects; ``stacks`` the stack each tool drives (default: ours). Imported lazily: a
    Terraform-only run never loads the CDK driver. A tool whose CLI is missing raises
    :class:`DriverUnavailable` saying how to install it, so only its own cells are lost.
    """
    stack = (stacks or {}).get(tool)
    if tool is Tool.TERRAFORM:
        from harness.drivers.terraform import TerraformDriver, runtime_for

        if stack is None:
            return TerraformDriver(endpoint, workdir, runtime_for(terraform_provider))
        return TerraformDriver(endpoint, workdir, runtime_for(terraform_provider),
                               profile=stack.profile, source_root=stack.root)  # fmt: skip
    from harness.drivers.cdk import CdkDriver

    try:
        if stack is not None:
            app_dir = stack.root / stack.profile.app.dir
            return CdkDriver(workdir, endpoint, app_dir=app_dir, profile=stack.profile)
        return CdkDriver(workdir, endpoint)
    except CommandNotFound as exc:
        raise DriverUnavailable(f"{tool}: not run: {str(exc).splitlines()[0]}") from exc


def driver_factory(
    terraform_provider: str = "auto", stacks: Mapping[Tool, Stack] | None = None
) -> DriverFactory:
    """:func:`make_driver` with the run's choice of Terraform provider and stacks."""
    return functools.partial(make_driver, terraform_provider=terraform_provider, stacks=stacks)


class Stoppable:
    """A driver that refuses to start another step once the run is stopping (Ctrl-C, SIGTERM).

    Tools run in their own process group, so Ctrl-C reaches only our main thread; a running
    cell sees it here, at its next step, as the ``KeyboardInterrupt`` the recorder marks
    ``interrupted``. Destroys always go through: they clean up.
    """

    def __init__(
        self,
        driver: StackDriver,
        stop: threading.Event,
        check_app: Callable[[AppSettings], None] | None = None,
    ) -> None:
        """``check_app``: run right after each app deploy (the stack profile's contract)."""
        self.driver, self.stop, self.tool = driver, stop, driver.tool
        self.check_app = check_app

    def _check(self) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt

    def tool_version(self) -> str:
        return self.driver.tool_version()

    def engine(self) -> str:
        return self.driver.engine()

    def deploy_base(self, base: str) -> StepResult:
        self._check()
        return self.driver.deploy_base(base)

    def deploy_app(self, settings: AppSettings) -> StepResult:
        self._check()
        result = self.driver.deploy_app(settings)
        if self.check_app is not None:
            self.check_app(settings)
        return result

    def drift_app(self, settings: AppSettings) -> DriftReport:
        self._check()
        return self.driver.drift_app(settings)

    def destroy_app(self, settings: AppSettings) -> StepResult:
        return self.driver.destroy_app(settings)

    def destroy_base(self, base: str) -> StepResult:
        return self.driver.destroy_base(base)
