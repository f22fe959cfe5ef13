"""Deploy, diff and destroy through one ``@aws-cdk/toolkit-lib`` worker, on a real emulator.

The assembly is written by hand (one stack, no assets, so no bootstrap): what ``cdk synth``
writes for a stack with the legacy synthesizer (the cloud assembly schema's ``manifest.json``
with an ``aws:cloudformation:stack`` artifact and its template). Expectations from the
toolkit-lib documentation (README, "deploy" / "diff" / "destroy" actions): a deploy returns
the stack's outputs, an unchanged stack is not deployed again ("(no changes)", the
``noOp`` of the deploy result, message CDK_TOOLKIT_I5900), diff compares the assembly with
the deployed template, a failure is a ``ToolkitError`` whose message names the stack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import cdk_cli, cdk_toolkit
from harness.drivers import cdk
from harness.drivers.cdk_output import diff_logical_ids
from harness.emulator import Emulator
from harness.endpoint import Endpoint

CLI = cdk_cli.locate() if cdk_cli.installed() else None
pytestmark = pytest.mark.skipif(
    CLI is None or cdk_toolkit.installed_version(CLI) is None,
    reason="the pinned CDK CLI and @aws-cdk/toolkit-lib are not installed (npm ci --prefix cdk)",
)
TIMEOUT_S = 300.0


def write_assembly(outdir: Path, stack: str, resources: dict[str, Any]) -> Path:
    template = {
        "Resources": resources,
        "Outputs": {logical: {"Value": {"Ref": logical}} for logical in sorted(resources)[:1]},
    }
    outdir.mkdir(parents=True)
    (outdir / f"{stack}.template.json").write_text(json.dumps(template))
    manifest = {
        "version": "55.0.0",
        "artifacts": {
            stack: {
                "type": "aws:cloudformation:stack",
                "environment": "aws://unknown-account/unknown-region",
                "properties": {"templateFile": f"{stack}.template.json"},
            }
        },
    }
    (outdir / "manifest.json").write_text(json.dumps(manifest))
    return outdir


def topic(name: str) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": name}}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def endpoint(emulator: Emulator) -> Endpoint:
    return emulator.endpoint


@pytest.fixture(scope="module")
def server(endpoint: Endpoint) -> Iterator[cdk_toolkit.ToolkitServer]:
    assert CLI is not None
    started = cdk_toolkit.ToolkitServer(CLI, endpoint)
    yield started
    started.stop()


def test_deploy_no_changes_diff_destroy(
    tmp_path: Path, endpoint: Endpoint, server: cdk_toolkit.ToolkitServer
) -> None:
    v1 = write_assembly(tmp_path / "v1", "tk-one", {"Alerts": topic("tk-alerts")})
    first = server.request("deploy", assembly=str(v1), stack="tk-one", timeout_s=TIMEOUT_S)
    assert first["noOp"] is False
    assert first["outputs"]["Alerts"].endswith(":tk-alerts")  # Ref of a topic: its ARN
    assert first["deploymentS"] is not None
    again = server.request("deploy", assembly=str(v1), stack="tk-one", timeout_s=TIMEOUT_S)
    assert again["noOp"] is True
    same = server.request("diff", assembly=str(v1), stack="tk-one", timeout_s=TIMEOUT_S)
    assert same["count"] == 0

    v2 = write_assembly(
        tmp_path / "v2", "tk-one", {"Alerts": topic("tk-alerts"), "Audit": topic("tk-audit")}
    )
    changed = server.request("diff", assembly=str(v2), stack="tk-one", timeout_s=TIMEOUT_S)
    assert changed["count"] == 1
    assert diff_logical_ids(changed["formatted"]) == ("Audit",)

    server.request("destroy", assembly=str(v1), stack="tk-one", timeout_s=TIMEOUT_S)
    cfn = endpoint.client("cloudformation")
    with pytest.raises(cfn.exceptions.ClientError):
        cfn.describe_stacks(StackName="tk-one")


def test_requests_overlap_in_one_worker(tmp_path: Path, server: cdk_toolkit.ToolkitServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    stacks = ["tk-par-a", "tk-par-b"]
    dirs = [write_assembly(tmp_path / s, s, {"T": topic(s)}) for s in stacks]
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda a: server.request(
                    "deploy", assembly=str(a[0]), stack=a[1], timeout_s=TIMEOUT_S
                ),
                zip(dirs, stacks, strict=True),
            )
        )
    assert [a["outputs"]["T"].rsplit(":", 1)[1] for a in answers] == stacks
    for directory, stack in zip(dirs, stacks, strict=True):
        server.request("destroy", assembly=str(directory), stack=stack, timeout_s=TIMEOUT_S)


def test_a_failure_is_a_cdk_error_with_the_toolkits_reason(
    tmp_path: Path, endpoint: Endpoint, server: cdk_toolkit.ToolkitServer
) -> None:
    bad = write_assembly(
        tmp_path / "bad", "tk-bad", {"Broken": {"Type": "AWS::SNS::Topic", "Properties": 7}}
    )
    driver = cdk.CdkDriver(tmp_path / "work", endpoint, synthesizer="legacy", toolkit=server)
    with pytest.raises(cdk.CdkError, match=r"toolkit-lib deploy failed: .*tk-bad") as caught:
        driver._deploy(bad, "tk-bad", {}, 0.0)
    assert caught.value.returncode == 1
    # the worker keeps serving after a failed request
    ok = write_assembly(tmp_path / "ok", "tk-ok", {"T": topic("tk-ok")})
    assert driver._deploy(ok, "tk-ok", {}, 0.0).changed is True
    driver._destroy(ok, "tk-ok", 0.0, 0.0)


def test_cells_with_their_own_keys_share_one_worker_and_their_calls_count_apart(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cdk, "_toolkits", {})
    cells = {key: emulator.endpoint.with_access_key(key) for key in ("AKIACELLONE", "AKIACELLTWO")}
    drivers = {
        key: cdk.CdkDriver(tmp_path / key, ep, synthesizer="legacy") for key, ep in cells.items()
    }
    one, two = drivers.values()
    assert one.toolkit is not None
    assert one.toolkit is two.toolkit
    assembly = write_assembly(tmp_path / "a", "tk-keyed", {"T": topic("tk-keyed")})
    try:
        one._deploy(assembly, "tk-keyed", {}, 0.0)
        assert emulator.calls("AKIACELLONE").get("cloudformation:CreateChangeSet") == 1
        assert "cloudformation:CreateChangeSet" not in emulator.calls("AKIACELLTWO")
        two._destroy(assembly, "tk-keyed", 0.0, 0.0)
        assert emulator.calls("AKIACELLTWO").get("cloudformation:DeleteStack") == 1
    finally:
        one.toolkit.stop()


def test_records_say_the_toolkit_ran(
    tmp_path: Path, endpoint: Endpoint, server: cdk_toolkit.ToolkitServer
) -> None:
    driver = cdk.CdkDriver(tmp_path, endpoint, synthesizer="legacy", toolkit=server)
    version = cdk_toolkit.installed_version(driver.cli)
    assert driver.tool_version().startswith(f"@aws-cdk/toolkit-lib {version} (aws-cdk-lib ")
    assert driver.engine().endswith(f"; deployed through @aws-cdk/toolkit-lib {version}")


def test_the_switch_keeps_the_cli(
    tmp_path: Path, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cdk.DEPLOY_SWITCH, "cli")
    driver = cdk.CdkDriver(tmp_path, endpoint, synthesizer="legacy")
    assert driver.toolkit is None
    assert driver.tool_version().startswith("aws-cdk ")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by init) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split()[2] != "Z"


def test_the_worker_ends_when_the_process_that_started_it_dies() -> None:
    parent = (
        "import os\n"
        "from harness import cdk_cli, cdk_toolkit\n"
        "from harness.endpoint import Endpoint, Target\n"
        "server = cdk_toolkit.ToolkitServer(cdk_cli.locate(), Endpoint(Target.EMBEDDED, 'http://localhost:9'))\n"
        "with server._lock:\n"
        "    print(server._start().pid, flush=True)\n"
        "os._exit(0)  # no stop(), no atexit: as if killed\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", parent],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    pid = int(done.stdout.strip())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), f"toolkit worker {pid} outlived its parent"
