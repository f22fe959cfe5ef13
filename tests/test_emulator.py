"""The embedded emulator: starts on a free loopback port, counts calls, stops without leftovers."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from harness import cfn_wait
from harness.emulator import Emulator
from harness.errors import EmulatorError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_starts_answers_and_stops_cleanly() -> None:
    with Emulator() as emu:
        assert emu.url.startswith("http://localhost:")
        assert emu.start_time_s is not None
        assert emu.start_time_s < 15
        with urllib.request.urlopen(f"{emu.url}/moto-api/data.json", timeout=5) as resp:
            assert resp.status == 200
        pid = emu.pid
        assert pid is not None
        assert _alive(pid)
        assert "moto 5.2.5" in emu.engine
    deadline = time.perf_counter() + 5
    while _alive(pid) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_two_emulators_never_share_a_port() -> None:
    with Emulator() as one, Emulator() as two:
        assert one.port != two.port
        one.endpoint.client("sqs").create_queue(QueueName="only-in-one")
        assert "QueueUrls" not in two.endpoint.client("sqs").list_queues()


def test_env_points_tools_at_it() -> None:
    with Emulator(region="eu-west-1") as emu:
        env = emu.env()
        assert env["AWS_ENDPOINT_URL"] == emu.url
        assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"] == "eu-west-1"
        assert env["AWS_ACCESS_KEY_ID"]
        assert env["AWS_SECRET_ACCESS_KEY"]


def test_counts_calls_per_action_and_per_access_key() -> None:
    with Emulator() as emu:
        before = emu.calls()
        emu.endpoint.client("ecs").list_clusters()
        emu.endpoint.client("ecs").list_clusters()
        other = dataclasses.replace(
            emu.endpoint, credentials={"AWS_ACCESS_KEY_ID": "cell-7", "AWS_SECRET_ACCESS_KEY": "x"}
        )
        other.client("iam").list_roles()
        other.client("s3").create_bucket(Bucket="counted-bucket")
        assert emu.calls_since(before) == {
            "ecs:ListClusters": 2,
            "iam:ListRoles": 1,
            "s3:PUT /*": 1,
        }
        assert emu.calls("cell-7") == {"iam:ListRoles": 1, "s3:PUT /*": 1}


def test_unknown_control_route_is_a_clear_error() -> None:
    with Emulator() as emu, pytest.raises(EmulatorError, match="no control route"):
        emu.control("no-such-route")


def test_url_before_start_is_a_clear_error() -> None:
    with pytest.raises(EmulatorError, match="call start"):
        _ = Emulator().url


def test_rss_is_reported() -> None:
    with Emulator() as emu:
        rss = emu.rss_bytes()
        assert rss is not None
        assert 10_000_000 < rss < 1_000_000_000


def test_cli_serves_until_interrupted() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "harness", "emulator"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert "serving at http://localhost:" in line
            url = line.rsplit(" ", 1)[-1].strip()
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=5) as resp:
                assert resp.status == 200
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=15) == 0
            # the server it started is gone too
            with pytest.raises(OSError, match=r"refused|reset|timed out"):
                urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2)
        finally:
            if proc.poll() is None:
                proc.kill()


def test_temporary_keys_and_cloudformation_calls_count_for_their_caller() -> None:
    """The CDK CLI assumes bootstrap roles and CloudFormation acts for it: both are its calls."""
    with Emulator() as emu:
        cell = dataclasses.replace(
            emu.endpoint, credentials={"AWS_ACCESS_KEY_ID": "cell-9", "AWS_SECRET_ACCESS_KEY": "x"}
        )
        creds = cell.client("sts").assume_role(
            RoleArn="arn:aws:iam::123456789012:role/deploy", RoleSessionName="cdk-deploy"
        )["Credentials"]
        assumed = dataclasses.replace(
            emu.endpoint,
            credentials={
                "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
                "AWS_SESSION_TOKEN": creds["SessionToken"],
            },
        )
        template = {
            "Resources": {
                "Flag": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Name": "/counted", "Type": "String", "Value": "on"},
                }
            }
        }
        assumed_cf = assumed.client("cloudformation")
        assumed_cf.create_stack(StackName="counted", TemplateBody=json.dumps(template))
        assert cfn_wait.stack(assumed_cf, "counted", "create") == "CREATE_COMPLETE"
        counted = emu.calls("cell-9")
        assert counted["sts:AssumeRole"] == 1
        assert counted["cloudformation:CreateStack"] == 1
        assert counted["cloudformation>ssm:PutParameter"] == 1
        assert emu.calls(creds["AccessKeyId"]) == {}


def test_a_killed_harness_leaves_no_emulator_behind() -> None:
    """Even SIGKILL of the process that started it (no cleanup can run) stops the server."""
    script = (
        "import time; from harness.emulator import Emulator;"
        "emu = Emulator().start(); print(emu.pid, flush=True); time.sleep(60)"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as harness_process:
        assert harness_process.stdout is not None
        server_pid = int(harness_process.stdout.readline())
        assert _alive(server_pid)
        harness_process.kill()
        harness_process.wait()
    deadline = time.perf_counter() + 10
    while _gone_or_zombie(server_pid) is False and time.perf_counter() < deadline:
        time.sleep(0.1)
    assert _gone_or_zombie(server_pid)


def test_sigterm_to_the_cli_stops_its_server() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "harness", "emulator"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        url = proc.stdout.readline().rsplit(" ", 1)[-1].strip()
        proc.terminate()
        assert proc.wait(timeout=15) == 0
        with pytest.raises(OSError, match=r"refused|reset|timed out"):
            urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2)


def _gone_or_zombie(pid: int) -> bool:
    status = f"/proc/{pid}/status"
    try:
        with open(status) as f:  # noqa: PTH123
            return "State:\tZ" in f.read()
    except FileNotFoundError:
        return True
