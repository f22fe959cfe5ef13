"""Stack profiles: declarative TOML files telling the harness how to drive a stack.

    profile = profiles.load("profiles/author-terraform.toml")   # ProfileError listing problems
    profile = profiles.builtin(Tool.CDK)                         # our own CDK app

``model`` (what a profile says), ``load`` (reading and checking it), ``inputs`` (filling its
input templates). The format is documented in ``docs/profiles.md``.
"""

from __future__ import annotations

from harness.profiles.load import BUILTIN, ProfileError, builtin, load
from harness.profiles.model import Change, Edit, Layer, Profile, Upstream

__all__ = [
    "BUILTIN",
    "Change",
    "Edit",
    "Layer",
    "Profile",
    "ProfileError",
    "Upstream",
    "builtin",
    "load",
]
