"""Fixtures of the CDK scenarios: the pinned CLI, a working directory, the records, the base.

Imported by ``test_cdk*.py`` only (the Terraform scenarios have their own), so the two tracks
never share a fixture by accident.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import cdk_cli, images, lifecycle
from harness.drivers.cdk import CdkDriver
from harness.endpoint import Endpoint
from harness.errors import HarnessError
from harness.lifecycle import VERSIONS
from harness.recorder import CallReader, CellIdentity, CellRecorder, RunContext
from harness.records import ChangeKind, RecordWriter, Strategy, Tool
from scenarios._cells import cell_endpoint

log = logging.getLogger(__name__)

CDK_BASE = "cdkbase"
BASE_KEY = "cdk-base"
"""Access key of the base's deploy and destroy (the emulator counts calls per key)."""


@pytest.fixture(scope="session")
def cdk_cli_installed() -> cdk_cli.CdkCli:
    """The pinned CDK CLI; the CDK scenarios skip, saying how to install it, when it is absent."""
    if not cdk_cli.installed():
        pytest.skip("the pinned CDK CLI is not installed: run npm ci --prefix cdk")
    pytest.importorskip("aws_cdk", reason="aws-cdk-lib is not installed (dependency group cdk)")
    return cdk_cli.locate()


@pytest.fixture(scope="session")
def cdk_records(results_root: Path) -> Iterator[RecordWriter]:
    """``<results root>/cdk/records.jsonl``."""
    with RecordWriter(results_root / "cdk" / "records.jsonl") as writer:
        yield writer


@pytest.fixture(scope="module")
def cdk_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cdk")


@dataclasses.dataclass(frozen=True, slots=True)
class DeployedBase:
    name: str
    repository: str
    driver: CdkDriver


class CdkBase:
    """The scenarios' one base stack: deployed at first use, destroyed at the end of the module."""

    def __init__(
        self, cli: cdk_cli.CdkCli, workdir: Path, context: RunContext, writer: RecordWriter
    ) -> None:
        self.cli, self.workdir, self.context, self.writer = cli, workdir, context, writer
        self.deployed: DeployedBase | None = None
        self.destroyed = False
        self.calls: CallReader | None = None

    def ensure(self, endpoint: Endpoint, calls: CallReader | None = None) -> DeployedBase:
        """The base, deployed on first call (``calls`` counts its API calls, key ``cdk-base``)."""
        if self.deployed is None:
            self.calls = calls
            driver = CdkDriver(self.workdir, cell_endpoint(endpoint, BASE_KEY), cli=self.cli)
            repository = images.publish(endpoint, CDK_BASE, list(VERSIONS))
            self.deployed = DeployedBase(CDK_BASE, repository, driver)
            lifecycle.deploy_base(driver, self.recorder(driver), CDK_BASE)
        return self.deployed

    def driver(self, endpoint: Endpoint) -> CdkDriver:
        """A driver for one cell: its own endpoint (access key), the base's assembly cache."""
        return CdkDriver(self.workdir, endpoint, cli=self.cli)

    def destroy(self) -> None:
        if self.deployed is not None and not self.destroyed:
            self.destroyed = True
            driver = self.deployed.driver
            lifecycle.destroy_base(driver, self.recorder(driver), CDK_BASE)

    def recorder(self, driver: CdkDriver) -> CellRecorder:
        # A base belongs to no cell; its records say so with the env name left empty.
        cell = CellIdentity(
            Tool.CDK, driver.tool_version(), driver.engine(), Strategy.UNPINNED, ChangeKind.NONE, ""
        )
        return CellRecorder(self.context, cell, self.writer, self.calls)


@pytest.fixture(scope="module")
def cdk_base(
    cdk_cli_installed: cdk_cli.CdkCli,
    cdk_workdir: Path,
    run_context: RunContext,
    cdk_records: RecordWriter,
) -> Iterator[CdkBase]:
    base = CdkBase(cdk_cli_installed, cdk_workdir, run_context, cdk_records)
    try:
        yield base
    finally:
        # test_destroy_leaves_nothing_behind destroys and asserts; this only cleans up after
        # a run that deselected it, and must not turn its failure into every test's error.
        try:
            base.destroy()
        except HarnessError:
            log.exception("destroying the CDK scenarios' base %s failed", CDK_BASE)
