"""The CDK keys of stack profiles (``[cdk]``, ``stack_id``, ``environment``, ``files``): read,
checked, and what the CDK driver makes of them. Cheap: no CLI runs."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness import profiles
from harness.cdk_cli import CdkCli
from harness.drivers.base import AppSettings
from harness.drivers.cdk import CdkDriver, layer_environment, layer_files
from harness.endpoint import Endpoint, Target
from harness.paths import REPO_ROOT
from harness.profiles.inputs import app_values
from harness.records import ChangeKind, Strategy, Tool
from tests.test_profiles import refusals

AUTHOR_CDK = REPO_ROOT / "profiles" / "author-cdk.toml"


def test_the_author_cdk_profile_selects_by_construct_id_and_names_by_stack_name() -> None:
    profile = profiles.load(AUTHOR_CDK)
    assert profile.app_command.startswith("npx ts-node -P tsconfig.dev.json")
    assert (profile.base.selector, profile.base.stack) == ("ExampleEcsBaseStack", "{base}")
    assert (profile.app.selector, profile.app.stack) == ("ExampleEcsAppStack", "{env}")
    assert set(profile.strategies) == {Strategy.UNPINNED}
    assert profile.envs_per_base == 1  # hard-coded listener rule priorities
    assert set(profile.changes) == {ChangeKind.NONE, ChangeKind.TASK_DEFINITION}
    # ours: no construct ids of its own, the stack name is what the CLI selects
    assert profiles.builtin(profile.tool).app.selector == "{env}-app"


def test_environment_and_files_are_filled_from_the_layers_placeholders() -> None:
    profile = profiles.load(AUTHOR_CDK)
    settings = AppSettings("e1", "b1", Strategy.UNPINNED, "repo", "v1",
                           web_environment=(("FOO", "bar"),))  # fmt: skip
    common = {"region": "us-east-1", "base": "b1", "domain": "example.com",
              "certificate_arn": "arn:cert", "account": "123"}  # fmt: skip
    values = app_values(settings, common)
    assert layer_environment(profile.app, values) == {
        "BASE_NAME": "b1", "APP_NAME": "e1", "COMPANY_NAME": "b1",
        "CERTIFICATE_ARN": "arn:cert", "DOMAIN_NAME": "example.com"}  # fmt: skip
    files = layer_files(profile.app, values)
    assert list(files) == ["src/examples/ecs/config/e1.json"]
    assert json.loads(files["src/examples/ecs/config/e1.json"]) == {"extraEnvVars": {"FOO": "bar"}}
    assert layer_files(profile.base, common) == {"src/examples/ecs/config/b1.json": "{}\n"}


def test_a_setting_reaching_only_a_generated_file_reaches_the_app(tmp_path: Path) -> None:
    text = AUTHOR_CDK.read_text()
    path = tmp_path / "p.toml"
    path.write_text(text.replace('content = { extraEnvVars = "{settings.web_environment}" }',
                                 "content = {}"))  # fmt: skip
    assert refusals(path) == (
        "changes.task-definition-property.settings: web_environment reaches no input of "
        "layers.app: add an input {settings.web_environment} or drop "
        "[changes.task-definition-property]",
    )


def test_bad_cdk_keys_are_each_named(tmp_path: Path) -> None:
    text = AUTHOR_CDK.read_text()
    text = text.replace(
        'BASE_NAME = "{base}"\nCERTIFICATE_ARN', 'BASE_NAME = "{env}"\nCERTIFICATE_ARN'
    )
    text = text.replace('path = "src/examples/ecs/config/{env}.json"', 'path = "../{env}.json"')
    text = text.replace('sources = ["src/**/*.ts"', 'sources = [1, "src/**/*.ts"')
    text = text.replace("[cdk]\n", '[cdk]\nbuild = "npm run build"\n')
    text = text.replace("envs_per_base = 1", 'envs_per_base = "one"')
    path = tmp_path / "p.toml"
    path.write_text(text)
    found = "\n".join(refusals(path))
    for expected in (
        "layers.base.environment.BASE_NAME: unknown placeholder {env}",
        "layers.app.files[1].path: ../{env}.json must stay inside the app dir",
        "cdk.sources: must be a list of globs",
        "cdk.build: unknown key; expected one of app, sources",
        "envs_per_base: must be a whole number >= 1",
    ):
        assert expected in found, f"{expected!r} not in:\n{found}"


def test_cdk_keys_on_a_terraform_profile_are_refused(tmp_path: Path) -> None:
    text = profiles.BUILTIN[profiles.load(AUTHOR_CDK).tool.TERRAFORM].read_text()
    text += '\n[cdk]\napp = "node app.js"\n'
    text = text.replace("[layers.app.inputs]", 'stack_id = "X"\n[layers.app.inputs]', 1)
    path = tmp_path / "p.toml"
    path.write_text(text)
    found = "\n".join(refusals(path))
    assert "cdk: a CDK setting; remove it from a Terraform profile" in found
    assert "layers.app.stack_id: a CDK setting; a Terraform layer has inputs" in found


def test_the_assembly_key_covers_the_profiles_sources_environment_and_files(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "src" / "index.ts").write_text("one")
    cli = CdkCli(Path("/nonexistent/node"), Path("/nonexistent/cdk"), "0")  # never run here
    driver = CdkDriver(tmp_path / "w", Endpoint(Target.EMBEDDED, "http://127.0.0.1:1"), cli=cli,
                       app_dir=app, profile=profiles.load(AUTHOR_CDK))  # fmt: skip
    key = driver._assembly_key({"c": "1"}, {"APP_NAME": "a"}, {"f.json": "{}"})
    assert driver._assembly_key({"c": "1"}, {"APP_NAME": "b"}, {"f.json": "{}"}) != key
    assert driver._assembly_key({"c": "1"}, {"APP_NAME": "a"}, {"f.json": "[]"}) != key
    (app / "src" / "index.ts").write_text("two")  # an edit of the app's own sources
    assert driver._assembly_key({"c": "1"}, {"APP_NAME": "a"}, {"f.json": "{}"}) != key


def test_a_stack_with_one_env_per_base_runs_its_cells_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness.compare import cells
    from harness.profiles.source import Stack

    running, most = [0], [0]
    lock = threading.Lock()

    def one(run: object, spec: object) -> str:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        return "done"

    @dataclass(frozen=True)
    class Cell:
        number: int
        tool: Tool = Tool.CDK

    monkeypatch.setattr(cells, "run_one", one)
    run = SimpleNamespace(stacks={Tool.CDK: Stack(profiles.load(AUTHOR_CDK), REPO_ROOT)},
                          stop=threading.Event(), progress=SimpleNamespace(finished=lambda result: None))  # fmt: skip
    assert cells.run_cells(run, [Cell(n) for n in range(3)], workers=3) == ["done"] * 3  # type: ignore[arg-type]
    assert most[0] == 1
    run.stacks = {}  # ours: any number at once
    cells.run_cells(run, [Cell(n) for n in range(3)], workers=3)  # type: ignore[arg-type]
    assert most[0] >= 2
