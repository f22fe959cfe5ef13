"""A profile's code, ready to run: this checkout, or upstream code exported from a local checkout.

    stack = prepare(profile, stack_source=Path("~/src/terraform-aws-django"),
                    module_sources={"terraform-aws-modules/vpc/aws": Path("~/src/vpc")},
                    workdir=run_folder / "work" / "source")
    stack.root      # what the profile's paths are relative to

The project never contains upstream code. A checkout is a git directory (bare or not): the
profile's commit is exported with ``git archive`` into the run's work dir, so the user's
checkout is never touched, and the profile's edits are applied to that copy (each ``find``
must match exactly once, so an upstream change that moves one fails loudly instead of
silently running something else). A registry module the profile maps (``[source.modules]``)
is exported the same way into the stack's copy (``.harness-modules/N``) and every
``source = "NAME"`` of the stack's ``.tf`` files points at it; those rewrites are listed with the edits.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UsageError
from harness.paths import REPO_ROOT
from harness.profiles.model import Edit, Profile

MODULES_DIR = ".harness-modules"
"""Where registry modules are exported, inside the stack's exported tree."""


@dataclass(frozen=True, slots=True)
class Stack:
    """A profile and the directory its paths are relative to."""

    profile: Profile
    root: Path
    applied: tuple[Edit, ...] = ()
    """What was changed in the exported copy: the profile's edits and the module rewrites."""

    @property
    def label(self) -> str:
        return self.profile.label


def local(profile: Profile) -> Stack:
    """A profile of this checkout's code (ours)."""
    return Stack(profile, REPO_ROOT)


def prepare(
    profile: Profile,
    stack_source: Path | None,
    module_sources: Mapping[str, Path],
    workdir: Path,
) -> Stack:
    """``profile``'s code, exported and edited under ``workdir`` when it is upstream code;
    :class:`UsageError` saying what to check out (or pass) when a checkout is missing."""
    if profile.source is None:
        if stack_source is not None or module_sources:
            raise UsageError(f"--stack-source/--module-source: stack {profile.name} is this "
                             "checkout's code (its profile has no [source]): leave them out")  # fmt: skip
        return local(profile)
    upstream = profile.source
    if stack_source is None:
        raise UsageError(f"stack {profile.name} is {upstream.repository} at {upstream.commit}: "
                         f"git clone https://github.com/{upstream.repository} and pass "
                         "--stack-source DIR")  # fmt: skip
    unknown = sorted(set(module_sources) - set(profile.modules))
    if unknown:
        raise UsageError(f"--module-source: {profile.path} maps no module {', '.join(unknown)}; "
                         f"it maps {', '.join(profile.modules) or 'none'}")  # fmt: skip
    root = export(stack_source, upstream.commit, workdir / profile.name)
    applied: list[Edit] = []
    for number, (module, spec) in enumerate(profile.modules.items()):
        checkout = module_sources.get(module)
        if checkout is None:
            raise UsageError(f"stack {profile.name} uses the registry module {module} "
                             f"({spec.repository} at {spec.commit}): git clone "
                             f"https://github.com/{spec.repository} and pass "
                             f"--module-source {module}=DIR")  # fmt: skip
        # Inside the stack's tree: Terraform copies the tree per layer instance, and a local
        # module source must be a relative path (./ or ../).
        copy = export(checkout, spec.commit, root / MODULES_DIR / str(number))
        applied += point_module_at(root, module, copy, spec.commit)
    for edit in profile.edits:
        apply_edit(root, edit, profile)
        applied.append(edit)
    return Stack(profile, root, tuple(applied))


def export(source: Path, commit: str, dest: Path) -> Path:
    """``commit`` of the git directory ``source`` written to ``dest`` (replaced if there)."""
    source = source.expanduser().resolve()
    if not source.is_dir():
        raise UsageError(f"{source} is no directory: give a git checkout")
    probe = _git(source, "rev-parse", "--verify", f"{commit}^{{commit}}")
    if probe.returncode != 0:
        raise UsageError(f"{source} has no commit {commit} (git: {probe.stderr.strip()}): "
                         f"git -C {source} fetch, or point at a clone that has it")  # fmt: skip
    dest.mkdir(parents=True, exist_ok=False)
    archive = subprocess.run(["git", "-C", str(source), "archive", "--format=tar", commit],
                             capture_output=True, check=True)  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def apply_edit(root: Path, edit: Edit, profile: Profile) -> None:
    """One edit of the exported copy; :class:`UsageError` unless ``find`` occurs exactly once."""
    file = root / edit.file
    if not file.is_file():
        raise UsageError(f"{profile.path}: edit of {edit.file}: no such file at "
                         f"{profile.source.commit if profile.source else 'this checkout'}")  # fmt: skip
    text = file.read_text(encoding="utf-8")
    count = text.count(edit.find)
    if count != 1:
        raise UsageError(f"{profile.path}: edit of {edit.file} ({edit.why}): its find text "
                         f"occurs {count} times, not once: fix the edit for this commit")  # fmt: skip
    file.write_text(text.replace(edit.find, edit.replace), encoding="utf-8")


def point_module_at(root: Path, module: str, copy: Path, commit: str) -> list[Edit]:
    """Every ``source = "MODULE"`` under ``root`` rewritten to the relative path of ``copy``."""
    pattern = re.compile(r'(\bsource\s*=\s*)"' + re.escape(module) + '"')
    done = []
    for file in sorted(root.rglob("*.tf")):
        text = file.read_text(encoding="utf-8")
        if not pattern.search(text):
            continue
        target = os.path.relpath(copy, file.parent)
        file.write_text(pattern.sub(rf'\g<1>"{target}"', text), encoding="utf-8")
        rel = str(file.relative_to(root))
        done.append(Edit(rel, f'source = "{module}"', f'source = "<local {module} at {commit}>"',
                         f"the registry module {module} ({commit}) from a local checkout "
                         "(no registry offline)"))  # fmt: skip
    if not done:
        raise UsageError(f"no .tf file of the stack has source = \"{module}\": remove it from "
                         "[source.modules]")  # fmt: skip
    return done


def _git(source: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(source), *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
