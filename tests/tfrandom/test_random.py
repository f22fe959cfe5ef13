"""The stand-in hashicorp/random: installed offline, values as its documentation states them.

Real Terraform runs a configuration with ``random_password`` and ``random_string`` (no AWS
endpoint involved: the provider has no API). What is checked is what hashicorp/random's
documentation says: the length and minimum counts hold, ``override_special`` limits the
special characters, the value is kept on the next plan (no changes), a ``keepers`` change
replaces it, and ``random_password.result`` is sensitive.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from harness import process
from harness.endpoint import DUMMY_CREDENTIALS, Endpoint, Target
from harness.terraform import setup
from harness.terraform.install import random_description
from harness.tfrandom.resources import generate

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

CONFIG = """
variable "keeper" { default = "a" }
resource "random_password" "p" {
  length           = 20
  special          = true
  override_special = "_%@"
  min_upper        = 2
  min_numeric      = 3
  keepers          = { k = var.keeper }
}
resource "random_string" "s" {
  length  = 6
  special = false
  upper   = false
}
output "p" {
  value     = random_password.p.result
  sensitive = true
}
output "s" { value = random_string.s.result }
"""


def test_generated_values_meet_the_minimums() -> None:
    value = generate({"length": 12, "min_upper": 4, "min_numeric": 4, "special": False})
    assert len(value) == 12
    assert sum(c.isupper() for c in value) >= 4
    assert sum(c.isdigit() for c in value) >= 4
    assert not set(value) - set(string.ascii_letters + string.digits)


def test_random_resources_through_terraform(tmp_path: Path) -> None:
    endpoint = Endpoint(Target.EMBEDDED, "", credentials=dict(DUMMY_CREDENTIALS))
    tf = setup(endpoint, provider="standin", cache_root=tmp_path / "cache")
    assert random_description() in tf.provider.description, "records name the random stand-in"
    (tmp_path / "main.tf").write_text(CONFIG)

    def run(*args: str, ok: tuple[int, ...] = (0,)) -> process.Completed:
        return process.run([*tf.argv, *args, "-no-color"], env=tf.env, cwd=tmp_path,
                           timeout=300, ok_codes=ok)  # fmt: skip

    init = run("init", "-input=false")
    assert "hashicorp/random v3.7.2" in init.stdout
    run("apply", "-auto-approve", "-input=false")
    out = json.loads(run("output", "-json").stdout)
    password, word = out["p"]["value"], out["s"]["value"]
    assert len(password) == 20
    assert set(password) <= set(string.ascii_letters + string.digits + "_%@")
    assert sum(c.isupper() for c in password) >= 2
    assert sum(c.isdigit() for c in password) >= 3
    assert len(word) == 6
    assert word == word.lower()
    assert word.isalnum()
    assert run("plan", "-detailed-exitcode", "-input=false", ok=(0, 2)).returncode == 0
    state = json.loads(run("show", "-json").stdout)["values"]["root_module"]["resources"]
    by_type = {r["type"]: r for r in state}
    assert by_type["random_password"]["sensitive_values"]["result"] is True
    plan = run("plan", "-input=false", "-var=keeper=b", "-out=tfplan")
    assert "must be replaced" in plan.stdout
    run("apply", "-auto-approve", "-input=false", "-var=keeper=b")
    assert json.loads(run("output", "-json").stdout)["p"]["value"] != password
    run("destroy", "-auto-approve", "-input=false", "-var=keeper=b")
