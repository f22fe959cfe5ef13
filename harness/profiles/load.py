"""Reading a stack profile: TOML (``tomllib``) checked key by key.

Every problem is reported, each on a line of its own naming the file, the key and what to
fix, in one :class:`ProfileError` (a :class:`~harness.errors.UsageError`: exit 2).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.contract import COMPONENTS, SERVICES, Component, Contract
from harness.errors import UsageError
from harness.expectations import STRATEGIES
from harness.paths import REPO_ROOT
from harness.profiles import inputs
from harness.profiles.model import (
    Change,
    Edit,
    GeneratedFile,
    Layer,
    Profile,
    Requires,
    Upstream,
)
from harness.records import ChangeKind, Strategy, Tool

FORMAT = 1
PROFILES_DIR = REPO_ROOT / "profiles"
BUILTIN = {Tool.TERRAFORM: PROFILES_DIR / "harness-terraform.toml",
           Tool.CDK: PROFILES_DIR / "harness-cdk.toml"}  # fmt: skip
"""Our two stacks' profiles: what runs when no ``--stack`` is given."""

_TOP = {"format", "name", "tool", "description", "tree", "source", "edits", "layers",
        "strategies", "changes", "contract", "requires", "cdk", "envs_per_base"}  # fmt: skip
_LAYER = {"dir", "stack", "workspace", "inputs", "secret_inputs", "stack_id", "environment",
          "files"}  # fmt: skip
_CDK_LAYER = ("stack_id", "environment", "files")
_CONTRACT = {"cluster", "log_group", "image_repository", "target_group", "components",
             "private_subnets", "app_security_group"}  # fmt: skip
_CONTRACT_VALUES = {"cluster": {"env", "base"},
                    "log_group": {"env", "base", "component", "container"},
                    "image_repository": {"env", "base", "account", "region"},
                    "target_group": {"env", "base"}}  # fmt: skip


class ProfileError(UsageError):
    """A stack profile that cannot be used as it is; the message lists every problem."""

    def __init__(self, path: Path, found: list[str]) -> None:
        self.path, self.problems = path, tuple(found)
        lines = "\n".join(f"  {path}: {p}" for p in found)
        super().__init__(f"stack profile {path} has {len(found)} problem(s):\n{lines}")


class _Check:
    """Collects problems while a profile is read."""

    def __init__(self, path: Path) -> None:
        self.path, self.found = path, list[str]()

    def add(self, key: str, text: str) -> None:
        self.found.append(f"{key}: {text}")

    def keys(self, table: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.add(
                    f"{where}{key}", f"unknown key; expected one of {', '.join(sorted(allowed))}"
                )

    def table(self, data: Mapping[str, Any], key: str, where: str = "") -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.add(f"{where}{key}", f"must be a table, not {type(value).__name__}")
            return {}
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str = "", *, required: bool = True,
             default: str = "") -> str:  # fmt: skip
        value = data.get(key)
        if value is None:
            if required:
                self.add(f"{where}{key}", "missing; give it a string")
            return default
        if not isinstance(value, str) or (required and not value):
            self.add(f"{where}{key}", f"must be a non-empty string, not {value!r}")
            return default
        return value


