"""Interrupted deploys recover (``harness.recovery``): a Terraform lock left by a killed apply,
CloudFormation stacks left mid-operation, in UPDATE_ROLLBACK_FAILED or ROLLBACK_COMPLETE.

Terraform: the pinned Terraform on a ``terraform_data`` configuration whose apply runs a
``local-exec`` long enough to be killed in the middle (a real lock, taken by a real
terraform). CloudFormation: a stack on the emulator, put into each state through its control
API (``/_harness/cloudformation/stack-status``), then handled as the CloudFormation User
Guide's troubleshooting section says (the sources are in ``harness/recovery.py``).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import process, recovery
from harness.drivers.terraform import Runtime, TerraformDriver
from harness.emulator import Emulator
from harness.endpoint import Endpoint, Target
from harness.errors import CommandError, StackStuck, StateLocked
from harness.paths import REPO_ROOT
from tests import procs

SHIM = REPO_ROOT / "harness" / "terraform" / "shim.py"

# The apply sleeps until the test lets it go (the file "fast" beside the config), so the
# test can kill it in the middle.
SLOW_BASE = """
terraform {
  backend "local" {}
}
variable "base" { type = string }
resource "terraform_data" "slow" {
  input = var.base
  provisioner "local-exec" {
    command = "for i in $(seq 600); do test -f ${path.module}/fast && exit 0; sleep 0.1; done"
  }
}
output "vpc" { value = terraform_data.slow.output }
"""


def builtin_runtime(endpoint: Endpoint) -> Runtime:
    return Runtime((sys.executable, str(SHIM)), process.child_env(), "terraform", "builtin")


@pytest.fixture
def slow_driver(tmp_path: Path) -> TerraformDriver:
    root = tmp_path / "hcl"
    (root / "envs" / "base").mkdir(parents=True)
    (root / "envs" / "base" / "main.tf").write_text(SLOW_BASE)
    endpoint = Endpoint(Target.EMBEDDED, "http://localhost:1", engine="none")
    return TerraformDriver(endpoint, tmp_path / "work", builtin_runtime, hcl_root=root)


@pytest.mark.terraform
def test_a_terraform_killed_mid_apply_is_waited_for_then_its_stale_lock_cleared(
    slow_driver: TerraformDriver, caplog: pytest.LogCaptureFixture
) -> None:
    state = slow_driver.workdir / "state" / "base-dev.tfstate"
    failed: list[BaseException] = []

    def deploy() -> None:
        try:
            slow_driver.deploy_base("dev")
        except CommandError as exc:  # killed: exit -9, whatever Terraform would have said
            failed.append(exc)

    worker = threading.Thread(target=deploy)
    worker.start()
    try:
        holder = procs.wait_for(
            lambda: (
                next((p for p in procs.descendants(os.getpid()) if "shim.py apply" in p.line), None)
                if recovery.lock_info_path(state).exists()
                else None
            ),
            180,
            "terraform apply holding the state lock",
        )
        # While it runs, the lock is Terraform's: refused after the wait, naming the holder.
        with pytest.raises(StateLocked) as locked:
            recovery.recover_terraform_state(state, wait_s=0.5, poll_s=0.1)
        assert f"process {holder.pid}" in str(locked.value)
        info = recovery.read_lock_info(state)
        assert info is not None
        assert info.operation == "apply"
        assert info.id in str(locked.value)
        os.killpg(holder.pid, signal.SIGKILL)  # the tool killed in the middle of its apply
    finally:
        worker.join(timeout=120)
    assert failed, "the killed apply should have failed the deploy"
    # What the kill left: the lock info, no holder.
    assert recovery.lock_info_path(state).exists()
    assert recovery.lock_holder(state) is None
    (slow_driver.workdir / "base-dev" / "terraform" / "envs" / "base" / "fast").touch()
    caplog.set_level(logging.WARNING, logger="harness.recovery")
    result = slow_driver.deploy_base("dev")  # the next run of that environment
    assert result.outputs == {"vpc": "dev"}
    assert not recovery.lock_info_path(state).exists()
    said = " ".join(r.getMessage() for r in caplog.records)
    assert f"stale lock {info.id} (apply by" in said
    assert "half done" in said


def test_a_lock_whose_holder_ends_while_waiting_is_taken_over(tmp_path: Path) -> None:
    """A live holder (another process with the OS lock, as Terraform takes it) that finishes
    within the wait: the recovery waits, then goes on."""
    state = tmp_path / "x.tfstate"
    state.write_text("{}")
    recovery.lock_info_path(state).write_text(
        '{"ID": "abc", "Operation": "OperationTypeApply", "Who": "me@here", "Created": "t"}'
    )
    hold = (
        "import fcntl,sys,time; f=open(sys.argv[1],'r+'); fcntl.lockf(f, fcntl.LOCK_EX);"
        "print('held', flush=True); time.sleep(1.5)"
    )
    import subprocess

    holder = subprocess.Popen([sys.executable, "-c", hold, str(state)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == b"held"
        assert recovery.lock_holder(state) == holder.pid
        said: list[str] = []
        done = recovery.recover_terraform_state(state, wait_s=30, say=said.append, poll_s=0.1)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert said[0].startswith(
        f"x.tfstate: lock abc (apply by me@here, since t) is held by process {holder.pid}"
    )
    assert done is not None
    assert "stale lock abc" in done
    assert not recovery.lock_info_path(state).exists()


def test_no_lock_no_recovery(tmp_path: Path) -> None:
    state = tmp_path / "x.tfstate"
    state.write_text("{}")
    assert recovery.recover_terraform_state(state) is None
    assert recovery.recover_terraform_state(tmp_path / "missing.tfstate") is None


# -- CloudFormation --------------------------------------------------------------------------
TEMPLATE = """{"Resources": {"P": {"Type": "AWS::SSM::Parameter",
  "Properties": {"Type": "String", "Value": "v1"}}}}"""


@pytest.fixture(scope="module")
def cfn_emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def stack(cfn_emulator: Emulator, request: pytest.FixtureRequest) -> Iterator[tuple[Any, str]]:
    cfn = cfn_emulator.endpoint.client("cloudformation")
    name = f"recovery-{request.node.name.split('[')[0][-30:].replace('_', '-')}"
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE)
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig={"Delay": 1})
    yield cfn, name
    if recovery.stack_status(cfn, name) is not None:
        cfn.delete_stack(StackName=name)


def force(emulator: Emulator, name: str, status: str, settle_s: float = 0) -> None:
    body = {"stack": name, "status": status, "settle_s": settle_s}
    emulator.control("cloudformation/stack-status", body)


def test_update_rollback_failed_is_continued(cfn_emulator: Emulator, stack: Any) -> None:
    cfn, name = stack
    force(cfn_emulator, name, "UPDATE_ROLLBACK_FAILED")
    said: list[str] = []
    done = recovery.recover_stack(cfn, name, say=said.append, poll_s=0.1)
    assert recovery.stack_status(cfn, name) == "UPDATE_ROLLBACK_COMPLETE"
    assert done == f"continued the rollback of {name}: now UPDATE_ROLLBACK_COMPLETE"
    assert "ContinueUpdateRollback" in said[0]
    # and the stack takes updates again (UPDATE_ROLLBACK_COMPLETE is a stable state)
    cfn.update_stack(StackName=name, TemplateBody=TEMPLATE.replace("v1", "v2"))


def test_continue_update_rollback_is_refused_from_another_state(stack: Any) -> None:
    """API reference, ContinueUpdateRollback: only for a stack in UPDATE_ROLLBACK_FAILED."""
    cfn, name = stack
    with pytest.raises(cfn.exceptions.ClientError, match="ValidationError"):
        cfn.continue_update_rollback(StackName=name)


def test_rollback_complete_is_deleted_to_be_created_again(
    cfn_emulator: Emulator, stack: Any
) -> None:
    cfn, name = stack
    force(cfn_emulator, name, "ROLLBACK_COMPLETE")
    with pytest.raises(cfn.exceptions.ClientError, match="can not be updated"):
        cfn.update_stack(StackName=name, TemplateBody=TEMPLATE)  # why it must go
    done = recovery.recover_stack(cfn, name, say=lambda _: None, poll_s=0.1)
    assert done == f"deleted {name} after its failed creation, to create it again"
    assert recovery.stack_status(cfn, name) is None
    # a destroy leaves a failed creation to the delete it is about to do
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE)
    force(cfn_emulator, name, "ROLLBACK_COMPLETE")
    assert recovery.recover_stack(cfn, name, destroying=True, say=lambda _: None) is None


def test_an_operation_in_progress_is_waited_for(cfn_emulator: Emulator, stack: Any) -> None:
    cfn, name = stack
    force(cfn_emulator, name, "UPDATE_IN_PROGRESS", settle_s=1.5)
    began = time.monotonic()
    done = recovery.recover_stack(cfn, name, say=lambda _: None, poll_s=0.1)
    assert time.monotonic() - began >= 1.0
    assert done == f"waited for {name} to leave its operation: now CREATE_COMPLETE"


def test_an_operation_that_never_ends_is_refused_not_waited_on_forever(
    cfn_emulator: Emulator, stack: Any
) -> None:
    cfn, name = stack
    force(cfn_emulator, name, "UPDATE_IN_PROGRESS")
    with pytest.raises(StackStuck, match=rf"stack {name} is still UPDATE_IN_PROGRESS after 0.5s"):
        recovery.recover_stack(cfn, name, wait_s=0.5, say=lambda _: None, poll_s=0.1)
    force(cfn_emulator, name, "UPDATE_COMPLETE")


def test_a_missing_or_healthy_stack_needs_nothing(stack: Any) -> None:
    cfn, name = stack
    assert recovery.recover_stack(cfn, name) is None
    assert recovery.recover_stack(cfn, "no-such-stack") is None
