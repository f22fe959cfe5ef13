"""Which local interpreter runs which Lambda runtime, and what the emulator refuses to run.

Lambda runs a function in its runtime's managed environment; here a function runs as a
local process of the interpreter of the same language and minor version (a runtime with no
such interpreter on the machine is refused at CreateFunction, naming it). The table is
``docs/lambda.md``'s.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from harness import process
from harness.cdk_cli import TOOLS_DIR

_PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


@dataclass(frozen=True, slots=True)
class Runtime:
    """A Lambda runtime identifier and the local interpreter that runs it."""

    name: str
    language: str  # "python" or "node"
    interpreter: Path


def _python(minor: str) -> Path | None:
    """``python3.X`` from pyenv's versions or PATH."""
    for version in sorted(_PYENV.glob(f"{minor}.*"), reverse=True):
        candidate = version / "bin" / "python3"
        if candidate.exists():
            return candidate
    found = shutil.which(f"python{minor}")
    return Path(found) if found else None


def _node(major: str) -> Path | None:
    """A Node of ``major``: ours (``node/package.json``), the CDK CLI's, or one on PATH."""
    candidates = [
        Path(__file__).parent / "node" / "node_modules" / "node" / "bin" / "node",  # Node 24
        TOOLS_DIR / "node_modules" / "node" / "bin" / "node",  # the CDK CLI's Node 22
    ]
    found = shutil.which("node")
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.exists() and _node_major(candidate) == major:
            return candidate
    return None


def _node_major(node: Path) -> str:
    try:
        out = process.run([str(node), "--version"], timeout=30).stdout
    except Exception:  # not runnable: not a candidate
        return ""
    return out.strip().lstrip("v").split(".", 1)[0]


PYTHON_RUNTIMES = (
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
)
NODE_RUNTIMES = ("nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x")
"""Lambda's supported Python and Node.js runtimes ("Lambda runtimes", AWS Lambda Developer
Guide); the others are deprecated or not yet known. nodejs24.x is what aws-cdk-lib 2.275's
framework handlers (Provider, AwsCustomResource) use."""

KNOWN = (*PYTHON_RUNTIMES, *NODE_RUNTIMES)

_resolved: dict[str, Runtime | None] = {}


def resolve(name: str) -> Runtime | None:
    """The local runtime for Lambda runtime ``name``; None when this machine has none."""
    if name not in _resolved:
        _resolved[name] = _lookup(name)
    return _resolved[name]


def _lookup(name: str) -> Runtime | None:
    if name in PYTHON_RUNTIMES:
        found = _python(name.removeprefix("python"))
        return Runtime(name, "python", found) if found else None
    if name in NODE_RUNTIMES:
        found = _node(name.removeprefix("nodejs").removesuffix(".x"))
        return Runtime(name, "node", found) if found else None
    return None


def table() -> dict[str, str]:
    """Every known runtime and the interpreter that runs it here ("" when none)."""
    return {name: str(r.interpreter) if (r := resolve(name)) else "" for name in KNOWN}
