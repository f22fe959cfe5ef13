"""Running real Terraform with the stand-in provider against the session's endpoint."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import process
from harness.drivers import terraform_parse
from harness.endpoint import Endpoint
from harness.terraform import TerraformSetup, setup

CONFIGS = Path(__file__).parent / "configs"
_setups: dict[str | None, TerraformSetup] = {}


class TfDir:
    """One Terraform working directory; every command must succeed (plan: exit 0 or 2)."""

    def __init__(self, path: Path, tf: TerraformSetup, variables: dict[str, Any]) -> None:
        self.path, self.tf, self.vars = path, tf, dict(variables)
        self.applied = False

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> process.Completed:
        return process.run(
            [*self.tf.argv, *args, "-no-color"],
            env=self.tf.env,
            cwd=self.path,
            timeout=600,
            ok_codes=ok,
        )

    def _var_args(self) -> list[str]:
        return [f"-var={k}={v}" for k, v in self.vars.items()]

    def write(self, text: str, name: str = "main.tf") -> None:
        (self.path / name).write_text(text)

    def init(self) -> None:
        self.run("init", "-input=false")

    def apply(self, **variables: Any) -> None:
        self.vars.update(variables)
        self.applied = True
        self.run("apply", "-auto-approve", "-input=false", *self._var_args())

    def plan_exit(self, **variables: Any) -> int:
        """``plan -detailed-exitcode``: 0 no changes, 2 changes."""
        return self.run(
            "plan", "-detailed-exitcode", "-input=false", *self._var_args(), **{"ok": (0, 2)}
        ).returncode

    def plan(self, **variables: Any) -> dict[str, Any]:
        """The plan as JSON (``show -json`` of a saved plan) with ``variables`` applied on top."""
        merged = [f"-var={k}={v}" for k, v in {**self.vars, **variables}.items()]
        self.run("plan", "-input=false", "-out=tfplan", *merged)
        doc: dict[str, Any] = json.loads(self.run("show", "-json", "tfplan").stdout)
        return doc

    def actions(self, **variables: Any) -> dict[str, tuple[str, ...]]:
        return terraform_parse.resource_actions(self.plan(**variables))

    def state(self, address: str) -> dict[str, Any]:
        doc = json.loads(self.run("show", "-json").stdout)
        for res in _resources(doc["values"]["root_module"]):
            if res["address"] == address:
                values: dict[str, Any] = res["values"]
                return values
        raise KeyError(address)

    def destroy(self) -> None:
        self.run("destroy", "-auto-approve", "-input=false", *self._var_args())
        self.applied = False


def _resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _resources(child)


@pytest.fixture
def terraform(aws_endpoint: Endpoint) -> TerraformSetup:
    """The pinned Terraform with the stand-in provider, pointed at the session's endpoint."""
    if aws_endpoint.url not in _setups:
        _setups[aws_endpoint.url] = setup(aws_endpoint, provider="standin")
    return _setups[aws_endpoint.url]


@pytest.fixture
def tfdir(
    tmp_path: Path, terraform: TerraformSetup, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A factory: ``tfdir("fargate", name=...)`` copies a config, inits it, destroys at the end."""
    made: list[TfDir] = []

    def make(config: str | None = None, **variables: Any) -> TfDir:
        path = tmp_path / f"tf{len(made)}"
        if config:
            shutil.copytree(CONFIGS / config, path)
        else:
            path.mkdir()
        d = TfDir(path, terraform, variables)
        made.append(d)
        return d

    yield make
    for d in reversed(made):  # later configurations may read what earlier ones made
        if d.applied:
            d.destroy()
