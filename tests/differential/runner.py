"""One configuration, applied with one hashicorp/aws against a fresh emulator: what it left.

A :class:`Config` says how to deploy, check, change out of band and destroy; :func:`run`
drives it through the lifecycle the differential suite compares:

    apply -> AWS state (described, normalised) -> plan (clean?) -> out-of-band change ->
    plan (what it wants to change) -> destroy -> AWS state after destroy
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import images, process
from harness.drivers import terraform_parse
from harness.drivers.base import AppSettings
from harness.drivers.terraform import HCL_ROOT, TerraformDriver, runtime_for
from harness.emulator import Emulator
from harness.endpoint import Endpoint
from harness.records import Strategy
from harness.terraform import TerraformSetup, setup
from harness.terraform import override as endpoint_override
from tests.differential.state import Snapshot, describe


@dataclass
class Outcome:
    """What one provider's run of one configuration saw; ``error`` when a step failed."""

    provider: str
    description: str = ""
    state: Snapshot = field(default_factory=dict)
    plan_after_apply: tuple[str, ...] = ()
    """Addresses the plan right after apply would change (empty: a clean plan)."""
    plan_after_change: tuple[str, ...] = ()
    state_after_destroy: Snapshot = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str = ""
    step: str = ""


class Steps:
    """The lifecycle of one configuration with one provider (subclassed per kind of config)."""

    def __init__(self, endpoint: Endpoint, workdir: Path, provider: str) -> None:
        self.endpoint, self.workdir, self.provider = endpoint, workdir, provider

    def description(self) -> str:
        raise NotImplementedError

    def apply(self) -> None:
        raise NotImplementedError

    def plan(self) -> tuple[str, ...]:
        raise NotImplementedError

    def destroy(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Config:
    name: str
    steps: Callable[[Endpoint, Path, str, str], Steps]
    """(endpoint, workdir, provider, hashicorp/aws version both runs take) -> the steps."""
    change: Callable[[Endpoint, Steps], None]
    """An out-of-band change (what a console user or a deploy script does)."""
    deep: bool = False
    """Only in the deep run (``nox -s differential``): too slow for ``nox -s tests``."""


def run(config: Config, provider: str, version: str, workdir: Path) -> Outcome:
    outcome = Outcome(provider)
    with Emulator() as emulator:
        endpoint = emulator.endpoint
        steps = config.steps(endpoint, workdir, provider, version)
        applied = False
        try:
            outcome.description = _timed(outcome, "setup", steps.description)
            _timed(outcome, "apply", steps.apply)
            applied = True
            outcome.state = _timed(outcome, "describe", lambda: describe(endpoint))
            outcome.plan_after_apply = _timed(outcome, "plan", steps.plan)
            _timed(outcome, "change", lambda: config.change(endpoint, steps))
            outcome.plan_after_change = _timed(outcome, "plan_after_change", steps.plan)
            _timed(outcome, "destroy", steps.destroy)
            applied = False
            outcome.state_after_destroy = describe(endpoint)
        except Exception as exc:
            outcome.error = f"{type(exc).__name__}: {exc}"[-3000:]
            if applied:
                try:
                    steps.destroy()
                except Exception as cleanup:
                    outcome.error += f"\n(destroy after the failure failed too: {cleanup})"[-500:]
    return outcome


def _timed(outcome: Outcome, step: str, call: Callable[[], Any]) -> Any:
    outcome.step = step
    began = time.perf_counter()
    try:
        return call()
    finally:
        outcome.seconds[step] = round(time.perf_counter() - began, 1)


PIN_FILE = "zz_differential_pin_override.tf"


def pin(directory: Path, version: str) -> None:
    """Make ``directory``'s configuration take exactly hashicorp/aws ``version`` (the stand-in
    answers as the real provider's version, so the two are compared like for like)."""
    (directory / PIN_FILE).write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        f'      version = "= {version}"\n    }}\n  }}\n}}\n'
    )


