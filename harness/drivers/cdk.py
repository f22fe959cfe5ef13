"""The CDK driver: the app under ``cdk/`` synthesized and deployed through the pinned CDK CLI.

Each distinct set of inputs (context values) is synthesized once into a cloud assembly of its
own; deploy, diff and destroy then run on that assembly (``--app DIR``), so a step never pays
for a synthesis that an earlier one already did, and synthesis is timed apart from deployment.
Synthesis runs in one app process shared by every driver of the process
(:mod:`harness.cdk_synth`: the assembly ``cdk synth -o DIR`` writes, without restarting Python,
jsii and aws-cdk-lib each time); ``HARNESS_CDK_SYNTH=cli`` runs ``cdk synth`` instead. Every step targets one stack (``--exclusively``): the app stack of an
environment never redeploys the base. The target is bootstrapped once per process.
Deploy, diff and destroy run in one Node process per endpoint through the CDK Toolkit Library
(:mod:`harness.cdk_toolkit`: ``@aws-cdk/toolkit-lib`` on the same assemblies, without a CLI
start per command); ``HARNESS_CDK_DEPLOY=cli`` runs the ``cdk`` CLI instead, as does a driver
given its own ``cli``. Bootstrap always runs through the CLI.

A failed command raises :class:`CdkError` carrying the CLI's (or the toolkit's) own last lines
of output.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from harness import (
    cdk_cli,
    cdk_synth,
    cdk_toolkit,
    cdk_typescript,
    cfn_drift,
    recovery,
    stack_reality,
    version_parameter,
)
from harness.cfn_drift import LiveDrift
from harness.drivers.base import AppSettings, DriftReport, StepResult
from harness.drivers.cdk_output import (
    deploy_skipped,
    deployment_time_s,
    diff_logical_ids,
    error_headline,
    stack_outputs,
    stacks_with_differences,
    tail,
)
from harness.endpoint import Endpoint, Target
from harness.errors import CommandError
from harness.paths import CDK_DIR, COMMANDS_FILE, REPO_ROOT
from harness.process import Completed
from harness.profiles import Profile, builtin, inputs, requires
from harness.profiles.model import Layer
from harness.profiles.strategy import strategy_inputs
from harness.records import Strategy, Tool

log = logging.getLogger(__name__)

APP_DIR = CDK_DIR
"""The CDK app (``app.py``, ``cdk.json``, ``django_stacks/``)."""
APP_SOURCES = ("app.py", "cdk.json", "django_stacks/*.py")
TOOLKIT_STACK = "CDKToolkit"
SYNTH_DONE = "harness-synth-done.json"
"""Written into an assembly once ``cdk synth`` succeeded: a failed synthesis is never reused."""
TIMEOUT_S = 900.0
NO_NOTICES = "--no-notices"  # notices are fetched from the internet; the harness runs offline
SYNTH_SWITCH = "HARNESS_CDK_SYNTH"
"""``cli``: each synthesis is a ``cdk synth`` of its own (else: the shared app process)."""
DEPLOY_SWITCH = "HARNESS_CDK_DEPLOY"
"""``cli``: deploy, diff and destroy through the ``cdk`` CLI (else: the shared toolkit worker)."""


class CdkError(CommandError):
    """A CDK CLI command failed; the message carries the CLI's own output."""


def _profile(profile: Profile | None) -> Profile:
    return profile if profile is not None else builtin(Tool.CDK)


def app_context(settings: AppSettings, profile: Profile | None = None) -> dict[str, str]:
    """The context values (``-c key=value``) that make the app deploy ``settings``: the
    profile's app inputs and strategy inputs (ours by default). The image tag is verbatim:
    for "pinned" it is the running version the lifecycle read."""
    stack = _profile(profile)
    values = inputs.app_values(settings, {"region": "", "run_tags": {}})
    filled = inputs.render_inputs(stack.app.inputs, values)
    return inputs.as_context(filled | strategy_inputs(stack, settings.strategy, values))


def base_context(
    base: str, profile: Profile | None = None, app_ingress_cidr: str = ""
) -> dict[str, str]:
    """The context values of the base layer ``base``."""
    values = inputs.base_values(base, app_ingress_cidr, {"run_tags": {}})
    filled = inputs.render_inputs(_profile(profile).base.inputs, values)
    return inputs.as_context(filled)


def context_args(context: Mapping[str, str]) -> list[str]:
    return [arg for key in sorted(context) for arg in ("-c", f"{key}={context[key]}")]


