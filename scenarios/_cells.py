"""What the Terraform and CDK scenarios share about cells: an access key each, and its calls."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.endpoint import Endpoint, Target


def cell_endpoint(endpoint: Endpoint, key: str) -> Endpoint:
    """``endpoint`` with an access key of its own, so the emulator counts this cell's calls apart."""
    return endpoint.with_access_key(key)


def call_counter(
    request: pytest.FixtureRequest, target: Target, key: str
) -> Callable[[], dict[str, int]] | None:
    """The emulator's call counts for ``key`` (None on targets that do not count calls)."""
    if target is not Target.EMBEDDED:
        return None
    emulator = request.getfixturevalue("emulator")
    return lambda: dict(emulator.calls(key))