class HclSteps(Steps):
    """A configuration directory (or one HCL text) applied with plain Terraform commands."""

    def __init__(
        self, endpoint: Endpoint, workdir: Path, provider: str, source: Path | str,
        variables: dict[str, str], version: str,
    ) -> None:  # fmt: skip
        super().__init__(endpoint, workdir, provider)
        self.path = workdir / "config"
        if isinstance(source, Path):
            shutil.copytree(source, self.path)
        else:
            self.path.mkdir(parents=True)
            (self.path / "main.tf").write_text(source)
        endpoint_override.write(self.path, endpoint)
        pin(self.path, version)
        self.variables = variables
        self.tf: TerraformSetup | None = None

    def description(self) -> str:
        self.tf = setup(self.endpoint, provider=self.provider)
        self.terraform("init", "-input=false")
        return self.tf.provider.description

    def terraform(self, *args: str, ok: tuple[int, ...] = (0,)) -> process.Completed:
        assert self.tf is not None
        var_args = [f"-var={k}={v}" for k, v in self.variables.items()]
        extra = var_args if args[0] in ("apply", "plan") else []
        return process.run([*self.tf.argv, *args, *extra, "-no-color"], env=self.tf.env,
                           cwd=self.path, timeout=900, ok_codes=ok)  # fmt: skip

    def apply(self) -> None:
        self.terraform("apply", "-auto-approve", "-input=false")

    def plan(self) -> tuple[str, ...]:
        done = self.terraform(
            "plan", "-input=false", "-detailed-exitcode", "-out=tfplan", ok=(0, 2)
        )
        if done.returncode == 0:
            return ()
        assert self.tf is not None
        shown = process.run([*self.tf.argv, "show", "-json", "tfplan"], env=self.tf.env,
                            cwd=self.path, timeout=300)  # fmt: skip
        planned = terraform_parse.resource_actions(json.loads(shown.stdout))
        return tuple(sorted(f"{address} {'/'.join(acts)}" for address, acts in planned.items()))

    def destroy(self) -> None:
        self.terraform("apply", "-destroy", "-auto-approve", "-input=false")

    def state_of(self, address: str) -> dict[str, Any]:
        assert self.tf is not None
        doc = json.loads(process.run([*self.tf.argv, "show", "-json"], env=self.tf.env,
                                     cwd=self.path, timeout=300).stdout)  # fmt: skip
        modules = [doc["values"]["root_module"]]
        while modules:
            module = modules.pop()
            modules += module.get("child_modules", [])
            for resource in module.get("resources", []):
                if resource["address"] == address:
                    values: dict[str, Any] = resource["values"]
                    return values
        raise KeyError(address)


class ProjectSteps(Steps):
    """The project's own stack (``terraform/``) through the harness's Terraform driver."""

    BASE = "dbase"

    def __init__(self, endpoint: Endpoint, workdir: Path, provider: str, version: str) -> None:
        super().__init__(endpoint, workdir, provider)
        hcl = workdir / "hcl"
        shutil.copytree(HCL_ROOT, hcl, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
        for root in (hcl / "envs" / "base", hcl / "envs" / "app"):
            pin(root, version)
        self.driver = TerraformDriver(endpoint, workdir, runtime_for(provider), hcl_root=hcl)
        self.settings: AppSettings | None = None

    def description(self) -> str:
        return self.driver.engine().split(";")[0]

    def apply(self) -> None:
        repository = images.publish(self.endpoint, self.BASE, ["v1"])
        self.settings = AppSettings("denv", self.BASE, Strategy.PLAIN, repository, "v1")
        self.driver.deploy_base(self.BASE)
        self.driver.deploy_app(self.settings)

    def plan(self) -> tuple[str, ...]:
        assert self.settings is not None
        base = self.driver.drift_base(self.BASE)
        app = self.driver.drift_app(self.settings)
        return tuple(sorted({*(f"base:{a}" for a in base.items), *(f"app:{a}" for a in app.items)}))

    def destroy(self) -> None:
        assert self.settings is not None
        self.driver.destroy_app(self.settings)
        self.driver.destroy_base(self.BASE)
