"""One CDK app process synthesizes the same cloud assembly as ``cdk synth``, context by context."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import cdk_cli, cdk_synth
from harness.drivers.base import AppSettings
from harness.drivers.cdk import CdkDriver, CdkError, app_context
from harness.emulator import Emulator
from harness.endpoint import Endpoint
from harness.records import Strategy

pytestmark = pytest.mark.skipif(
    not cdk_cli.installed(), reason="the pinned CDK CLI is not installed (npm ci --prefix cdk)"
)
SETTINGS = AppSettings("alpha", "dev", Strategy.PINNED, "123.dkr.ecr/x", "v2")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    with Emulator() as emu:
        yield emu.endpoint


@pytest.fixture(scope="module")
def server() -> Iterator[cdk_synth.SynthServer]:
    """One app process for the module's tests (each start costs seconds of jsii)."""
    from harness.drivers.cdk import APP_DIR

    started = cdk_synth.SynthServer(cdk_cli.locate(), APP_DIR)
    yield started
    started.stop()


def _stacks(assembly: Path) -> dict[str, object]:
    """Every template and the manifest: what a deploy from the assembly reads."""
    files = [*sorted(assembly.glob("*.template.json")), assembly / "manifest.json"]
    return {path.name: json.loads(path.read_text()) for path in files}


def test_the_server_writes_the_assembly_cdk_synth_writes(
    tmp_path: Path, endpoint: Endpoint, server: cdk_synth.SynthServer
) -> None:
    by_cli = CdkDriver(tmp_path / "cli", endpoint, cli=cdk_cli.locate())  # `cdk synth -o`
    by_server = CdkDriver(tmp_path / "server", endpoint, synth_server=server)
    context = app_context(SETTINGS)
    cli_assembly, _ = by_cli.synthesize(context)
    server_assembly, first_s = by_server.synthesize(context)
    assert _stacks(server_assembly) == _stacks(cli_assembly)
    assert {"alpha-app.template.json", "dev-base.template.json"} <= set(_stacks(server_assembly))
    # a second context in the warm process: no start-up paid again
    _, second_s = by_server.synthesize(app_context(SETTINGS.with_tag("v3")))
    assert second_s < first_s
    assert server.start_s > 0


def test_an_app_error_is_a_cdk_error_and_the_server_keeps_serving(
    tmp_path: Path, endpoint: Endpoint, server: cdk_synth.SynthServer
) -> None:
    bad = CdkDriver(tmp_path / "bad", endpoint, synthesizer="bogus", synth_server=server)
    with pytest.raises(CdkError, match="expected default or legacy"):
        bad.synthesize({"base": "dev"})
    good = CdkDriver(tmp_path / "good", endpoint, synth_server=server)
    assembly, _ = good.synthesize({"base": "dev"})
    assert (assembly / "dev-base.template.json").exists()