def load(path: Path | str) -> Profile:
    """The profile in ``path``; :class:`ProfileError` listing every problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(path, ["no such file: name a stack profile (.toml), e.g. "
                                  f"{BUILTIN[Tool.TERRAFORM]}"]) from None  # fmt: skip
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, [f"not valid TOML ({exc}): fix the syntax"]) from None
    check = _Check(path)
    profile = _read(data, check)
    if check.found or profile is None:
        raise ProfileError(path, check.found)
    return profile


@functools.cache
def builtin(tool: Tool) -> Profile:
    """Our own stack of ``tool`` (read once per process)."""
    return load(BUILTIN[tool])


def _read(data: dict[str, Any], check: _Check) -> Profile | None:
    check.keys(data, "", _TOP)
    if data.get("format") != FORMAT:
        check.add("format", f"must be {FORMAT} (this harness reads format {FORMAT}), not "
                            f"{data.get('format')!r}")  # fmt: skip
    name = check.text(data, "name")
    tool_text = check.text(data, "tool")
    tool = Tool(tool_text) if tool_text in {t.value for t in Tool} else None
    if tool is None and tool_text:
        check.add("tool", f"unknown tool {tool_text!r}; choose terraform or cdk")
    source, modules = _source(check.table(data, "source"), check)
    layers = check.table(data, "layers")
    check.keys(layers, "layers.", {"base", "app"})
    base = _layer(layers, "base", tool, check)
    app = _layer(layers, "app", tool, check)
    strategies = _strategies(check.table(data, "strategies"), tool, check)
    changes = _changes(check.table(data, "changes"), base, app, check)
    contract = _contract(check.table(data, "contract"), check)
    edits = _edits(data.get("edits", []), source, check)
    tree = check.text(data, "tree", required=False, default=".")
    requires = _requires(check.table(data, "requires"), check)
    app_command, sources = _cdk(check.table(data, "cdk"), tool, check)
    envs_per_base = data.get("envs_per_base", 0)
    if type(envs_per_base) is not int or envs_per_base < 0:
        check.add("envs_per_base", f"must be a whole number >= 1 (0 or absent: any number), not "
                                   f"{envs_per_base!r}")  # fmt: skip
        envs_per_base = 0
    if source is None:
        _dirs_exist(tree, base, app, tool, check)
    if tool is Tool.CDK and base and app and base.dir != app.dir:
        check.add("layers.base.dir", f"{base.dir} is not layers.app.dir ({app.dir}): the driver "
                                     "runs one CDK app holding both stacks")  # fmt: skip
    if tool is None or base is None or app is None or contract is None:
        return None
    return Profile(check.path.resolve(), name, tool, check.text(data, "description", required=False),
                   tree, base, app, strategies, changes, contract, source, modules,
                   edits, requires, envs_per_base, app_command, sources)  # fmt: skip


def _cdk(table: dict[str, Any], tool: Tool | None, check: _Check) -> tuple[str, tuple[str, ...]]:
    """``[cdk]``: the app command and the app's source globs (a CDK profile's only)."""
    if not table:
        return "", ()
    if tool is not Tool.CDK:
        check.add("cdk", "a CDK setting; remove it from a Terraform profile")
    check.keys(table, "cdk.", {"app", "sources"})
    sources = table.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(g, str) and g for g in sources):
        check.add(
            "cdk.sources", 'must be a list of globs relative to the app dir, e.g. "src/**/*.ts"'
        )
        sources = []
    return check.text(table, "app", "cdk.", required=False), tuple(sources)


def _requires(table: dict[str, Any], check: _Check) -> Requires | None:
    if not table:
        return None
    check.keys(table, "requires.", {"hosted_zone", "certificate", "images"})
    images = table.get("images", [])
    if not isinstance(images, list) or not all(isinstance(i, str) and ":" in i for i in images):
        check.add("requires.images", 'must be a list of "REPO:TAG" (e.g. "{base}-frontend:latest")')
        images = []
    return Requires(check.text(table, "hosted_zone", "requires.", required=False),
                    check.text(table, "certificate", "requires.", required=False),
                    tuple(images))  # fmt: skip


def _source(table: dict[str, Any], check: _Check) -> tuple[Upstream | None, dict[str, Upstream]]:
    if not table:
        return None, {}
    check.keys(table, "source.", {"repository", "commit", "modules"})
    upstream = Upstream(
        check.text(table, "repository", "source."), check.text(table, "commit", "source.")
    )
    modules = {}
    for module, spec in check.table(table, "modules", "source.").items():
        where = f'source.modules."{module}".'
        if not isinstance(spec, dict):
            check.add(where[:-1], "must be a table with repository and commit")
            continue
        check.keys(spec, where, {"repository", "commit"})
        modules[module] = Upstream(
            check.text(spec, "repository", where), check.text(spec, "commit", where)
        )
    return upstream, modules


def _layer(layers: dict[str, Any], kind: str, tool: Tool | None, check: _Check) -> Layer | None:
    where = f"layers.{kind}."
    table = check.table(layers, kind)
    if not table:
        check.add(f"layers.{kind}", f"missing; give the {kind} layer's dir and inputs")
        return None
    check.keys(table, where, _LAYER)
    base_allowed = inputs.BASE_PLACEHOLDERS | {f"settings.{f}" for f in inputs.BASE_SETTINGS}
    allowed = base_allowed if kind == "base" else inputs.APP_PLACEHOLDERS | {"settings"}
    templates = check.table(table, "inputs", where)
    for key, template in templates.items():
        for problem in inputs.problems(template, frozenset(allowed)):
            check.add(f"{where}inputs.{key}", problem)
    stack = check.text(table, "stack", where, required=tool is Tool.CDK)
    workspace = check.text(table, "workspace", where, required=False)
    if tool is Tool.CDK and workspace:
        check.add(f"{where}workspace", "a Terraform setting; a CDK layer has a stack instead")
    if tool is Tool.TERRAFORM and stack:
        check.add(f"{where}stack", "a CDK setting; a Terraform layer has a dir (and a workspace)")
    for key in ("stack", "workspace"):
        for problem in inputs.problems(table.get(key, ""), frozenset(allowed)):
            check.add(f"{where}{key}", problem)
    secrets = table.get("secret_inputs", [])
    if not isinstance(secrets, list) or not all(isinstance(s, str) for s in secrets):
        check.add(f"{where}secret_inputs", "must be a list of variable names")
        secrets = []
    elif secrets and tool is not Tool.TERRAFORM:
        check.add(f"{where}secret_inputs", "Terraform only (passed as TF_VAR_NAME)")
    if tool is Tool.TERRAFORM:
        for key in _CDK_LAYER:
            if key in table:
                check.add(f"{where}{key}", "a CDK setting; a Terraform layer has inputs")
    stack_id = check.text(table, "stack_id", where, required=False)
    environment = check.table(table, "environment", where)
    for key, template in environment.items():
        for problem in inputs.problems(template, frozenset(allowed)):
            check.add(f"{where}environment.{key}", problem)
    files = _files(table.get("files", []), where, frozenset(allowed), check)
    return Layer(check.text(table, "dir", where), templates, stack, workspace, tuple(secrets),
                 stack_id, environment, files)  # fmt: skip


def _files(items: Any, where: str, allowed: frozenset[str],
           check: _Check) -> tuple[GeneratedFile, ...]:  # fmt: skip
    """``[[layers.X.files]]``: path and content (a template written as JSON)."""
    if not isinstance(items, list):
        check.add(f"{where}files", "must be an array of tables ([[layers.KIND.files]])")
        return ()
    found = []
    for n, item in enumerate(items, 1):
        at = f"{where}files[{n}]."
        if not isinstance(item, dict):
            check.add(at[:-1], "must be a table with path and content")
            continue
        check.keys(item, at, {"path", "content"})
        path = check.text(item, "path", at)
        if path.startswith("/") or ".." in Path(path).parts:
            check.add(f"{at}path", f"{path} must stay inside the app dir (a relative path)")
        if "content" not in item:
            check.add(f"{at}content", "missing; give the file's content (a table: written as JSON)")
        for key, value in (("path", path), ("content", item.get("content"))):
            for problem in inputs.problems(value, allowed):
                check.add(f"{at}{key}", problem)
        found.append(GeneratedFile(path, item.get("content")))
    return tuple(found)


def _strategies(
    table: dict[str, Any], tool: Tool | None, check: _Check
) -> dict[Strategy, dict[str, Any]]:
    if not table:
        check.add("strategies", "missing; name at least one strategy the stack has")
    known = {s.value: s for s in (STRATEGIES[tool] if tool else Strategy)}
    found: dict[Strategy, dict[str, Any]] = {}
    for name, spec in table.items():
        where = f"strategies.{name}"
        if name not in known:
            check.add(where, f"not a {tool or 'known'} strategy; choose from {', '.join(known)}")
            continue
        if not isinstance(spec, dict):
            check.add(where, "must be a table (inputs = {...})")
            continue
        check.keys(spec, f"{where}.", {"inputs"})
        templates = check.table(spec, "inputs", f"{where}.")
        for key, template in templates.items():
            for problem in inputs.problems(
                template, frozenset(inputs.APP_PLACEHOLDERS | {"settings"})
            ):
                check.add(f"{where}.inputs.{key}", problem)
        found[known[name]] = templates
    return found


def _changes(
    table: dict[str, Any], base: Layer | None, app: Layer | None, check: _Check
) -> dict[ChangeKind, Change]:
    known = {k.value: k for k in ChangeKind}
    found = {ChangeKind.NONE: Change()}  # every stack can be deployed again unchanged
    layers = [
        [dict(layer.inputs), dict(layer.environment), [f.content for f in layer.files]]
        for layer in (base, app)
        if layer is not None
    ]
    used = {n.removeprefix("settings.") for t in layers for n, _ in inputs.placeholders(t)}
    for name, spec in table.items():
        where = f"changes.{name}"
        if name not in known:
            check.add(where, f"unknown change kind; choose from {', '.join(known)}")
            continue
        if not isinstance(spec, dict):
            check.add(where, "must be a table (settings = [...])")
            continue
        check.keys(spec, f"{where}.", {"settings"})
        settings = spec.get("settings", [])
        if not isinstance(settings, list) or not all(isinstance(s, str) for s in settings):
            check.add(f"{where}.settings", "must be a list of AppSettings field names")
            settings = []
        turned = sorted(turned_settings(known[name]))
        if sorted(settings) != turned:
            check.add(f"{where}.settings", f"the harness turns {', '.join(turned) or 'nothing'} for "
                                          f"{name} (harness/changes.py): list exactly those")  # fmt: skip
        for field_name in settings:
            if app is not None and field_name in inputs.SETTINGS_FIELDS and field_name not in used:
                layer = "layers.base" if field_name in inputs.BASE_SETTINGS else "layers.app"
                check.add(f"{where}.settings", f"{field_name} reaches no input of {layer}: add "
                                              f"an input {{settings.{field_name}}} or drop [{where}]")  # fmt: skip
        found[known[name]] = Change(tuple(settings))
    return found


def turned_settings(kind: ChangeKind) -> set[str]:
    """The AppSettings fields the change ``kind`` turns (``harness/changes.py``)."""
    from harness.changes import apply_change
    from harness.drivers.base import AppSettings

    before = AppSettings("env", "base", Strategy.PLAIN, "repo", "v1")
    after = apply_change(before, kind)
    return {f for f in inputs.SETTINGS_FIELDS if getattr(after, f) != getattr(before, f)}


def _contract(table: dict[str, Any], check: _Check) -> Contract | None:
    if not table:
        check.add("contract", "missing; give cluster, log_group, image_repository, components")
        return None
    check.keys(table, "contract.", _CONTRACT)
    for key, allowed in _CONTRACT_VALUES.items():
        value = table.get(key, "")
        for name, _ in inputs.placeholders(value):
            if name not in allowed:
                check.add(f"contract.{key}", f"unknown placeholder {{{name}}}; choose from "
                                             f"{', '.join(sorted(allowed))}")  # fmt: skip
    components: dict[str, Component] = {}
    given = check.table(table, "components", "contract.")
    for name in given:
        if name not in COMPONENTS:
            check.add(
                f"contract.components.{name}",
                f"unknown component; the contract's are {', '.join(COMPONENTS)}",
            )
    for name in COMPONENTS:
        where = f"contract.components.{name}."
        spec = given.get(name)
        if not isinstance(spec, dict):
            check.add(
                where[:-1], "missing; give service (not for backend-update), family, container"
            )
            continue
        check.keys(spec, where, {"service", "family", "container"})
        service = check.text(spec, "service", where, required=name in SERVICES)
        if name not in SERVICES and service:
            check.add(f"{where}service", "the one-off task runs without a service: remove it")
        components[name] = Component(service, check.text(spec, "family", where),
                                     check.text(spec, "container", where))  # fmt: skip
    network = {
        key: _filters(table, key, check) for key in ("private_subnets", "app_security_group")
    }
    return Contract(
        check.text(table, "cluster", "contract."),
        check.text(table, "log_group", "contract."),
        check.text(table, "image_repository", "contract."),
        components,
        check.text(table, "target_group", "contract.", required=False),
        **{k: v for k, v in network.items() if v is not None},
    )


def _filters(table: dict[str, Any], key: str, check: _Check) -> dict[str, str] | None:
    """EC2 filters (name -> value template of ``{base}``); None when not given (ours)."""
    if key not in table:
        return None
    given = table[key]
    if (
        not isinstance(given, dict)
        or not given
        or not all(isinstance(v, str) for v in given.values())
    ):
        check.add(
            f"contract.{key}",
            'must be a table of EC2 filters, e.g. { "tag:Name" = "{base}-private-*" }',
        )
        return None
    for value in given.values():
        for name, _ in inputs.placeholders(value):
            if name != "base":
                check.add(f"contract.{key}", f"unknown placeholder {{{name}}}; only {{base}}")
    return dict(given)


def _edits(items: Any, source: Upstream | None, check: _Check) -> tuple[Edit, ...]:
    if not isinstance(items, list):
        check.add("edits", "must be an array of tables ([[edits]])")
        return ()
    if items and source is None:
        check.add("edits", "edits apply to upstream code only: add [source] or remove them")
    found = []
    for n, item in enumerate(items, 1):
        where = f"edits[{n}]."
        if not isinstance(item, dict):
            check.add(where[:-1], "must be a table with file, find, replace, why")
            continue
        check.keys(item, where, {"file", "find", "replace", "why"})
        replace = item.get("replace")
        if not isinstance(replace, str):
            check.add(f"{where}replace", "missing; give the replacement text")
            replace = ""
        found.append(Edit(check.text(item, "file", where), check.text(item, "find", where),
                          replace, check.text(item, "why", where)))  # fmt: skip
    return tuple(found)


def _dirs_exist(tree: str, base: Layer | None, app: Layer | None, tool: Tool | None,
                check: _Check) -> None:  # fmt: skip
    """A profile of this checkout's code: its directories must be there."""
    for key, rel in (("tree", tree), ("layers.base.dir", base and base.dir),
                     ("layers.app.dir", app and app.dir)):  # fmt: skip
        if rel and not (REPO_ROOT / rel).is_dir():
            check.add(key, f"{REPO_ROOT / rel} is no directory: give a path relative to the "
                           "repository root")  # fmt: skip
    if tool is Tool.TERRAFORM and tree != ".":
        for key, layer in (("layers.base.dir", base), ("layers.app.dir", app)):
            if layer and layer.dir and not Path(layer.dir).is_relative_to(tree):
                check.add(
                    key, f"{layer.dir} is outside tree {tree}: Terraform runs a copy of the tree"
                )
