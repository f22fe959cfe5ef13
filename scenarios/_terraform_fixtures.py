"""Fixtures of the Terraform scenarios: the runtime, a shared working directory, the records, the base.

Imported by ``test_terraform*.py`` only (the CDK scenarios have their own), so the two tracks
never share a fixture by accident.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import images, lifecycle
from harness.drivers.terraform import RuntimeFactory, TerraformDriver, runtime_for
from harness.endpoint import Endpoint
from harness.errors import ProviderUnavailable
from harness.lifecycle import VERSIONS
from harness.recorder import CallReader, CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, RecordWriter, Strategy, Tool
from harness.terraform.providers import ProviderChoice, select
from scenarios._cells import cell_endpoint

TF_BASE = "tfbase"
BASE_KEY = "tf-base"
"""Access key of the base's deploy and destroy (the emulator counts calls per key)."""


@pytest.fixture(scope="session")
def tf_records(results_root: Path) -> Iterator[RecordWriter]:
    """``<results root>/terraform/records.jsonl``."""
    with RecordWriter(results_root / "terraform" / "records.jsonl") as writer:
        yield writer


@pytest.fixture(scope="module")
def tf_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("terraform")


@pytest.fixture(scope="module")
def tf_runtime(terraform_provider: ProviderChoice) -> RuntimeFactory:
    """Terraform with the hashicorp/aws ``--terraform-provider`` selects (a real one may be
    absent: then the scenarios skip, saying so)."""
    try:
        select(terraform_provider)
    except ProviderUnavailable as exc:
        pytest.skip(f"--terraform-provider {terraform_provider}: {exc}")
    return runtime_for(terraform_provider)


@dataclasses.dataclass(frozen=True, slots=True)
class DeployedBase:
    name: str
    repository: str
    driver: TerraformDriver


def publish_images(endpoint: Endpoint, base: str) -> str:
    return images.publish(endpoint, base, list(VERSIONS))


class TerraformBase:
    """The scenarios' one base layer: deployed at first use, destroyed at the end of the module."""

    def __init__(
        self, workdir: Path, runtime: RuntimeFactory, context: RunContext, writer: RecordWriter
    ) -> None:
        self.workdir, self.runtime, self.context, self.writer = workdir, runtime, context, writer
        self.deployed: DeployedBase | None = None
        self.destroyed = False
        self.calls: CallReader | None = None

    def ensure(self, endpoint: Endpoint, calls: CallReader | None = None) -> DeployedBase:
        """The base, deployed on first call (``calls`` counts its API calls, key ``tf-base``)."""
        if self.deployed is None:
            self.calls = calls
            driver = TerraformDriver(cell_endpoint(endpoint, BASE_KEY), self.workdir, self.runtime)
            repository = publish_images(endpoint, TF_BASE)
            self.deployed = DeployedBase(TF_BASE, repository, driver)
            lifecycle.deploy_base(driver, self.recorder(driver), TF_BASE)
        return self.deployed

    def destroy(self) -> None:
        if self.deployed is not None and not self.destroyed:
            self.destroyed = True
            driver = self.deployed.driver
            lifecycle.destroy_base(driver, self.recorder(driver), TF_BASE)

    def recorder(self, driver: TerraformDriver) -> CellRecorder:
        # A base belongs to no cell; its records say so with the env name left empty.
        cell = CellIdentity(
            Tool.TERRAFORM,
            driver.tool_version(),
            driver.engine(),
            Strategy.PLAIN,
            ChangeKind.NONE,
            env_name="",
        )
        return CellRecorder(self.context, cell, self.writer, self.calls)


@pytest.fixture(scope="module")
def tf_base(
    tf_workdir: Path,
    tf_runtime: RuntimeFactory,
    run_context: RunContext,
    tf_records: RecordWriter,
) -> Iterator[TerraformBase]:
    base = TerraformBase(tf_workdir, tf_runtime, run_context, tf_records)
    try:
        yield base
    finally:
        base.destroy()
