"""Nothing leaks: ``python -m harness compare`` stopped by SIGINT or SIGTERM in the middle of
a Terraform apply or a CDK deploy of an app layer.

One cell each (``--changes none``), run as users run it: a subprocess. The signal is sent
once the tool's own process for the app layer's apply/deploy is seen among the run's
descendants (not after a guessed delay). Then: the exit status is 128 + the signal (the
shell's convention: 130, 143), the records written so far load, ``python -m harness report``
builds the report from them, the emulator (started by the test, so it can be asked
afterwards: ``--endpoint``) holds nothing of the run, and no process or listening socket the
run started is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import records
from harness.emulator import Emulator
from harness.paths import REPO_ROOT
from harness.records import Phase, Status
from tests import procs

pytestmark = [pytest.mark.slow]

RUN_TIMEOUT_S = 600.0
SEEN_TIMEOUT_S = 300.0


@pytest.fixture(scope="module")
def own_emulator() -> Iterator[Emulator]:
    """An emulator of this module's own, outliving each run so it can be asked what is left."""
    with Emulator() as emulator:
        yield emulator


def compare_argv(tool: str, strategy: str, results: Path, endpoint: str | None) -> list[str]:
    argv = [sys.executable, "-m", "harness", "compare", "--tools", tool, "--strategies", strategy]
    argv += ["--changes", "none", "--workers", "1", "--terraform-provider", "standin"]
    argv += ["--results", str(results)]
    return argv + (["--endpoint", endpoint] if endpoint else [])


def start_compare(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CI": "1"}  # CI: no terminal progress
    with log.open("wb") as out:
        return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO_ROOT)


def app_apply(proc: procs.Proc) -> bool:
    """Terraform applying an app layer (the shim runs it in the layer's ``envs/app``)."""
    line = proc.line
    return "shim.py apply" in line and "-destroy" not in line and proc.cwd.endswith("envs/app")


def app_deploy(proc: procs.Proc) -> bool:
    """The CDK CLI deploying an app stack (``ENV-app``)."""
    stacks = [a for a in proc.argv if not a.startswith("-")]  # not "--app DIR"
    return "aws-cdk/bin/cdk deploy" in proc.line and any(a.endswith("-app") for a in stacks)


MIDDLE = {"terraform": ("plain", app_apply), "cdk": ("unpinned", app_deploy)}


def left_in_emulator(emulator: Emulator, suffix: str) -> list[str]:
    """What the emulator still holds of a run (names carry its suffix): live stacks, ACTIVE ECS
    clusters, services and task definitions, any other resource tagged with the run's names.

    A deleted ECS cluster, service or deregistered task definition stays visible as INACTIVE
    for a while, as on AWS (ECS API reference, DeleteCluster: "INACTIVE clusters might remain
    discoverable in your account for a period of time"): those are gone, not left.
    """
    endpoint = emulator.endpoint
    left: list[str] = []
    for stack in endpoint.client("cloudformation").describe_stacks()["Stacks"]:
        if suffix in stack["StackName"]:
            left.append(f"stack {stack['StackName']} {stack['StackStatus']}")
    ecs = endpoint.client("ecs")
    arns = ecs.list_clusters()["clusterArns"]
    for cluster in ecs.describe_clusters(clusters=arns)["clusters"] if arns else []:
        if suffix not in cluster["clusterName"]:
            continue
        if cluster["status"] != "INACTIVE":
            left.append(f"cluster {cluster['clusterName']} {cluster['status']}")
        services = ecs.list_services(cluster=cluster["clusterArn"])["serviceArns"]
        for service in (
            ecs.describe_services(cluster=cluster["clusterArn"], services=services)["services"]
            if services
            else []
        ):
            if service["status"] != "INACTIVE":
                left.append(f"service {service['serviceName']} {service['status']}")
    for arn in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]:
        if suffix in arn:
            left.append(f"task definition {arn}")
    tagging = endpoint.client("resourcegroupstaggingapi")
    for page in tagging.get_paginator("get_resources").paginate():
        for resource in page["ResourceTagMappingList"]:
            tags = {t["Key"]: t["Value"] for t in resource.get("Tags", [])}
            arn = resource["ResourceARN"]
            if any(suffix in v for v in tags.values()) and not arn.startswith("arn:aws:ecs:"):
                left.append(f"tagged {arn}")
    for vpc in endpoint.client("ec2").describe_vpcs()["Vpcs"]:
        if any(suffix in t["Value"] for t in vpc.get("Tags", [])):
            left.append(f"vpc {vpc['VpcId']}")
    return left


