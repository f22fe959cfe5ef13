"""Which driver runs a tool, and a wrapper that stops a cell at its next step after Ctrl-C."""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.drivers.base import AppSettings, DriftReport, StackDriver, StepResult
from harness.endpoint import Endpoint
from harness.errors import HarnessError
from harness.records import Tool

DriverFactory = Callable[[Tool, Path, Endpoint], StackDriver]


class DriverUnavailable(HarnessError):
    """The driver of a tool does not exist (yet) in this version of the harness."""


def make_driver(
    tool: Tool, workdir: Path, endpoint: Endpoint, *, terraform_provider: str = "auto"
) -> StackDriver:
    """The driver of ``tool`` for ``endpoint``, working in ``workdir`` (shared by the tool's cells).

    ``terraform_provider`` (auto, real, standin) is the ``hashicorp/aws`` the Terraform driver
    selects. A driver module may offer ``create(endpoint, workdir)``; otherwise the driver class is
    built as the scenarios build it. Imported lazily, so a tool whose driver is missing costs
    only its own cells: it raises :class:`DriverUnavailable`, saying what is missing.
    """
    name = f"harness.drivers.{tool}"
    module = _import(name, tool)
    create = getattr(module, "create", None)
    options = {"provider": terraform_provider} if tool is Tool.TERRAFORM else {}
    if create is not None:
        driver: StackDriver = create(endpoint, workdir, **options)
        return driver
    if tool is Tool.TERRAFORM and hasattr(module, "standard_runtime"):
        driver = module.TerraformDriver(endpoint, workdir, module.standard_runtime)
        return driver
    if tool is Tool.CDK and hasattr(module, "CdkDriver"):
        driver = module.CdkDriver(workdir, endpoint)
        return driver
    raise DriverUnavailable(f"{tool}: not run: driver not available ({name} is not complete yet)")


def driver_factory(terraform_provider: str = "auto") -> DriverFactory:
    """:func:`make_driver` with the run's choice of Terraform provider."""
    return functools.partial(make_driver, terraform_provider=terraform_provider)


def _import(name: str, tool: Tool) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise DriverUnavailable(
            f"{tool}: not run: driver not available ({name} does not exist yet)"
        ) from None


class Stoppable:
    """A driver that refuses to start another step once the run is stopping (Ctrl-C).

    Tools run in their own process group, so Ctrl-C reaches only our main thread; a running
    cell sees it here, at its next step, as the ``KeyboardInterrupt`` the recorder marks
    ``interrupted``. Destroys always go through: they clean up.
    """

    def __init__(self, driver: StackDriver, stop: threading.Event) -> None:
        self.driver, self.stop, self.tool = driver, stop, driver.tool

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
        return self.driver.deploy_app(settings)

    def drift_app(self, settings: AppSettings) -> DriftReport:
        self._check()
        return self.driver.drift_app(settings)

    def destroy_app(self, settings: AppSettings) -> StepResult:
        return self.driver.destroy_app(settings)

    def destroy_base(self, base: str) -> StepResult:
        return self.driver.destroy_base(base)
