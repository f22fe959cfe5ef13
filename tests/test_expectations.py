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


def test_the_further_strategies_headline_cells() -> None:
    k, v, c = ChangeKind, VersionOutcome, ChangeOutcome
    tf, cdk = Tool.TERRAFORM, Tool.CDK
    # latest-revision keeps the script's revision until Terraform registers a newer one.
    assert expected(tf, Strategy.LATEST_REVISION, k.SERVICE).version is v.KEPT
    assert expected(tf, Strategy.LATEST_REVISION, k.TASK_SIZE).version is v.ROLLED_BACK
    # track_latest follows the revision, not the image: any apply after an app update rolls back.
    track = expected(tf, Strategy.TRACK_LATEST, k.NONE)
    assert (track.version, track.drift_after_app_update) == (v.ROLLED_BACK, True)
    # ignore_changes never sends the desired count, and a replaced service starts from config.
    assert expected(tf, Strategy.IGNORE_CHANGES, k.DESIRED_COUNT).change is c.NOT_APPLIED
    assert expected(tf, Strategy.IGNORE_CHANGES, k.SERVICE_REPLACEMENT).version is v.MIXED
    # CDK's LATEST keeps the version everywhere; task definition changes wait.
    latest = expected(cdk, Strategy.LATEST_REVISION, k.TASK_DEFINITION)
    assert (latest.version, latest.change) == (v.KEPT, c.DEFERRED)
    # ssm-tag keeps it in both tools; only Terraform's plan shows the drift (cdk diff compares
    # templates, and the template names the parameter, not the tag).
    for tool in (tf, cdk):
        assert all(expected(tool, Strategy.SSM_TAG, kind).version is v.KEPT for kind in ChangeKind)
    assert expected(tf, Strategy.SSM_TAG, k.NONE).drift_after_app_update is True
    assert expected(cdk, Strategy.SSM_TAG, k.NONE).drift_after_app_update is False
    # hotswap leaves the template behind: cdk diff shows it until the next normal deploy.
    assert expected(cdk, Strategy.HOTSWAP, k.NONE).drift_after_app_update is True
    # A web service change under CDK unpinned leaves a mixed fleet, whatever the property.
    for kind in (k.SERVICE, k.DESIRED_COUNT, k.SERVICE_REPLACEMENT):
        assert expected(cdk, Strategy.UNPINNED, kind).version is v.MIXED
