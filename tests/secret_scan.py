"""Look for known secret values in every file a run left behind (and in captured text).

The rule the leak test applies: no secret value - the database password, the AWS secret
access key - may appear in any output of a run: records, report, run summary, logs, the
emulator's log, the tools' working copies (variables files, override files, CDK assemblies,
plan files). One exception, by design of the tool: Terraform state (``*.tfstate`` and its
``*.tfstate.backup``) stores every attribute in plain text, sensitive ones included
("Sensitive data in state", Terraform documentation: "Terraform state can contain sensitive
data ... treat the state itself as sensitive data"), so state files are reported apart and
allowed. Provider plugins (``.terraform/providers``) are the tools' own binaries, not output.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

STATE_SUFFIXES = (".tfstate", ".tfstate.backup")
PLUGINS = (".terraform", "providers")


@dataclass
class Scan:
    files: int = 0
    bytes: int = 0
    hits: list[tuple[str, str]] = field(default_factory=list)
    """(where, which needle's label) for every forbidden occurrence."""
    in_state: list[tuple[str, str]] = field(default_factory=list)
    """The same for Terraform state files, which may hold secrets by design."""


def _plugin_file(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return any(parts[i : i + 2] == PLUGINS for i in range(len(parts) - 1))


def scan(
    roots: Iterable[Path], needles: dict[str, str], texts: dict[str, str] | None = None
) -> Scan:
    """Every occurrence of each needle (label -> value) in the files under ``roots`` and in
    ``texts`` (name -> captured text, e.g. logs)."""
    found = Scan()
    wanted = {label: value.encode() for label, value in needles.items() if value}
    for root in roots:
        for dirpath, _, names in os.walk(root):
            for name in names:
                path = Path(dirpath) / name
                if path.is_symlink() or _plugin_file(path, root):
                    continue
                data = path.read_bytes()
                found.files += 1
                found.bytes += len(data)
                target = found.in_state if name.endswith(STATE_SUFFIXES) else found.hits
                target += [(str(path), label) for label, value in wanted.items() if value in data]
    for where, text in (texts or {}).items():
        data = text.encode()
        found.bytes += len(data)
        found.hits += [(where, label) for label, value in wanted.items() if value in data]
    return found
