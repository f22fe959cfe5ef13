"""Upstream code the tests run but the project never contains: taken from a local checkout.

    stack = author_terraform(tmp_path)    # or pytest.skip naming what to check out

A checkout is a git directory (bare or not) or a plain tree, named by an environment variable;
the commit the tests were written for is exported with ``git archive`` into a temporary
directory, and the few edits an offline user must make are applied there as edits (each must
match exactly once, so an upstream change that moves them fails loudly instead of silently
running something else).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

DJANGO_ENV = "HARNESS_UPSTREAM_TERRAFORM_AWS_DJANGO"
DJANGO_REPO = "https://github.com/briancaffey/terraform-aws-django"
DJANGO_COMMIT = "0980129"
"""Release 0.25.0 (2025-02-09): the commit the seed article's Terraform stack is at."""

VPC_ENV = "HARNESS_UPSTREAM_TERRAFORM_AWS_VPC"
VPC_REPO = "https://github.com/terraform-aws-modules/terraform-aws-vpc"
VPC_COMMIT = "v5.18.1"
"""The author's module does not pin ``terraform-aws-modules/vpc/aws``; on 2025-02-09 the
registry's newest was v5.18.1 (2025-01-28; v5.19.0 came 2025-02-12), so that is what its
``init`` resolved. Today's newest (6.x) needs hashicorp/aws >= 6, which the author's 5.84.0 pin
refuses."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``old`` by ``new`` in ``path`` (relative to the exported tree); ``why`` is for
    the report."""

    path: str
    old: str
    new: str
    why: str

    def apply(self, root: Path) -> None:
        file = root / self.path
        text = file.read_text()
        if text.count(self.old) != 1:
            raise AssertionError(
                f"edit {self.path}: {self.old!r} occurs {text.count(self.old)} times, not once"
            )
        file.write_text(text.replace(self.old, self.new))


@dataclass(frozen=True, slots=True)
class Stack:
    root: Path
    """The exported author's repository (edits applied)."""
    vpc: Path
    edits: tuple[Edit, ...]

    @property
    def base(self) -> Path:
        return self.root / "examples" / "ad-hoc" / "base"

    @property
    def app(self) -> Path:
        return self.root / "examples" / "ad-hoc" / "app"


def checkout(env: str, repo: str, commit: str) -> Path:
    """The directory ``env`` names, or skip saying what to check out."""
    named = os.environ.get(env)
    if not named or not Path(named).is_dir():
        pytest.skip(f"needs a checkout of {repo} (commit {commit}): git clone it and set {env}=DIR")
    return Path(named)


def export(source: Path, commit: str, dest: Path) -> Path:
    """``commit`` of the git directory ``source`` (or the plain tree) written to ``dest``."""
    dest.mkdir(parents=True)
    probe = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "--verify", f"{commit}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        if (source / ".git").exists() or (source / "HEAD").exists():
            pytest.skip(f"{source} has no commit {commit}: fetch it there")
        shutil.copytree(source, dest, dirs_exist_ok=True)  # a plain tree: taken as it is
        return dest
    archive = subprocess.run(
        ["git", "-C", str(source), "archive", "--format=tar", commit],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def django_edits(vpc_source: str) -> tuple[Edit, ...]:
    """What an offline user edits in the author's module to run it on this machine."""
    pin = 'version = "5.84.0"'
    relax = 'version = "~> 5.84"'
    why_pin = (
        "hashicorp/aws is pinned to exactly 5.84.0; the offline mirror (the real provider "
        "and the stand-in) has 5.100.0, the last 5.x"
    )
    return (
        Edit("modules/ecs/base/main.tf", 'source = "terraform-aws-modules/vpc/aws"',
             f'source = "{vpc_source}"',
             f"the registry module terraform-aws-modules/vpc/aws ({VPC_COMMIT}) from a local "
             "checkout (no registry offline)"),
        Edit("examples/ad-hoc/base/main.tf", pin, relax, why_pin),
        Edit("examples/ad-hoc/app/main.tf", pin, relax, why_pin),
        # at this commit the ad-hoc examples do not match modules/ecs/{base,app}: the base
        # outputs what the module commented out, the app passes it and omits five inputs the
        # module requires (both fail to plan, with any provider); the base module has two
        # of them as outputs, the other three are the user's
        Edit("examples/ad-hoc/base/outputs.tf",
             'output "service_discovery_namespace_id" {\n'
             "  value       = module.main.service_discovery_namespace_id\n"
             '  description = "service discovery namespace id"\n}\n',
             'output "rds_password_secret_name" {\n'
             "  value = module.main.rds_password_secret_name\n}\n\n"
             'output "redis_service_host" {\n  value = module.main.redis_service_host\n}\n',
             "the ad-hoc base example's outputs made to match modules/ecs/base (upstream "
             "mismatch: plan fails without it)"),
        Edit("examples/ad-hoc/app/main.tf",
             "  service_discovery_namespace_id = data.terraform_remote_state.this.outputs"
             ".service_discovery_namespace_id\n",
             "  rds_password_secret_name = data.terraform_remote_state.this.outputs"
             ".rds_password_secret_name\n"
             "  redis_service_host = data.terraform_remote_state.this.outputs.redis_service_host\n"
             "  app_name = var.app_name\n  email_host_user = var.email_host_user\n"
             "  email_host_password = var.email_host_password\n",
             "the ad-hoc app example's module inputs made to match modules/ecs/app (upstream "
             "mismatch: init fails without it)"),
        Edit("examples/ad-hoc/app/variables.tf", 'variable "region" {',
             'variable "app_name" {\n  type = string\n}\n\n'
             'variable "email_host_user" {\n  type = string\n}\n\n'
             'variable "email_host_password" {\n  type = string\n}\n\n'
             'variable "region" {',
             "the three inputs modules/ecs/app requires that the base does not output, as "
             "variables of the ad-hoc app example"),
    )  # fmt: skip


def author_terraform(tmp: Path) -> Stack:
    """The author's Terraform stack and its VPC module, exported and edited for offline use."""
    django = checkout(DJANGO_ENV, DJANGO_REPO, DJANGO_COMMIT)
    vpc = checkout(VPC_ENV, VPC_REPO, VPC_COMMIT)
    root = export(django, DJANGO_COMMIT, tmp / "terraform-aws-django")
    vpc_dir = export(vpc, VPC_COMMIT, tmp / "terraform-aws-vpc")
    module_dir = root / "modules" / "ecs" / "base"
    edits = django_edits(os.path.relpath(vpc_dir, module_dir))
    for edit in edits:
        edit.apply(root)
    return Stack(root, vpc_dir, edits)
