"""What both tools' scenarios share in one pytest session: one run, one results folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.recorder import RunContext, git_commit, new_run_id

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def run_context(target: object) -> RunContext:
    """One run id for every scenario of the session, so their records make one report."""
    return RunContext(new_run_id(), str(target), git_commit())


@pytest.fixture(scope="session")
def results_root(run_context: RunContext) -> Path:
    """``results/scenarios/<run-id>/`` (or under ``$HARNESS_RESULTS_DIR``)."""
    root = Path(os.environ.get("HARNESS_RESULTS_DIR", REPO / "results" / "scenarios"))
    return root / run_context.run_id
