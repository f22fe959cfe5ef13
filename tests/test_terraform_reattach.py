"""Terraform commands reattach to one stand-in provider server, which dies with its parent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from harness import process
from harness.terraform import binary
from harness.terraform.reattach import REATTACH_ENV, ReattachedProvider

CONFIG = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.perf_counter() + seconds
    while _alive(pid) and time.perf_counter() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def test_commands_reattach_to_one_server_that_outlives_them(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    terraform = binary.locate()
    base_env = process.child_env({"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"})
    with ReattachedProvider(base_env) as provider:
        env = {**base_env, **provider.env()}
        reattach = json.loads(env[REATTACH_ENV])["registry.terraform.io/hashicorp/aws"]
        pid = reattach["Pid"]
        assert reattach["ProtocolVersion"] == 6
        process.run([*terraform.argv, "init", "-input=false"], env=env, cwd=tmp_path)
        for _ in range(2):  # a second command finds the same server, still serving
            done = process.run(
                [*terraform.argv, "providers", "schema", "-json"], env=env, cwd=tmp_path
            )
            schemas = json.loads(done.stdout)["provider_schemas"]
            aws = schemas["registry.terraform.io/hashicorp/aws"]["resource_schemas"]
            assert "aws_ecs_service" in aws
            assert _alive(pid)
        assert provider.env()[REATTACH_ENV] == env[REATTACH_ENV]  # not restarted
    assert _gone_within(pid, 5)
    assert not provider.running


def test_the_server_stops_when_the_process_that_started_it_dies(tmp_path: Path) -> None:
    parent = (
        "import json, os, sys\n"
        "from harness.terraform.reattach import ReattachedProvider\n"
        "env = ReattachedProvider(dict(os.environ)).env()\n"
        "print(json.loads(env['TF_REATTACH_PROVIDERS'])"
        "['registry.terraform.io/hashicorp/aws']['Pid'], flush=True)\n"
        "os._exit(0)  # no stop(), no atexit: as if killed\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", parent], capture_output=True, text=True, timeout=120, check=True
    )
    pid = int(done.stdout.strip())
    assert _gone_within(pid, 5), f"provider server {pid} outlived its parent"
