"""A strategy as a stack expresses it: the profile's inputs for it, or a clear refusal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.errors import UsageError
from harness.profiles.inputs import render_inputs
from harness.profiles.model import Profile
from harness.records import ChangeKind, Strategy


def require_strategy(profile: Profile, strategy: Strategy) -> Mapping[str, Any]:
    """The input templates of ``strategy``; :class:`UsageError` when the stack has not it."""
    if strategy not in profile.strategies:
        have = ", ".join(s.value for s in profile.strategies)
        raise UsageError(f"stack {profile.name} ({profile.path}) has no strategy {strategy}; "
                         f"it has {have}: choose one of them or add [strategies.{strategy}]")  # fmt: skip
    return profile.strategies[strategy]


def require_change(profile: Profile, kind: ChangeKind) -> None:
    """:class:`UsageError` when the stack has no change kind ``kind``."""
    if kind not in profile.changes:
        have = ", ".join(k.value for k in profile.changes)
        raise UsageError(f"stack {profile.name} ({profile.path}) has no change kind {kind}; "
                         f"it has {have}: choose one of them or add [changes.{kind}]")  # fmt: skip


def strategy_inputs(
    profile: Profile, strategy: Strategy, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The app-layer inputs that express ``strategy``, filled from ``values``."""
    return render_inputs(require_strategy(profile, strategy), values)
