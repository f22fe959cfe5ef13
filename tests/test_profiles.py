"""Stack profiles: our two stacks' built-in profiles say what the drivers do, and a profile
that does not fit gets one clear error per problem (no AWS, no tool runs: cheap)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from harness import profiles
from harness.changes import apply_change
from harness.contract import HARNESS_CONTRACT
from harness.drivers.base import AppSettings
from harness.errors import UsageError
from harness.expectations import STRATEGIES
from harness.paths import REPO_ROOT
from harness.profiles.inputs import as_context, render
from harness.profiles.strategy import require_change, require_strategy
from harness.profiles.tfvars import check_fits, variables
from harness.records import ChangeKind, Strategy, Tool

BASE = AppSettings("alpha", "dev", Strategy.PLAIN, "repo", "v1")


def refusals(path: Path) -> tuple[str, ...]:
    """The problems ``profiles.load`` names for the profile at ``path``, which it must refuse."""
    with pytest.raises(profiles.ProfileError) as info:
        profiles.load(path)
    return info.value.problems


@pytest.mark.parametrize("tool", list(Tool))
def test_builtin_profiles_have_the_tools_strategies_change_kinds_and_contract(tool: Tool) -> None:
    profile = profiles.builtin(tool)
    assert profile.tool is tool
    assert profile.source is None
    assert tuple(profile.strategies) == STRATEGIES[tool]
    assert set(profile.changes) == set(ChangeKind)
    assert profile.contract == HARNESS_CONTRACT


@pytest.mark.parametrize("tool", list(Tool))
@pytest.mark.parametrize("kind", [k for k in ChangeKind if k is not ChangeKind.NONE])
def test_builtin_profiles_name_the_settings_each_change_kind_turns(
    tool: Tool, kind: ChangeKind
) -> None:
    changed = apply_change(BASE, kind)
    turned = {
        f.name for f in fields(AppSettings) if getattr(changed, f.name) != getattr(BASE, f.name)
    }
    assert set(profiles.builtin(tool).changes[kind].settings) == turned


def test_builtin_terraform_profile_fits_the_root_configs_variables() -> None:
    profile = profiles.builtin(Tool.TERRAFORM)
    check_fits(profile, REPO_ROOT)  # raises on a misfit
    app = variables(REPO_ROOT / profile.app.dir)
    assert set(profile.app.inputs) | {"strategy"} == set(app), "every variable is driven"


def test_a_missing_required_variable_is_named_before_anything_runs(tmp_path: Path) -> None:
    text = profiles.BUILTIN[Tool.TERRAFORM].read_text().replace('image_tag = "{image_tag}"\n', "")
    text = text.replace('log_retention_days = "{settings.log_retention_days}"',
                        'log_retention = "{settings.log_retention_days}"')  # fmt: skip
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(profiles.ProfileError) as info:
        check_fits(profiles.load(path), REPO_ROOT)
    message = str(info.value)
    assert "variable 'image_tag'" in message
    assert "required" in message
    assert "layers.app.inputs.log_retention: " in message
    assert "declares no variable" in message
    assert str(path) in message


def test_every_problem_of_a_bad_profile_is_listed_with_its_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'format = 1\nname = "x"\ntool = "cdk"\ncolour = "red"\n'
        '[layers.base]\ndir = "cdk"\nstack = "{base}-b"\n[layers.base.inputs]\nenv = "{env}"\n'
        '[layers.app]\ndir = "nowhere"\nstack = "{env}-a"\n'
        '[layers.app.inputs]\nx = "{settings.nope}"\ny = "{image_tag|upper}"\n'
        '[strategies.ignore-changes]\n[changes.sideways]\nsettings = ["a"]\n'
        '[contract]\ncluster = "{env}-c"\nlog_group = "/ecs/{env}/{component}"\n'
        'image_repository = "r"\n[contract.components]\nweb = { service = "s", family = "f" }\n'
    )
    with pytest.raises(profiles.ProfileError) as info:
        profiles.load(path)
    found = "\n".join(info.value.problems)
    for expected in (
        "colour: unknown key",
        "layers.base.inputs.env: unknown placeholder {env}",
        "layers.app.dir: ",
        "layers.base.dir: cdk is not layers.app.dir (nowhere)",
        "layers.app.inputs.x: {settings.nope} is no AppSettings field",
        "layers.app.inputs.y: unknown filter |upper",
        "strategies.ignore-changes: not a cdk strategy",
        "changes.sideways: unknown change kind",
        "contract.components.web.container: missing",
        "contract.components.worker: missing",
    ):
        assert expected in found, f"{expected!r} not in:\n{found}"
    assert isinstance(info.value, UsageError)
    assert str(path) in str(info.value)


def test_not_toml_and_no_file_are_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text("format = = 1")
    with pytest.raises(profiles.ProfileError, match="not valid TOML"):
        profiles.load(tmp_path / "x.toml")
    with pytest.raises(profiles.ProfileError, match="no such file"):
        profiles.load(tmp_path / "none.toml")


def test_a_strategy_or_change_kind_the_stack_lacks_is_a_usage_error(tmp_path: Path) -> None:
    profile = profiles.builtin(Tool.TERRAFORM)
    with pytest.raises(UsageError, match="has no strategy pinned; it has plain, ignore-changes"):
        require_strategy(profile, Strategy.PINNED)
    text = profiles.BUILTIN[Tool.TERRAFORM].read_text()
    path = tmp_path / "p.toml"
    path.write_text(text.replace('[changes.desired-count]\nsettings = ["web_desired_count"]\n', ""))
    with pytest.raises(UsageError, match="has no change kind desired-count"):
        require_change(profiles.load(path), ChangeKind.DESIRED_COUNT)


def test_templates_keep_types_and_cdk_context_is_text() -> None:
    values = {"env": "a", "settings.task_cpu": 256, "settings.web_environment": {"K": "V"}, "x": ""}
    assert render("{settings.task_cpu}", values) == 256
    assert render("{env}-web", values) == "a-web"
    assert render("{x|null_if_empty}", values) is None
    assert render({"m": "{settings.web_environment}"}, values) == {"m": {"K": "V"}}
    assert as_context({"n": 256, "m": {"K": "V"}, "s": "a", "z": None}) == {
        "n": "256", "m": '{"K": "V"}', "s": "a", "z": ""}  # fmt: skip


def test_a_change_kind_must_list_what_it_turns_and_reach_an_input(tmp_path: Path) -> None:
    text = profiles.BUILTIN[Tool.CDK].read_text()
    text = text.replace('settings = ["task_cpu", "task_memory"]', 'settings = ["task_cpu"]')
    text = text.replace('web_desired_count = "{settings.web_desired_count}"\n', "")
    path = tmp_path / "p.toml"
    path.write_text(text)
    assert refusals(path) == (
        "changes.desired-count.settings: web_desired_count reaches no input of layers.app: add "
        "an input {settings.web_desired_count} or drop [changes.desired-count]",
        "changes.task-size.settings: the harness turns task_cpu, task_memory for task-size "
        "(harness/changes.py): list exactly those",
    )


def test_the_base_layer_takes_only_the_base_s_own_settings(tmp_path: Path) -> None:
    # the security group rule is a base-layer change: its CIDR is a base input, no app knob is
    text = profiles.BUILTIN[Tool.CDK].read_text()
    assert 'app_ingress_cidr = "{settings.app_ingress_cidr}"' in text.split("[layers.app]")[0]
    text = text.replace(
        "[layers.base.inputs]\n", '[layers.base.inputs]\ncpu = "{settings.task_cpu}"\n'
    )
    text = text.replace('app_ingress_cidr = "{settings.app_ingress_cidr}"', "")
    path = tmp_path / "p.toml"
    path.write_text(text)
    assert refusals(path) == (
        "layers.base.inputs.cpu: {settings.task_cpu} is an app-layer value, not known in this layer",
        "changes.security-group-rule.settings: app_ingress_cidr reaches no input of layers.base: "
        "add an input {settings.app_ingress_cidr} or drop [changes.security-group-rule]",
    )


def test_an_ecs_environment_is_a_name_value_list() -> None:
    values = {"settings.web_environment": {"B": "2", "A": "1"}}
    assert render("{settings.web_environment|name_value_list}", values) == [
        {"name": "A", "value": "1"}, {"name": "B", "value": "2"}]  # fmt: skip