def layer_environment(layer: Layer, values: Mapping[str, Any]) -> dict[str, str]:
    """The environment variables a layer gives the app process (text, as context values)."""
    return inputs.as_context(inputs.render_inputs(layer.environment, values))


def layer_files(layer: Layer, values: Mapping[str, Any]) -> dict[str, str]:
    """The files a layer writes into the app dir before synthesis: relative path -> JSON text."""
    return {
        str(inputs.render(f.path, values)): json.dumps(inputs.render(f.content, values),
                                                       indent=2, sort_keys=True) + "\n"
        for f in layer.files
    }  # fmt: skip


def base_stack(base: str, profile: Profile | None = None) -> str:
    return str(inputs.render(_profile(profile).base.stack, {"base": base}))


def app_stack(env: str, profile: Profile | None = None) -> str:
    return str(inputs.render(_profile(profile).app.stack, {"env": env}))


# -- the driver ----------------------------------------------------------------------------------
_bootstrap_lock = threading.Lock()
_bootstrapped: set[tuple[str, str, str]] = set()


_servers: dict[tuple[str, str, str], cdk_synth.SynthServer] = {}
_servers_lock = threading.Lock()


def shared_synth_server(
    cli: cdk_cli.CdkCli, app_dir: Path, app: str | None = None
) -> cdk_synth.SynthServer:
    """The process's one synth server for ``app_dir`` and app command ``app`` (stopped at exit)."""
    key = (str(cli.script), str(app_dir), app or "")
    with _servers_lock:
        if key not in _servers:
            _servers[key] = cdk_synth.SynthServer(cli, app_dir, app)
        return _servers[key]


_toolkits: dict[tuple[str, str], cdk_toolkit.ToolkitServer] = {}


def shared_toolkit_server(cli: cdk_cli.CdkCli, endpoint: Endpoint) -> cdk_toolkit.ToolkitServer:
    """The process's one toolkit worker for ``endpoint`` (its environment is the endpoint's).

    On an emulator the cells' access keys differ (each cell's calls are counted apart): they
    go with each request (:meth:`CdkDriver._in_toolkit`), so all cells share one worker.
    """
    env = endpoint.env()
    if endpoint.target is not Target.AWS:
        env.pop("AWS_ACCESS_KEY_ID", None)
    key = (str(cli.script), json.dumps([str(endpoint.target), env], sort_keys=True))
    with _servers_lock:
        if key not in _toolkits:
            _toolkits[key] = cdk_toolkit.ToolkitServer(cli, endpoint)
        return _toolkits[key]


