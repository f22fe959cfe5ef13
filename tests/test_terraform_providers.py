"""Choosing hashicorp/aws: mirrors found, the CLI config written, auto/real/standin (no Terraform run)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from harness.errors import ProviderUnavailable
from harness.terraform import install, providers
from harness.terraform.providers import ProviderChoice, ProviderKind
from harness.tfprovider import PROVIDER_VERSION, STANDIN_REVISION

PLATFORM = install.target_platform()


def fake_unpacked(mirror: Path, version: str, platform: str = PLATFORM) -> Path:
    package = mirror / install.SOURCE / version / platform
    package.mkdir(parents=True)
    exe = package / f"terraform-provider-aws_v{version}_x5"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    return package


@pytest.fixture(autouse=True)
def _no_outside_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (providers.CHOICE_ENV, providers.MIRROR_ENV, "TF_PLUGIN_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_mirror_dirs_put_the_named_ones_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(providers.MIRROR_ENV, os.pathsep.join(["/a", "/b"]))
    monkeypatch.setenv("TF_PLUGIN_CACHE_DIR", "/cache")
    dirs = providers.mirror_dirs()
    assert dirs[:3] == [Path("/a"), Path("/b"), Path("/cache")]
    assert Path("/opt/tf-plugins") in dirs
    assert Path("~/.terraform.d/plugins").expanduser() in dirs


def test_find_real_takes_unpacked_and_packed_packages_newest_first(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    fake_unpacked(one, "5.84.0")
    fake_unpacked(one, "6.2.0", platform="plan9_mips")  # another platform: not ours
    packed = two / install.SOURCE / f"terraform-provider-aws_5.100.0_{PLATFORM}.zip"
    packed.parent.mkdir(parents=True)
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("terraform-provider-aws_v5.100.0_x5", "")
    found = providers.find_real([one, two])
    assert [(p.version, p.mirror) for p in found] == [("5.100.0", two), ("5.84.0", one)]


def test_the_standins_own_mirror_is_not_a_real_provider(tmp_path: Path) -> None:
    mirror = install.install_standin(tmp_path)
    assert providers.find_real([mirror]) == []


def test_auto_takes_a_mirrored_provider_and_writes_a_filesystem_mirror_config(
    tmp_path: Path,
) -> None:
    mirror = tmp_path / "plugins"
    fake_unpacked(mirror, "5.100.0")
    chosen = providers.select("auto", root=tmp_path / "cache", dirs=[mirror], registry=False)
    assert chosen.kind is ProviderKind.REAL
    assert chosen.version == "5.100.0"
    assert chosen.description == f"hashicorp/aws 5.100.0 (real provider, from {mirror})"
    assert "auto" in chosen.reason
    assert str(mirror) in chosen.reason
    text = Path(chosen.env["TF_CLI_CONFIG_FILE"]).read_text()
    assert f'path    = "{mirror}"' in text
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in text
    assert (
        'exclude = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random"]'
        in text
    ), "other providers still come from the registry"


def test_a_plugin_cache_becomes_a_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache alone would still make init ask the registry; as a mirror it does not."""
    cache = tmp_path / "cache-dir"
    fake_unpacked(cache, "5.99.0")
    monkeypatch.setenv("TF_PLUGIN_CACHE_DIR", str(cache))
    chosen = providers.select("auto", root=tmp_path, dirs=None, registry=False)
    assert chosen.kind is ProviderKind.REAL
    text = Path(chosen.env["TF_CLI_CONFIG_FILE"]).read_text()
    assert f'path    = "{cache}"' in text


def test_auto_falls_back_to_the_standin_and_says_why(tmp_path: Path) -> None:
    chosen = providers.select("auto", root=tmp_path, dirs=[], registry=False)
    assert chosen.kind is ProviderKind.STANDIN
    assert chosen.version == PROVIDER_VERSION
    assert chosen.description.startswith(f"stand-in harness provider v{STANDIN_REVISION}")
    assert "offline" in chosen.reason
    assert Path(chosen.env["TF_CLI_CONFIG_FILE"]).exists()


def test_auto_with_only_the_registry_leaves_installation_to_terraform(tmp_path: Path) -> None:
    chosen = providers.select("auto", root=tmp_path, dirs=[], registry=True)
    assert (chosen.kind, chosen.env) == (ProviderKind.REAL, {})
    assert "registry.terraform.io answers" in chosen.reason


def test_real_without_any_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ProviderUnavailable, match=providers.MIRROR_ENV):
        providers.select("real", root=tmp_path, dirs=[], registry=False)


def test_standin_is_taken_even_when_a_real_one_exists(tmp_path: Path) -> None:
    mirror = tmp_path / "plugins"
    fake_unpacked(mirror, "5.100.0")
    chosen = providers.select(ProviderChoice.STANDIN, root=tmp_path, dirs=[mirror])
    assert chosen.kind is ProviderKind.STANDIN
    assert chosen.reason == "chosen explicitly"


def test_the_environment_overrides_auto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "plugins"
    fake_unpacked(mirror, "5.100.0")
    monkeypatch.setenv(providers.CHOICE_ENV, "standin")
    assert providers.select("auto", root=tmp_path, dirs=[mirror]).kind is ProviderKind.STANDIN
    assert providers.select("real", root=tmp_path, dirs=[mirror]).kind is ProviderKind.REAL
