"""The TypeScript toolchain for TypeScript CDK apps, pinned in ``cdk/typescript/package-lock.json``.

``typescript``, ``ts-node``, ``@types/node`` and the npm ``aws-cdk-lib`` + ``constructs`` at the
versions of the Python ones (pyproject's ``cdk`` group), so a TypeScript app and ours
synthesize with the same library. It is a package directory of its own, installed on demand
(:func:`ensure`, the first time a TypeScript app is synthesized): ``npm ci`` of it costs
~8-11 s and 212 MB (aws-cdk-lib is 158 MB of it), which the runs that never see a TypeScript
app should not pay.

An app finds the toolchain the way ``cdk init --language typescript`` apps expect it:
``ts-node`` on PATH (:func:`bin_dirs`) and ``require('aws-cdk-lib')`` through NODE_PATH
(:func:`node_path`), both set by :meth:`harness.cdk_cli.CdkCli.env`; type
checking (ts-node's default) resolves types next to the sources, so an app without its own
``node_modules`` gets ours linked in (:func:`link`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import tempfile
from pathlib import Path

from harness import process
from harness.errors import CommandNotFound
from harness.paths import CDK_DIR

TS_DIR = CDK_DIR / "typescript"
"""Where ``cdk/typescript/package.json`` pins the toolchain; ``node_modules`` lands beside it."""
INSTALL_TIMEOUT_S = 600.0
TS_NODE_FLAGS = frozenset({"--prefer-ts-exts"})
"""ts-node flags the Node worker honours (it always prefers .ts): others go to ``cdk synth``."""
TS_MARKERS = ("ts-node", "tsx", ".ts ", ".ts'", '.ts"')


def modules(tools_dir: Path = TS_DIR) -> Path:
    return tools_dir / "node_modules"


def installed(tools_dir: Path = TS_DIR) -> bool:
    """Whether ``npm ci --prefix cdk/typescript`` has been run (its lock file's packages)."""
    return (modules(tools_dir) / ".package-lock.json").exists() and (
        modules(tools_dir) / "ts-node" / "dist" / "bin.js"
    ).exists()


def ensure(tools_dir: Path = TS_DIR) -> Path:
    """The toolchain's ``node_modules``, running ``npm ci`` first if it is not there.

    One install at a time (a file lock: parallel runs share the directory).
    """
    if installed(tools_dir):
        return modules(tools_dir)
    npm = shutil.which("npm")
    if npm is None:
        raise CommandNotFound(
            ["npm"], None, message=f"TypeScript CDK apps need npm: run npm ci --prefix {tools_dir}"
        )
    lock_path = Path(tempfile.gettempdir()) / "harness-cdk-typescript-install.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed(tools_dir):  # someone else may have installed it while we waited
            argv = [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(tools_dir)]
            process.run(argv, timeout=INSTALL_TIMEOUT_S)
    return modules(tools_dir)


def is_typescript(app_dir: Path, app: str | None = None) -> bool:
    """Whether the app command (``app``, else ``cdk.json``'s ``app``) runs TypeScript."""
    if app is None:
        config = app_dir / "cdk.json"
        if not config.exists():
            return False
        app = str(json.loads(config.read_text()).get("app", ""))
    command = f"{app} "
    return any(marker in command for marker in TS_MARKERS)


def ts_node_entry(app_dir: Path, app: str | None = None) -> tuple[str, str] | None:
    """``(entry, tsconfig)`` of an app command ``[npx] ts-node [options] ENTRY.ts`` (tsconfig
    ``""`` when not given); None for any other command (tsx, a build step first, ...)."""
    if app is None:
        config = app_dir / "cdk.json"
        app = str(json.loads(config.read_text()).get("app", "")) if config.exists() else ""
    words = shlex.split(app)
    if words[:1] == ["npx"]:
        words = words[1:]
    if not words or Path(words[0]).name != "ts-node":
        return None
    project, entry, rest = "", None, iter(words[1:])
    for word in rest:
        if word in ("-P", "--project"):
            project = next(rest, "")
        elif word.startswith("--project="):
            project = word.split("=", 1)[1]
        elif word.startswith("-"):
            if word not in TS_NODE_FLAGS:
                return None  # an option we do not pass on: let the CLI run it as written
        elif entry is None:
            entry = word
        else:
            return None  # arguments to the app
    return (entry, project) if entry and entry.endswith((".ts", ".tsx")) else None


def bin_dirs(tools_dir: Path = TS_DIR) -> list[str]:
    """Where ``ts-node`` and ``tsc`` are, for PATH; none when the toolchain is not installed
    (a Python app never needs it)."""
    return [str(modules(tools_dir) / ".bin")] if installed(tools_dir) else []


def node_path(tools_dir: Path = TS_DIR) -> str | None:
    """NODE_PATH with our ``node_modules`` first (``require('aws-cdk-lib')`` from any app)."""
    if not installed(tools_dir):
        return None
    return os.pathsep.join(p for p in (str(modules(tools_dir)), os.environ.get("NODE_PATH")) if p)


def link(app_dir: Path, tools_dir: Path = TS_DIR) -> bool:
    """Link our ``node_modules`` into ``app_dir`` unless it has its own; True if it linked.

    ``npx ts-node`` and TypeScript's type resolution both look in ``node_modules`` beside
    the sources (neither reads PATH or NODE_PATH), so an app checked out without running
    ``npm install`` gets ours.
    """
    target = app_dir / "node_modules"
    if target.exists() or target.is_symlink():
        return False
    target.symlink_to(ensure(tools_dir), target_is_directory=True)
    return True
