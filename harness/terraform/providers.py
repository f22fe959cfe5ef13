"""Which ``hashicorp/aws`` Terraform runs: the real provider from a mirror, or the stand-in.

    choice = ProviderChoice("auto")               # --terraform-provider auto|real|standin
    chosen = select(choice)                       # a ProviderSelection
    chosen.env                                    # {"TF_CLI_CONFIG_FILE": ...}
    chosen.description                            # "hashicorp/aws 5.100.0 (real provider, ...)"
    chosen.reason                                 # why this one

A real provider is found in filesystem mirrors, unpacked layout
(``<dir>/registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/terraform-provider-aws_v*``)
or packed (``.../hashicorp/aws/terraform-provider-aws_<version>_<os>_<arch>.zip``), looked for
in ``HARNESS_TF_PROVIDER_MIRROR`` (``os.pathsep``-separated), ``TF_PLUGIN_CACHE_DIR`` and the
well-known plugin directories. The harness turns what it found into a ``filesystem_mirror``
CLI configuration: a plugin cache alone would still make ``init`` consult the registry.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from harness.errors import ProviderUnavailable
from harness.terraform.install import (
    RANDOM_SOURCE,
    SOURCE,
    cli_config_for_standin,
    random_description,
    random_mirror_block,
    standin_description,
    standin_root,
    target_platform,
)
from harness.tfprovider import PROVIDER_VERSION

MIRROR_ENV = "HARNESS_TF_PROVIDER_MIRROR"
CHOICE_ENV = "HARNESS_TF_PROVIDER"
WELL_KNOWN = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt/tf-plugins",
)
"""Terraform's implied local mirror directories on Unix, and this project's machines' one."""

_PACKED = re.compile(r"terraform-provider-aws_(\d[^_]*)_([a-z0-9]+_[a-z0-9]+)\.zip$")


class ProviderChoice(StrEnum):
    AUTO = "auto"
    REAL = "real"
    STANDIN = "standin"


class ProviderKind(StrEnum):
    REAL = "real"
    STANDIN = "standin"


@dataclass(frozen=True, slots=True)
class MirroredProvider:
    """One real hashicorp/aws package found in a filesystem mirror."""

    version: str
    mirror: Path
    package: Path


@dataclass(frozen=True, slots=True)
class ProviderSelection:
    """Which hashicorp/aws was chosen and why, and the environment that makes Terraform use it."""

    kind: ProviderKind
    version: str
    """The version Terraform will install ("" when the registry decides)."""
    reason: str
    source: str
    """Where it comes from: a mirror directory, ``registry.terraform.io``, the stand-in's mirror."""
    env: dict[str, str] = field(default_factory=dict)
    random_standin: bool = False
    """Whether hashicorp/random comes from the stand-in's mirror (offline: no registry)."""

    @property
    def description(self) -> str:
        random = f", {random_description()}" if self.random_standin else ""
        if self.kind is ProviderKind.STANDIN:
            return standin_description() + random
        version = f" {self.version}" if self.version else ""
        return f"hashicorp/aws{version} (real provider, from {self.source}){random}"


def mirror_dirs(environ: dict[str, str] | None = None) -> list[Path]:
    """Directories that may hold a real provider, most explicit first (duplicates dropped)."""
    env = os.environ if environ is None else environ
    named = [p for p in env.get(MIRROR_ENV, "").split(os.pathsep) if p]
    cache_dir = [env["TF_PLUGIN_CACHE_DIR"]] if env.get("TF_PLUGIN_CACHE_DIR") else []
    found: list[Path] = []
    for text in [*named, *cache_dir, *WELL_KNOWN]:
        path = Path(text).expanduser()
        if path not in found:
            found.append(path)
    return found


def find_real(dirs: Iterable[Path], platform: str | None = None) -> list[MirroredProvider]:
    """Real hashicorp/aws packages for this platform in ``dirs``, newest version first.

    The stand-in's own mirror is never one of them (it carries the harness's marker file).
    """
    platform = platform or target_platform()
    found: list[MirroredProvider] = []
    for mirror in dirs:
        base = mirror / SOURCE
        for package in sorted(base.glob(f"*/{platform}")):
            if (package / "harness-standin.json").exists():
                continue
            if any(package.glob("terraform-provider-aws_v*")):
                found.append(MirroredProvider(package.parent.name, mirror, package))
        for packed in sorted(base.glob("terraform-provider-aws_*.zip")):
            match = _PACKED.search(packed.name)
            if match and match.group(2) == platform:
                found.append(MirroredProvider(match.group(1), mirror, packed))
    return sorted(found, key=lambda p: _version_key(p.version), reverse=True)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version.split("-")[0]))


