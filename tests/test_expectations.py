"""The documented outcome table: complete over the matrix and consistent."""

from __future__ import annotations

import pytest

from harness.expectations import STRATEGIES, ChangeOutcome, VersionOutcome, expected
from harness.records import ChangeKind, Strategy, Tool

CELLS = [
    (tool, s, k) for tool, strategies in STRATEGIES.items() for s in strategies for k in ChangeKind
]


@pytest.mark.parametrize(("tool", "strategy", "kind"), CELLS)
def test_every_cell_has_a_sourced_expectation(
    tool: Tool, strategy: Strategy, kind: ChangeKind
) -> None:
    exp = expected(tool, strategy, kind)
    assert exp.why
    assert exp.advice
    assert (exp.change is ChangeOutcome.NOT_APPLICABLE) == (kind is ChangeKind.NONE)


def test_the_article_s_headline_cells() -> None:
    # Terraform without ignore_changes rolls the script's version back on any apply.
    assert (
        expected(Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.NONE).version
        is VersionOutcome.ROLLED_BACK
    )
    # ignore_changes keeps it, and defers task definition changes to the next app update.
    ign = expected(Tool.TERRAFORM, Strategy.IGNORE_CHANGES, ChangeKind.TASK_DEFINITION)
    assert (ign.version, ign.change) == (VersionOutcome.KEPT, ChangeOutcome.DEFERRED)
    # CDK leaves an untouched service alone but rolls back the services it updates: only web
    # for a web service property (a mixed fleet), all of them for a task definition change.
    assert (
        expected(Tool.CDK, Strategy.UNPINNED, ChangeKind.UNRELATED).version is VersionOutcome.KEPT
    )
    service = expected(Tool.CDK, Strategy.UNPINNED, ChangeKind.SERVICE)
    assert service.version is VersionOutcome.MIXED
    assert service.services == {
        "web": VersionOutcome.ROLLED_BACK,
        "worker": VersionOutcome.KEPT,
        "beat": VersionOutcome.KEPT,
    }
    assert (
        expected(Tool.CDK, Strategy.UNPINNED, ChangeKind.TASK_DEFINITION).version
        is VersionOutcome.ROLLED_BACK
    )
    # Pinning the running version keeps it in every case.
    assert all(
        expected(Tool.CDK, Strategy.PINNED, k).version is VersionOutcome.KEPT for k in ChangeKind
    )


def test_a_strategy_of_the_other_tool_is_refused() -> None:
    with pytest.raises(ValueError, match="not a strategy of"):
        expected(Tool.CDK, Strategy.PLAIN, ChangeKind.NONE)
