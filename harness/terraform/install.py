"""The stand-in ``hashicorp/aws``: installed as a filesystem mirror (the choice: :mod:`.providers`).

The stand-in is installed as *unpacked* provider packages in a mirror directory:

    <mirror>/registry.terraform.io/hashicorp/aws/6.25.0/<os>_<arch>/terraform-provider-aws_v6.25.0
    <mirror>/registry.terraform.io/hashicorp/aws/5.100.0/<os>_<arch>/terraform-provider-aws_v5.100.0

and a CLI configuration (``TF_CLI_CONFIG_FILE``) makes Terraform take ``hashicorp/aws`` from
that mirror and everything else from the registry as usual. HCL that says
``source = "hashicorp/aws"`` runs unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import threading
from pathlib import Path

from harness.paths import REPO_ROOT
from harness.tfprovider import PROVIDER_VERSION, STANDIN_REVISION
from harness.tfprovider.versions import VERSIONS
from harness.tfrandom import RANDOM_VERSION

SOURCE = "registry.terraform.io/hashicorp/aws"
RANDOM_SOURCE = "registry.terraform.io/hashicorp/random"
MARKER = "harness-standin.json"


def standin_description(version: str = PROVIDER_VERSION) -> str:
    return f"stand-in harness provider v{STANDIN_REVISION} (hashicorp/aws {version} schema)"


def random_description() -> str:
    """How the stand-in hashicorp/random names itself (no ``;``: records split on it)."""
    return f"stand-in hashicorp/random {RANDOM_VERSION}"


def cache_dir() -> Path:
    base = (
        os.environ.get("HARNESS_CACHE_DIR")
        or os.environ.get("XDG_CACHE_HOME")
        or str(Path.home() / ".cache")
    )
    return Path(base) / "iac-harness" / "terraform"


def target_platform() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine, machine
    )
    return f"{sys.platform.replace('win32', 'windows')}_{arch}"


def interpreter() -> str:
    """This environment's Python, named the same however we were started (python, python3).

    The mirror's content is hashed into every lock file, so it must not change between runs.
    """
    name = "python.exe" if sys.platform == "win32" else "python"
    candidate = Path(sys.prefix) / ("Scripts" if sys.platform == "win32" else "bin") / name
    return str(candidate) if candidate.exists() else sys.executable


def standin_root(root: Path | None = None) -> Path:
    """One mirror per (environment, checkout): two venvs or clones never rewrite each other's."""
    key = hashlib.sha256(f"{interpreter()}\0{REPO_ROOT}".encode()).hexdigest()[:12]
    return (root or cache_dir()) / f"standin-{key}"


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text() == text:
        return
    # A temporary name of this writer's own (process and thread: parallel runs and cells
    # install at once), then an atomic rename: a Terraform reading the mirror never sees half
    # a file, and the last writer wins with a whole one.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text)
    tmp.chmod(0o755)
    tmp.replace(path)


def install_standin(root: Path | None = None) -> Path:
    """Write (idempotently) the stand-in's mirror; return the mirror directory.

    It offers every version in :data:`harness.tfprovider.versions.VERSIONS` (6.25.0, and
    5.100.0 for configurations pinned to 5.x), each answering with that version's schema.
    """
    mirror = standin_root(root) / "mirror"
    for version in VERSIONS:
        answer_as = "" if version == PROVIDER_VERSION else repr(version)
        _write_package(mirror / SOURCE, "aws", version, answer_as, standin_description(version))
    _write_package(
        mirror / RANDOM_SOURCE, "random", RANDOM_VERSION, 'None, "random"', random_description()
    )
    return mirror


def _write_package(base: Path, name: str, version: str, args: str, description: str) -> None:
    package = base / version / target_platform()
    package.mkdir(parents=True, exist_ok=True)
    script = (
        f"#!{interpreter()}\n"
        f"# The harness's stand-in for hashicorp/{name} (written by harness.terraform.install).\n"
        "import sys\n"
        f"sys.path.insert(0, {str(REPO_ROOT)!r})\n"
        "from harness.tfprovider.plugin import serve\n"
        f"serve({args})\n"
    )
    _write_if_changed(package / f"terraform-provider-{name}_v{version}", script)
    marker = {"provider": description, "revision": STANDIN_REVISION}
    _write_if_changed(package / MARKER, json.dumps(marker))


def random_mirror_block(root: Path | None = None) -> str:
    """A ``filesystem_mirror`` block taking hashicorp/random from the stand-in's mirror."""
    mirror = install_standin(root)
    return (
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        f'    include = ["{RANDOM_SOURCE}"]\n'
        "  }\n"
    )


def cli_config_for_standin(root: Path | None = None) -> Path:
    """A CLI config taking hashicorp/aws from the stand-in mirror, the rest from the registry."""
    mirror = install_standin(root)
    path = standin_root(root) / "standin.tfrc"
    text = (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        f'    include = ["{SOURCE}"]\n'
        "  }\n"
        f"{random_mirror_block(root)}"
        "  direct {\n"
        f'    exclude = ["{SOURCE}", "{RANDOM_SOURCE}"]\n'
        "  }\n"
        "}\n"
    )
    _write_if_changed(path, text)
    return path


def provider_in_use(workdir: Path) -> str | None:
    """After ``init``: which hashicorp/aws the working directory installed, or None."""
    data_dir = Path(os.environ.get("TF_DATA_DIR") or workdir / ".terraform")
    for package in sorted((data_dir / "providers" / SOURCE).glob("*/*")):
        marker = package / MARKER
        if marker.exists():
            return str(json.loads(marker.read_text())["provider"])
        return f"hashicorp/aws {package.parent.name}"
    return None
