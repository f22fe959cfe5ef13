"""A Terraform profile checked against its root configs before anything runs.

Terraform itself only says "No value for required variable" once ``plan`` has started (and a
variables file naming an undeclared variable is merely a warning), so a profile whose inputs
do not fit the stack would fail minutes in, or silently set nothing. This reads the
``variable "NAME" { ... }`` blocks of a layer's root config (its ``*.tf`` files; HCL blocks
are brace-delimited, strings and comments skipped) and says what does not fit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.profiles.load import ProfileError
from harness.profiles.model import Profile
from harness.records import Tool

_VARIABLE = re.compile(r'^\s*variable\s+"([^"]+)"\s*\{', re.MULTILINE)
_DEFAULT = re.compile(r"^\s*default\s*=", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    required: bool
    """No ``default``: Terraform refuses to plan without a value."""


def variables(root: Path) -> dict[str, Variable]:
    """The variables the root config in ``root`` declares."""
    found: dict[str, Variable] = {}
    for file in sorted(root.glob("*.tf")):
        text = file.read_text(encoding="utf-8")
        for match in _VARIABLE.finditer(text):
            body = _block(text, match.end())
            found[match.group(1)] = Variable(match.group(1), not _DEFAULT.search(_top_level(body)))
    return found


def misfits(root: Path, given: Iterable[str], where: str) -> list[str]:
    """What is wrong with giving the variables ``given`` to the root config ``root``."""
    declared, names = variables(root), set(given)
    problems = [
        f"{where}: variable {v.name!r} of {root} is required (no default) and the profile does not "
        f"set it: add {v.name} = ... to {where}.inputs (or a secret_inputs entry)"
        for v in declared.values()
        if v.required and v.name not in names
    ]
    problems += [
        f"{where}.inputs.{name}: {root} declares no variable {name!r}: remove it or fix its name"
        for name in sorted(names - set(declared))
    ]
    return problems


def _block(text: str, start: int) -> str:
    """The body of the block whose ``{`` ends just before ``start``."""
    depth, i, quote = 1, start, False
    while i < len(text) and depth:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == '"':
                quote = False
        elif c == '"':
            quote = True
        elif c == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return text[start : i - 1]


def _top_level(body: str) -> str:
    """``body`` without its nested blocks (a ``validation`` block is not a default)."""
    out, depth = [], 0
    for c in body:
        depth += c == "{"
        if depth == 0:
            out.append(c)
        depth -= c == "}" and depth > 0
    return "".join(out)


def check_fits(profile: Profile, source_root: Path) -> None:
    """:class:`ProfileError` listing every variable that does not fit (Terraform profiles)."""
    if profile.tool is not Tool.TERRAFORM:
        return
    problems: list[str] = []
    for kind in ("base", "app"):
        layer = profile.layer(kind)
        root = source_root / layer.dir
        if not root.is_dir():
            problems.append(f"layers.{kind}.dir: {root} is no directory: fix the path")
            continue
        given = set(layer.inputs) | set(layer.secret_inputs)
        if kind == "app":
            given |= {k for s in profile.strategies.values() for k in s}
        problems += misfits(root, given, f"layers.{kind}")
    if problems:
        raise ProfileError(profile.path, problems)
