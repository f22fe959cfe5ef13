"""The pinned AWS CDK CLI and the Node it runs on, both from ``cdk/package-lock.json``.

``npm ci --prefix cdk`` (the noxfile does it) installs ``aws-cdk`` and ``node`` (Node 22:
jsii under aws-cdk-lib 2.275 calls Node 20 end-of-life). :func:`locate` finds them;
:meth:`CdkCli.argv` and :meth:`CdkCli.env` give what :func:`harness.process.run` needs to
run ``cdk`` against an :class:`~harness.endpoint.Endpoint`, the way ``cdklocal`` does.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import cdk_typescript, process
from harness.endpoint import Endpoint, Target
from harness.errors import CommandNotFound, ToolTooOld
from harness.paths import CDK_DIR

TOOLS_DIR = CDK_DIR
"""Where ``cdk/package.json`` pins the CLI; ``node_modules`` lands beside it."""


@dataclass(frozen=True, slots=True)
class CdkCli:
    """One installed CDK CLI: the Node binary, the CLI's entry script and its version."""

    node: Path
    script: Path
    version: str

    def argv(self, args: Sequence[str]) -> list[str]:
        """The command line running ``cdk <args>``."""
        return [str(self.node), str(self.script), *args]

    def env(self, endpoint: Endpoint, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Our environment pointed at ``endpoint``, with the pinned Node first on PATH.

        The app's own subprocesses find the same Node (jsii) and the harness's Python
        (``"app": "python3 app.py"``, with aws-cdk-lib) first on PATH.
        """
        env = process.child_env(endpoint.env())
        first = [str(self.node.parent), str(Path(sys.executable).parent)]
        # and TypeScript apps our ts-node and aws-cdk-lib (cdk/typescript), when installed
        first += cdk_typescript.bin_dirs()
        env["PATH"] = os.pathsep.join([*first, env.get("PATH", "")])
        modules_path = cdk_typescript.node_path()
        if modules_path:
            env["NODE_PATH"] = modules_path
        env.update(
            {
                "CDK_DEFAULT_REGION": endpoint.region,
                "CDK_DISABLE_VERSION_CHECK": "1",
                "CDK_DISABLE_CLI_TELEMETRY": "true",
                "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
            }
        )
        # Node's on-disk cache of compiled JavaScript: each CLI start (and jsii's kernel) skips
        # compiling the CLI's bundle again (seen here: ~0.95 -> ~0.83 s CPU per `cdk --version`).
        env.setdefault(
            "NODE_COMPILE_CACHE", str(Path(tempfile.gettempdir()) / "harness-node-cache")
        )
        if endpoint.url:
            # Path-style S3 whatever the host (the CLI only assumes it for loopback URLs).
            env["CDK_S3_FORCE_PATH_STYLE"] = "1"
        if endpoint.target is not Target.AWS:
            # The CLI caches the account of each access key under CDK_HOME (~/.cdk): LocalStack
            # (000000000000) and the emulator (123456789012) both answer for the key "test", so
            # one's cached answer would make bootstrapping the other fail. One home per endpoint.
            env["CDK_HOME"] = str(cdk_home(endpoint))
        env.update(extra or {})
        return env

    def run(
        self,
        args: Sequence[str],
        endpoint: Endpoint,
        *,
        cwd: str | Path | None = None,
        timeout: float = 900.0,
        extra_env: Mapping[str, str] | None = None,
        ok_codes: Collection[int] = (0,),
    ) -> process.Completed:
        """Run ``cdk <args>`` to completion (``CommandError`` on an exit code not in ``ok_codes``)."""
        return process.run(
            self.argv(args),
            env=self.env(endpoint, extra_env),
            cwd=cwd,
            timeout=timeout,
            ok_codes=ok_codes,
        )


def locate(tools_dir: Path | None = None) -> CdkCli:
    """The pinned CLI under ``tools_dir`` (``cdk/``); ``CommandNotFound`` saying how to install it."""
    tools_dir = tools_dir or TOOLS_DIR
    modules = tools_dir / "node_modules"
    script = modules / "aws-cdk" / "bin" / "cdk"
    if not script.exists():
        raise CommandNotFound(
            ["cdk"],
            None,
            message=f"the pinned CDK CLI is not installed: run npm ci --prefix {tools_dir}",
        )
    version = json.loads((modules / "aws-cdk" / "package.json").read_text())["version"]
    return CdkCli(_node(modules), script, str(version))


def _node(modules: Path) -> Path:
    pinned = modules / "node" / "bin" / "node"
    if pinned.exists():
        return pinned
    found = shutil.which("node")
    if found is None:
        raise CommandNotFound(
            ["node"], None, message="Node.js is not installed (npm ci --prefix cdk)"
        )
    _check_node(found)
    return Path(found)


MIN_NODE = (18, 0)
"""What the pinned aws-cdk asks for (``engines.node`` ">= 18.0.0" in its package.json)."""


def _check_node(node: str) -> None:
    """A node from PATH (not the pinned one) must be new enough for the CLI."""
    from harness.terraform.binary import version_tuple

    text = process.run([node, "--version"], timeout=30).stdout.strip()
    if version_tuple(text) < MIN_NODE:
        raise ToolTooOld(
            [node],
            None,
            message=f"Node.js {text} at {node} is older than the CDK CLI needs "
            f"({'.'.join(map(str, MIN_NODE))}+): run npm ci --prefix cdk (it installs the "
            "pinned Node 22) or put a newer node first on PATH",
        )


def installed(tools_dir: Path = TOOLS_DIR) -> bool:
    """Whether ``npm ci --prefix cdk`` has been run."""
    return (tools_dir / "node_modules" / "aws-cdk" / "bin" / "cdk").exists()


def cdk_home(endpoint: Endpoint) -> Path:
    """The CLI's home (its caches) for an emulated endpoint: one per URL, kept between runs."""
    key = hashlib.sha256(str(endpoint.url).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "harness-cdk-home" / f"{endpoint.target}-{key}"
