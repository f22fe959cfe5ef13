"""TypeScript CDK apps through the harness, with the pinned toolchain (``cdk/typescript``).

The app (tests/cdk_apps/typescript_bucket) is what ``cdk init app --language typescript``
makes: ``"app": "npx ts-node --prefer-ts-exts app.ts"`` and no ``node_modules`` of its own.
Synthesis only (no endpoint is contacted): once through ``python -m harness cdk -- synth``,
once through the driver's synth server (which hands TypeScript apps to ``cdk synth``). The
app outputs the aws-cdk-lib version it ran with: it must be the Python aws-cdk-lib's
(pyproject's ``cdk`` group), the version our own app synthesizes with. ts-node runs it
``transpileOnly`` (its tsconfig): type-checking aws-cdk-lib's declarations costs ~13 s more.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness import cdk_cli, cdk_synth, cdk_typescript, process
from harness.cli import cdk as cdk_command
from harness.endpoint import Endpoint, Target
from harness.paths import REPO_ROOT

APP = REPO_ROOT / "tests" / "cdk_apps" / "typescript_bucket"
STACK = "TypeScriptBucket"
NOWHERE = "http://127.0.0.1:9"
"""Synthesis of an environment-agnostic stack never calls AWS: nothing listens here."""


def python_pin(package: str) -> str:
    groups = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["dependency-groups"]
    for requirement in groups["cdk"]:
        name, _, pinned = requirement.partition("==")
        if name == package:
            return pinned
    raise AssertionError(f"{package} is not pinned in pyproject's cdk group")


# unit -----------------------------------------------------------------------------------------
def test_the_lock_file_pins_aws_cdk_lib_and_constructs_at_the_python_versions() -> None:
    lock = json.loads((cdk_typescript.TS_DIR / "package-lock.json").read_text())["packages"]
    assert lock["node_modules/aws-cdk-lib"]["version"] == python_pin("aws-cdk-lib")
    assert lock["node_modules/constructs"]["version"] == python_pin("constructs")
    for tool in ("typescript", "ts-node", "@types/node"):
        assert "integrity" in lock[f"node_modules/{tool}"]
    wanted = json.loads((cdk_typescript.TS_DIR / "package.json").read_text())["devDependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in wanted.values()), "exact pins only"


@pytest.mark.parametrize(
    ("app", "typescript"),
    [
        ("npx ts-node --prefer-ts-exts bin/app.ts", True),  # cdk init --language typescript
        ("npx tsx src/main.ts", True),
        ("node lib/examples/ecs/index.js", False),  # compiled first: plain JavaScript
        ("python3 app.py", False),
    ],
)
def test_typescript_apps_are_told_from_their_app_command(app: str, typescript: bool) -> None:
    assert cdk_typescript.is_typescript(Path("/nonexistent"), app) is typescript


def test_cdk_json_names_the_app_and_a_missing_one_is_not_typescript(tmp_path: Path) -> None:
    assert not cdk_typescript.is_typescript(tmp_path)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "npx ts-node app.ts"}))
    assert cdk_typescript.is_typescript(tmp_path)
    assert not cdk_typescript.is_typescript(REPO_ROOT / "cdk")  # ours: python3 app.py


def test_the_app_option_is_found_among_the_cdk_arguments() -> None:
    assert cdk_command.app_option(["synth", "--app", "npx ts-node a.ts"]) == "npx ts-node a.ts"
    assert cdk_command.app_option(["synth", "-a", "x.ts", "-q"]) == "x.ts"
    assert cdk_command.app_option(["deploy", "--app=cdk.out"]) == "cdk.out"
    assert cdk_command.app_option(["synth"]) is None


def test_an_app_with_its_own_node_modules_keeps_them(tmp_path: Path) -> None:
    (tmp_path / "node_modules").mkdir()
    assert not cdk_typescript.link(tmp_path)
    assert not (tmp_path / "node_modules").is_symlink()


# the real CLI and toolchain ---------------------------------------------------------------------
needs_toolchain = pytest.mark.skipif(
    not (cdk_cli.installed() and cdk_typescript.installed()),
    reason="needs npm ci --prefix cdk and npm ci --prefix cdk/typescript (nox -s tests does both)",
)


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    """The app as a user has it (no node_modules), with ours linked in."""
    copy = tmp_path / "app"
    shutil.copytree(APP, copy)
    assert cdk_typescript.link(copy)
    return copy


def template(outdir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((outdir / f"{STACK}.template.json").read_text())
    return loaded


def check(outdir: Path, prefix: str) -> None:
    body = template(outdir)
    buckets = [r for r in body["Resources"].values() if r["Type"] == "AWS::S3::Bucket"]
    assert [b["Properties"]["BucketName"] for b in buckets] == [f"{prefix}-typescript-bucket"]
    assert body["Outputs"]["AwsCdkLibVersion"]["Value"] == python_pin("aws-cdk-lib")


@needs_toolchain
@pytest.mark.cdk
def test_python_m_harness_cdk_synthesizes_a_typescript_app(app_copy: Path) -> None:
    out = app_copy / "out"
    argv = [sys.executable, "-m", "harness", "cdk", "--endpoint", NOWHERE, "--",
            "synth", "--quiet", "--no-notices", "-o", str(out), "-c", "bucket_prefix=cli"]  # fmt: skip
    env = process.child_env({"PYTHONPATH": str(REPO_ROOT)})
    process.run(argv, env=env, cwd=app_copy, timeout=300)
    check(out, "cli")


@needs_toolchain
@pytest.mark.cdk
def test_the_synth_server_serves_a_typescript_app_from_one_node_process(app_copy: Path) -> None:
    """Two contexts, one Node worker: each assembly is the one ``cdk synth -c`` would write."""
    server = cdk_synth.SynthServer(cdk_cli.locate(), app_copy)
    assert server.typescript
    endpoint = Endpoint(Target.EMBEDDED, NOWHERE)
    try:
        first = server.synth(app_copy / "a", {"bucket_prefix": "first"}, endpoint)
        pid = server._proc.pid if server._proc else None
        second = server.synth(app_copy / "b", {"bucket_prefix": "second"}, endpoint)
        assert server._proc is not None
        assert server._proc.pid == pid, "the same process served both"
    finally:
        server.stop()
    check(app_copy / "a", "first")
    check(app_copy / "b", "second")
    print(f"first {first:.2f}s (start {server.start_s:.2f}s), second {second:.2f}s")
    manifest = json.loads((app_copy / "b" / "manifest.json").read_text())
    assert manifest["artifacts"][STACK]["type"] == "aws:cloudformation:stack"


@pytest.mark.parametrize(
    ("app", "entry"),
    [
        ("npx ts-node --prefer-ts-exts bin/app.ts", ("bin/app.ts", "")),
        ("npx ts-node -P tsconfig.dev.json --prefer-ts-exts src/examples/ecs/index.ts",
         ("src/examples/ecs/index.ts", "tsconfig.dev.json")),
        ("ts-node --project=tsconfig.json main.ts", ("main.ts", "tsconfig.json")),
        ("npx ts-node --swc main.ts", None),  # an option the worker does not honour
        ("npx ts-node main.ts --stage prod", None),  # arguments to the app
        ("npx tsx main.ts", None),
    ],
)  # fmt: skip
def test_the_node_worker_runs_plain_ts_node_commands_only(
    app: str, entry: tuple[str, str] | None
) -> None:
    assert cdk_typescript.ts_node_entry(Path("/nonexistent"), app) == entry