MATRIX = "HARNESS_INTERRUPT_MATRIX"
"""Set to 1 to run every tool x signal; by default one (Terraform, SIGTERM) keeps the suite
quick: each run deploys and destroys a base and an app layer (1-3 minutes on 2 cores)."""
ONLY_WITH_MATRIX = pytest.mark.skipif(
    os.environ.get(MATRIX) != "1",
    reason=f"the whole tool x signal matrix runs with {MATRIX}=1 (minutes)",
)


@pytest.mark.parametrize(
    ("tool", "sig"),
    [
        pytest.param(
            "terraform",
            signal.SIGINT,
            marks=[pytest.mark.terraform, ONLY_WITH_MATRIX],
            id="terraform-SIGINT",
        ),
        pytest.param(
            "terraform", signal.SIGTERM, marks=pytest.mark.terraform, id="terraform-SIGTERM"
        ),
        pytest.param(
            "cdk", signal.SIGINT, marks=[pytest.mark.cdk, ONLY_WITH_MATRIX], id="cdk-SIGINT"
        ),
        pytest.param(
            "cdk", signal.SIGTERM, marks=[pytest.mark.cdk, ONLY_WITH_MATRIX], id="cdk-SIGTERM"
        ),
    ],
)
def test_interrupted_compare_leaves_nothing(
    tool: str, sig: signal.Signals, own_emulator: Emulator, tmp_path: Path
) -> None:
    if tool == "cdk":
        from harness import cdk_cli

        if not cdk_cli.installed():
            pytest.skip("the pinned CDK CLI is not installed (npm ci --prefix cdk)")
    strategy, in_middle = MIDDLE[tool]
    results, log = tmp_path / "results", tmp_path / "compare.log"
    run = start_compare(compare_argv(tool, strategy, results, own_emulator.url), log)
    seen: dict[int, procs.Proc] = {}
    sockets: set[str] = set()
    try:

        def middle() -> procs.Proc | None:
            tree = procs.descendants(run.pid)
            seen.update({p.pid: p for p in tree})
            sockets.update(procs.listening_inodes([p.pid for p in tree]))
            if run.poll() is not None:
                raise AssertionError(f"compare ended early:\n{log.read_text()[-3000:]}")
            return next((p for p in tree if in_middle(p)), None)

        tool_proc = procs.wait_for(middle, SEEN_TIMEOUT_S, f"{tool} deploying the app layer")
        run.send_signal(sig)
        code = run.wait(timeout=RUN_TIMEOUT_S)
    finally:
        if run.poll() is None:
            run.kill()
    output = log.read_text()

    # exit status: 128 + the signal's number
    assert code == 128 + int(sig), output[-3000:]
    assert tool_proc.pid in seen
    # the records written so far are whole and load
    (folder,) = results.iterdir()
    loaded = list(records.load([folder]))
    assert loaded, "no records written"
    statuses = {r.status for r in loaded}
    assert Status.INTERRUPTED in statuses, statuses
    destroys = {r.step: r.status for r in loaded if r.phase is Phase.DESTROY}
    assert destroys == {"app": Status.OK, "base": Status.OK}, destroys
    # the report builds from them (the run built one; so does `harness report`)
    assert (folder / "report.md").exists()
    report = subprocess.run(
        [sys.executable, "-m", "harness", "report", str(folder), "-o", str(tmp_path / "again")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        timeout=300,
        check=False,
    )
    assert report.returncode == 0, report.stderr
    assert "interrupted" in (tmp_path / "again" / "report.md").read_text()
    # the environments are gone from the emulator
    suffix = folder.name.rsplit("-", 1)[-1]
    left_behind = left_in_emulator(own_emulator, suffix)
    assert left_behind == [], (left_behind, [(r.phase, r.step, r.status, r.error) for r in loaded])
    # no process the run started is left, nor a socket it listened on
    left = [p.line for p in seen.values() if procs.alive(p.pid)]
    assert left == []
    assert sockets & procs.all_listening_inodes() == set()