def cli_config(mirrors: Sequence[Path], path: Path, extra: str = "") -> Path:
    """Write a CLI config taking hashicorp/aws only from ``mirrors``, the rest from the registry
    (``extra``: more ``filesystem_mirror`` blocks, e.g. the stand-in hashicorp/random's)."""
    blocks = "".join(
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(m))}\n"
        f'    include = ["{SOURCE}"]\n'
        "  }\n"
        for m in mirrors
    )
    excluded = ", ".join(f'"{s}"' for s in (SOURCE, *([RANDOM_SOURCE] if extra else [])))
    text = f"provider_installation {{\n{blocks}{extra}  direct {{\n    exclude = [{excluded}]\n  }}\n}}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not (path.exists() and path.read_text() == text):
        path.write_text(text)
    return path


@cache
def registry_answers() -> bool:
    try:
        with urllib.request.urlopen(
            "https://registry.terraform.io/.well-known/terraform.json", timeout=3
        ):
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def select(
    choice: ProviderChoice | str = ProviderChoice.AUTO,
    *,
    root: Path | None = None,
    dirs: Sequence[Path] | None = None,
    registry: bool | None = None,
) -> ProviderSelection:
    """Choose hashicorp/aws: ``auto`` takes a real one when installable, else the stand-in.

    ``HARNESS_TF_PROVIDER`` overrides ``auto``. ``root`` is where the stand-in's mirror and the
    CLI configs go; ``dirs`` and ``registry`` replace the look-ups (for tests).
    """
    choice = ProviderChoice(choice)
    explicit = choice is not ProviderChoice.AUTO
    if not explicit and os.environ.get(CHOICE_ENV):
        choice, explicit = ProviderChoice(os.environ[CHOICE_ENV]), True
    if choice is ProviderChoice.STANDIN:
        return _standin("chosen explicitly" if explicit else "", root)
    real = _real(dirs, registry, root)
    if real is not None:
        how = "chosen explicitly" if explicit else "auto: a real provider is installable"
        return ProviderSelection(real.kind, real.version, f"{how}; {real.reason}", real.source,
                                 real.env)  # fmt: skip
    if choice is ProviderChoice.REAL:
        looked = ", ".join(str(d) for d in (mirror_dirs() if dirs is None else dirs)) or "none"
        raise ProviderUnavailable(
            f"no real hashicorp/aws: none in a filesystem mirror (looked in: {looked}; "
            f"set {MIRROR_ENV}) and registry.terraform.io does not answer"
        )
    return _standin("auto: no real hashicorp/aws in a mirror and no registry (offline)", root)


def _standin(reason: str, root: Path | None) -> ProviderSelection:
    config = cli_config_for_standin(root)
    mirror = standin_root(root) / "mirror"
    return ProviderSelection(ProviderKind.STANDIN, PROVIDER_VERSION, reason or "chosen explicitly",
                             str(mirror), {"TF_CLI_CONFIG_FILE": str(config)},
                             random_standin=True)  # fmt: skip


def _real(
    dirs: Sequence[Path] | None, registry: bool | None, root: Path | None
) -> ProviderSelection | None:
    found = find_real(mirror_dirs() if dirs is None else dirs)
    if found:
        newest = found[0]
        mirrors = list(dict.fromkeys(p.mirror for p in found))
        # a mirror means offline use: hashicorp/random (no real one here) from the stand-in's
        extra = random_mirror_block(root)
        config = cli_config(mirrors, standin_root(root) / "real-provider.tfrc", extra)
        reason = f"hashicorp/aws {newest.version} found in filesystem mirror {newest.mirror}"
        return ProviderSelection(ProviderKind.REAL, newest.version, reason, str(newest.mirror),
                                 {"TF_CLI_CONFIG_FILE": str(config)},
                                 random_standin=True)  # fmt: skip
    if registry_answers() if registry is None else registry:
        return ProviderSelection(ProviderKind.REAL, "", "registry.terraform.io answers",
                                 "registry.terraform.io")  # fmt: skip
    return None