class CdkDriver:
    """``StackDriver`` for the CDK app, bound to one endpoint and a working directory."""

    tool = Tool.CDK

    def __init__(
        self,
        workdir: Path,
        endpoint: Endpoint,
        *,
        cli: cdk_cli.CdkCli | None = None,
        app_dir: Path | None = None,
        synthesizer: str = "default",
        timeout_s: float = TIMEOUT_S,
        synth_server: cdk_synth.SynthServer | None = None,
        profile: Profile | None = None,
        toolkit: cdk_toolkit.ToolkitServer | None = None,
    ) -> None:
        """``synth_server``: where synthesis runs; by default the process's shared one, or
        ``cdk synth`` of the ``cli`` when one is passed in (or ``HARNESS_CDK_SYNTH=cli``).
        ``toolkit``: where deploy, diff and destroy run; likewise the process's shared worker
        for the endpoint (when toolkit-lib is installed), else the ``cdk`` CLI.
        ``profile``: the stack (ours by default); ``app_dir`` overrides its app directory."""
        self.profile = _profile(profile)
        if app_dir is None:
            app_dir = APP_DIR if profile is None else REPO_ROOT / self.profile.app.dir
        # absolute: the CLI runs in other directories (the app's, the assembly's)
        self.workdir, self.endpoint, self.app_dir = Path(workdir).resolve(), endpoint, app_dir
        self.app_command = self.profile.app_command or None
        if self.app_command and cdk_typescript.is_typescript(app_dir, self.app_command):
            cdk_typescript.link(app_dir)  # an upstream checkout has no node_modules of its own
        if synth_server is None and cli is None and os.environ.get(SYNTH_SWITCH) != "cli":
            synth_server = shared_synth_server(cdk_cli.locate(), app_dir, self.app_command)
        own_cli = cli is not None
        self.cli = cli or cdk_cli.locate()
        if (
            toolkit is None
            and not own_cli
            and os.environ.get(DEPLOY_SWITCH) != "cli"
            and cdk_toolkit.installed_version(self.cli) is not None
        ):
            toolkit = shared_toolkit_server(self.cli, endpoint)
        self.toolkit = toolkit
        self.synthesizer, self.timeout_s = synthesizer, timeout_s
        self.synth_server = synth_server
        self.workdir.mkdir(parents=True, exist_ok=True)

    # -- what ran -------------------------------------------------------------------------------
    def tool_version(self) -> str:
        lib = f"aws-cdk-lib {_package_version('aws-cdk-lib')}"
        if self.toolkit is not None:  # the CLI only bootstraps
            return (
                f"{cdk_toolkit.PACKAGE} {self.toolkit.version} ({lib}; aws-cdk {self.cli.version})"
            )
        return f"aws-cdk {self.cli.version} ({lib})"

    def engine(self) -> str:
        if self.endpoint.target is Target.AWS:
            cfn = "AWS CloudFormation"
        else:
            cfn = f"CloudFormation on {self.endpoint.engine or self.endpoint.target}"
        engine = f"{cfn}; {self.synthesizer} synthesizer"
        if self.toolkit is not None:
            engine += f"; deployed through {cdk_toolkit.PACKAGE} {self.toolkit.version}"
        return engine

    # -- StackDriver ----------------------------------------------------------------------------
    def deploy_base(self, base: str, app_ingress_cidr: str = "") -> StepResult:
        began = time.perf_counter()
        # The synthesis needs no bootstrap (only the deploy does): the two run side by side,
        # the first base's bootstrap being seconds on the run's critical path.
        with ThreadPoolExecutor(1, thread_name_prefix="cdk-base-synth") as pool:
            synthesized = pool.submit(self._synth_base, base, app_ingress_cidr)
            timings = self._prepare_target(base)
            assembly, timings["synth"] = synthesized.result()
        result = self._deploy(assembly, base_stack(base, self.profile), timings, began,
                              selector=self._selector("base", base))  # fmt: skip
        return result

    def deploy_app(self, settings: AppSettings) -> StepResult:
        began = time.perf_counter()
        timings = self._prepare_target(None)
        if settings.strategy is Strategy.SSM_TAG:  # the pipeline's first version, resolved by CFN
            version_parameter.publish_first(self.endpoint, settings.env, settings.image_tag)
        assembly, timings["synth"] = self._synth_app(settings)
        return self._deploy(assembly, app_stack(settings.env, self.profile), timings, began,
                            selector=self._selector("app", settings.env))  # fmt: skip

    def hotswap_app(self, settings: AppSettings) -> StepResult:
        """``cdk deploy --hotswap``: the changed task definitions and their services through the
        ECS API, CloudFormation's template left as it was (the ``hotswap`` strategy's app update)."""
        began = time.perf_counter()
        timings = self._prepare_target(None)
        assembly, timings["synth"] = self._synth_app(settings)
        return self._deploy(assembly, app_stack(settings.env, self.profile), timings, began,
                            hotswap=True, selector=self._selector("app", settings.env))  # fmt: skip

    def drift_app(self, settings: AppSettings) -> DriftReport:
        """``cdk diff --fail`` of the app stack against the inputs ``settings`` (templates, not live state)."""
        began = time.perf_counter()
        assembly, synth_s = self._synth_app(settings)
        stack = app_stack(settings.env, self.profile)
        selector = self._selector("app", settings.env)
        if self.toolkit is not None:
            answer = self._in_toolkit(self.toolkit, "diff", assembly, stack, selector=selector)
            count, items = int(answer["count"]), diff_logical_ids(str(answer["formatted"]))
        else:
            count, items = self._diff_with_cli(assembly, selector)
        detail = f"{count} stack(s) differ; synth {synth_s:.2f}s" if count else "no differences"
        checked_s = time.perf_counter() - began
        return DriftReport(count > 0, items, checked_s, detail, self._live_drift(stack))

    def _diff_with_cli(self, assembly: Path, selector: str) -> tuple[int, tuple[str, ...]]:
        done = self._cdk(
            ["diff", "--app", str(assembly), selector, "--exclusively", "--fail"], ok=(0, 1)
        )
        output = done.stdout + done.stderr
        count = stacks_with_differences(output)
        if count is None:  # exit 1 is also how the CLI fails: only its summary tells them apart
            raise CdkError(done.argv, done.returncode, tail(output), message="cdk diff failed")
        return count, diff_logical_ids(output)

    def _live_drift(self, stack: str) -> LiveDrift | None:
        """CloudFormation drift detection of the deployed stack: the live state ``cdk diff``
        never reads. None (logged) where the target does not offer it."""
        cfn = self.endpoint.client("cloudformation")
        try:
            return cfn_drift.detect(cfn, stack)
        except (ClientError, NotImplementedError) as exc:  # a LocalStack, moto without our layer
            log.warning("%s: no drift detection on this target: %s", stack, exc)
            return None

    def destroy_app(self, settings: AppSettings) -> StepResult:
        began = time.perf_counter()
        assembly, synth_s = self._synth_app(settings)
        return self._destroy(assembly, app_stack(settings.env, self.profile), synth_s, began,
                             selector=self._selector("app", settings.env))  # fmt: skip

    def destroy_base(self, base: str) -> StepResult:
        began = time.perf_counter()
        assembly, synth_s = self._synth_base(base)
        return self._destroy(assembly, base_stack(base, self.profile), synth_s, began,
                             selector=self._selector("base", base))  # fmt: skip

    # -- what a profile gives the app besides context -------------------------------------------
    def _selector(self, kind: str, name: str) -> str:
        """What the CLI selects the layer's stack by: its construct id, else its name."""
        layer = self.profile.layer(kind)
        if layer.stack_id:
            return str(inputs.render(layer.stack_id, {"base": name, "env": name}))
        return base_stack(name, self.profile) if kind == "base" else app_stack(name, self.profile)

    def _common(self, base: str) -> dict[str, Any]:
        """The placeholders of every layer, for a profile's environment and files (region,
        account, and what its ``[requires]`` makes: ``{domain}``, ``{certificate_arn}``)."""
        values: dict[str, Any] = {"region": self.endpoint.region,
                                  "run_tags": dict(self.endpoint.tags), "base": base}  # fmt: skip
        layers = (self.profile.base, self.profile.app)
        if not any(layer.environment or layer.files for layer in layers):
            return values  # ours: context only
        if self.profile.requires is not None:  # the user's own, made if missing (never destroyed)
            key = self.endpoint.credentials.get("AWS_ACCESS_KEY_ID", "")
            own = self.endpoint.with_access_key(f"{key}-requires") if key else self.endpoint
            values |= requires.values(own, self.profile, base)
        values["account"] = self.endpoint.client("sts").get_caller_identity()["Account"]
        return values

    def _synth_base(self, base: str, app_ingress_cidr: str = "") -> tuple[Path, float]:
        layer, context = self.profile.base, base_context(base, self.profile, app_ingress_cidr)
        if not (layer.environment or layer.files):
            return self.synthesize(context)
        values = self._common(base)
        return self.synthesize(context, layer_environment(layer, values),
                               layer_files(layer, values))  # fmt: skip

    def _synth_app(self, settings: AppSettings) -> tuple[Path, float]:
        app = self.profile.app
        if not (app.environment or app.files):
            return self.synthesize(app_context(settings, self.profile))
        common = self._common(settings.base)
        values = inputs.app_values(settings, common)
        # the app's synthesis runs the base stack's code too: its files are written as well
        files = layer_files(self.profile.base, common) | layer_files(app, values)
        return self.synthesize(app_context(settings, self.profile),
                               layer_environment(app, values), files)  # fmt: skip

    # -- synthesis ------------------------------------------------------------------------------
    def synthesize(
        self,
        context: Mapping[str, str],
        environment: Mapping[str, str] | None = None,
        files: Mapping[str, str] | None = None,
    ) -> tuple[Path, float]:
        """The cloud assembly of ``context`` and the seconds synthesis took (0.0 when cached).
        ``environment``: variables of the app process; ``files``: path (relative to the app
        dir) -> text, written before synthesis (a profile's generated files)."""
        full = {**context, "synthesizer": self.synthesizer}
        if self.endpoint.tags:  # a sandbox account: the run id on everything
            full["run_tags"] = json.dumps(self.endpoint.tags, sort_keys=True)
        environment, files = dict(environment or {}), dict(files or {})
        outdir = self.workdir / "assemblies" / self._assembly_key(full, environment, files)
        done_marker = outdir / SYNTH_DONE
        if done_marker.exists():  # also from another driver sharing this working directory
            return outdir, 0.0
        for rel, text in files.items():
            path = self.app_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        began = time.perf_counter()
        if self.synth_server is None:
            app = ["--app", self.app_command] if self.app_command else []
            self._cdk(["synth", "--quiet", "-o", str(outdir), *app, *context_args(full)],
                      extra_env=environment)  # fmt: skip
        else:
            self._synth_in_server(self.synth_server, outdir, full, environment)
        done_marker.write_text(json.dumps(full, sort_keys=True))
        return outdir, time.perf_counter() - began

    def _assembly_key(
        self,
        context: Mapping[str, str],
        environment: Mapping[str, str] | None = None,
        files: Mapping[str, str] | None = None,
    ) -> str:
        # The app's own sources are part of the key: an edit between runs must not reuse a stale
        # assembly (a driver's cache lives as long as its working directory).
        given = [dict(context)]
        if environment or files:  # (ours has neither: its keys stay what they were)
            given += [dict(environment or {}), dict(files or {})]
        digest = hashlib.sha256(json.dumps(given[0] if len(given) == 1 else given,
                                           sort_keys=True).encode())  # fmt: skip
        for pattern in self.profile.sources or APP_SOURCES:
            for path in sorted(self.app_dir.glob(pattern)):
                digest.update(path.read_bytes())
        if COMMANDS_FILE.exists():
            digest.update(COMMANDS_FILE.read_bytes())
        return digest.hexdigest()[:16]

    def _synth_in_server(
        self,
        server: cdk_synth.SynthServer,
        outdir: Path,
        context: Mapping[str, str],
        environment: Mapping[str, str] | None = None,
    ) -> None:
        try:
            server.synth(outdir, context, self.endpoint, environment)
        except CommandError as exc:
            raise CdkError(exc.argv, exc.returncode, exc.stderr_tail,
                           message=f"cdk synth failed: {exc}") from exc  # fmt: skip

    # -- deploy and destroy ---------------------------------------------------------------------
    def _deploy(
        self,
        assembly: Path,
        stack: str,
        timings: dict[str, float],
        began: float,
        *,
        hotswap: bool = False,
        selector: str = "",
    ) -> StepResult:
        """``stack``: its CloudFormation name; ``selector``: what the CLI selects it by."""
        # A stack an interrupted run left mid-operation or failed: waited for, rolled on, recreated.
        recovery.recover_stack(self.endpoint.client("cloudformation"), stack)
        if self.toolkit is not None:
            answer = self._in_toolkit(
                self.toolkit, "deploy", assembly, stack, hotswap=hotswap, selector=selector
            )
            self._ensure_real(stack)
            timings["deploy"] = float(answer["durationS"])
            if answer.get("deploymentS") is not None:
                timings["cloudformation"] = float(answer["deploymentS"])
            return StepResult(
                duration_s=time.perf_counter() - began,
                timings=timings,
                outputs=stack_outputs({stack: answer.get("outputs") or {}}, stack),
                changed=not answer.get("noOp"),
            )
        outputs_file = self.workdir / f"outputs-{stack}.json"
        outputs_file.unlink(missing_ok=True)
        args = ["deploy", "--app", str(assembly), selector or stack, "--exclusively"]
        args += ["--require-approval", "never", "--hotswap" if hotswap else "--method=change-set"]
        args += ["--outputs-file", str(outputs_file)]
        done = self._cdk(args)
        self._ensure_real(stack)
        output = done.stdout + done.stderr
        timings["deploy"] = done.duration_s
        cfn_s = deployment_time_s(output)
        if cfn_s is not None:
            timings["cloudformation"] = cfn_s
        outputs = json.loads(outputs_file.read_text()) if outputs_file.exists() else {}
        return StepResult(
            duration_s=time.perf_counter() - began,
            timings=timings,
            outputs=stack_outputs(outputs, stack),
            changed=not deploy_skipped(output),
        )

    def _destroy(self, assembly: Path, stack: str, synth_s: float, began: float,
                 selector: str = "") -> StepResult:  # fmt: skip
        recovery.recover_stack(self.endpoint.client("cloudformation"), stack, destroying=True)
        if self.toolkit is not None:
            answer = self._in_toolkit(self.toolkit, "destroy", assembly, stack, selector=selector)
            seconds = float(answer["durationS"])
        else:
            argv = [
                "destroy",
                "--app",
                str(assembly),
                selector or stack,
                "--exclusively",
                "--force",
            ]
            seconds = self._cdk(argv).duration_s
        timings = {"synth": synth_s, "destroy": seconds}
        return StepResult(duration_s=time.perf_counter() - began, timings=timings, changed=True)

    # -- the target -----------------------------------------------------------------------------
    def _prepare_target(self, base: str | None) -> dict[str, float]:
        """Bootstrap (once per target); its time. (The base generates its own database password.)"""
        timings: dict[str, float] = {}
        began = time.perf_counter()
        self._warm_up()
        if self.synthesizer == "default" and self._bootstrap():
            timings["bootstrap"] = time.perf_counter() - began
        return timings

    def _warm_up(self) -> None:
        """Start the synth server and the toolkit worker (seconds each) beside the bootstrap,
        once per process: the first deploy then finds them running. A start that fails here
        fails again, with its error, where the step needs it."""
        for server in (self.synth_server, self.toolkit):
            if server is None or id(server) in _warming:
                continue
            _warming.add(id(server))
            start = (
                functools.partial(server.start, self.endpoint)
                if isinstance(server, cdk_synth.SynthServer)
                else server.start
            )
            threading.Thread(target=_quietly, args=(start,), daemon=True).start()

    def _bootstrap(self) -> bool:
        """``cdk bootstrap`` unless this process or someone before did; True if it ran now."""
        account = self.endpoint.client("sts").get_caller_identity()["Account"]
        target = (self.endpoint.url or "aws", account, self.endpoint.region)
        with _bootstrap_lock:
            if target in _bootstrapped:
                return False
            ran = not self._toolkit_ready()
            if ran:
                # Outside the app's directory: with a cdk.json at hand the CLI would synthesize
                # the app first (seconds, and a cdk.out in the repository).
                argv = ["bootstrap", f"aws://{account}/{self.endpoint.region}"]
                self._cdk(argv, cwd=self.workdir)
            self._ensure_real(TOOLKIT_STACK)
            _bootstrapped.add(target)
            return ran

    def _ensure_real(self, stack: str) -> None:
        """Off the embedded emulator, fail a deploy whose resources are not really there
        (LocalStack's fallback resources); the emulator creates all it reports."""
        if self.endpoint.target is not Target.EMBEDDED:
            stack_reality.ensure_real(self.endpoint, stack)

    def _toolkit_ready(self) -> bool:
        cfn = self.endpoint.client("cloudformation")
        try:
            stacks = cfn.describe_stacks(StackName=TOOLKIT_STACK)["Stacks"]
        except cfn.exceptions.ClientError:
            return False
        return any(s["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE") for s in stacks)

    # -- running the toolkit or the CLI -----------------------------------------------------------
    def _in_toolkit(
        self,
        toolkit: cdk_toolkit.ToolkitServer,
        action: str,
        assembly: Path,
        stack: str,
        *,
        hotswap: bool = False,
        selector: str = "",
    ) -> dict[str, Any]:
        """``action`` (deploy, diff, destroy) of ``stack`` (its CloudFormation name) alone in the
        toolkit worker; ``selector``: what the toolkit selects it by (default the name)."""
        fields: dict[str, Any] = {"assembly": str(assembly), "stack": stack}
        if selector and selector != stack:
            fields["selector"] = selector
        if (
            self.endpoint.target is not Target.AWS
        ):  # this cell's own key (see shared_toolkit_server)
            fields["credentials"] = dict(self.endpoint.credentials)
        if hotswap:
            fields["hotswap"] = True
        try:
            return toolkit.request(action, timeout_s=self.timeout_s, **fields)
        except cdk_toolkit.ToolkitFailed as exc:
            raise CdkError(exc.argv, exc.returncode, exc.stderr_tail, message=exc.headline) from exc

    def _cdk(
        self,
        args: Sequence[str],
        ok: Sequence[int] = (0,),
        cwd: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> Completed:
        try:
            return self.cli.run(
                [*args, NO_NOTICES],
                self.endpoint,
                cwd=cwd or self.app_dir,
                timeout=self.timeout_s,
                extra_env=extra_env,
                ok_codes=ok,
            )
        except CommandError as exc:
            raise CdkError(
                exc.argv,
                exc.returncode,
                exc.stderr_tail,
                message=error_headline(exc),
                stdout_tail=exc.stdout_tail,
            ) from exc


_warming: set[int] = set()
"""Servers a warm-up was started for (by ``id``)."""


def _quietly(start: Callable[[], object]) -> None:
    try:
        start()
    except Exception as exc:  # the step that needs the server raises it again
        log.debug("warming up failed: %s", exc)


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
