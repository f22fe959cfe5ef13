"""The sequence model agrees with the one-sequence expectations, and with itself (no AWS)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.changes import (
    CHANGED_GRACE_S,
    CHANGED_LOG_LEVEL,
    CHANGED_RETENTION_DAYS,
    CHANGED_TASK_CPU,
    CHANGED_WEB_DESIRED_COUNT,
)
from harness.contract import SERVICES, WEB
from harness.documented_model import Config, DocumentedModel
from harness.expectations import STRATEGIES, ChangeOutcome, VersionOutcome, expected
from harness.records import ChangeKind, Strategy, Tool

CELLS = [(t, s, k) for t, ss in STRATEGIES.items() for s in ss for k in ChangeKind]


def changed(config: Config, kind: ChangeKind) -> Config:
    """The model's twin of ``harness.changes.apply_change``."""
    if kind is ChangeKind.UNRELATED:
        return replace(config, retention_days=CHANGED_RETENTION_DAYS)
    if kind is ChangeKind.SERVICE:
        return replace(config, grace_s=CHANGED_GRACE_S)
    if kind is ChangeKind.TASK_DEFINITION:
        return replace(config, log_level=CHANGED_LOG_LEVEL)
    if kind is ChangeKind.DESIRED_COUNT:
        return replace(config, web_desired_count=CHANGED_WEB_DESIRED_COUNT)
    if kind is ChangeKind.TASK_SIZE:
        return replace(config, cpu=CHANGED_TASK_CPU)
    if kind is ChangeKind.SECURITY_GROUP_RULE:
        return replace(config, sg_rule=True)
    if kind is ChangeKind.SERVICE_REPLACEMENT:
        return replace(config, web_name="web-r")
    return config


def in_effect(model: DocumentedModel, kind: ChangeKind) -> bool:
    if kind is ChangeKind.UNRELATED:
        return model.retention_days == CHANGED_RETENTION_DAYS
    if kind is ChangeKind.SERVICE:
        return model.grace_s == CHANGED_GRACE_S
    if kind is ChangeKind.DESIRED_COUNT:
        return model.desired[WEB] == CHANGED_WEB_DESIRED_COUNT
    if kind is ChangeKind.TASK_SIZE:
        return model.running[WEB].cpu == CHANGED_TASK_CPU
    if kind is ChangeKind.SECURITY_GROUP_RULE:
        return model.sg_rule
    if kind is ChangeKind.SERVICE_REPLACEMENT:
        return model.deployed is not None and model.deployed.web_name == "web-r"
    return model.running[WEB].log_level == CHANGED_LOG_LEVEL


@pytest.mark.parametrize(("tool", "strategy", "kind"), CELLS, ids=lambda v: str(v))
def test_the_model_reproduces_every_documented_cell(
    tool: Tool, strategy: Strategy, kind: ChangeKind
) -> None:
    """The fixed lifecycle, run on the model, gives what ``expected()`` states for the cell."""
    exp = expected(tool, strategy, kind)
    model = DocumentedModel(tool, strategy, Config("v1"))
    model.apply()
    model.app_update("v2")
    assert model.drift() is exp.drift_after_app_update
    model.apply(changed(model.config, kind))
    services = {
        s: VersionOutcome.KEPT if model.running[s].tag == "v2" else VersionOutcome.ROLLED_BACK
        for s in SERVICES
    }
    assert services == dict(exp.services)
    if kind is ChangeKind.NONE:
        change = ChangeOutcome.NOT_APPLICABLE
    elif in_effect(model, kind):
        change = ChangeOutcome.NOW
    else:
        model.app_update("v3")
        change = ChangeOutcome.DEFERRED if in_effect(model, kind) else ChangeOutcome.NOT_APPLIED
    assert change is exp.change


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("app-update"), st.sampled_from(["v2", "v3", "v4"])),
        st.tuples(st.just("apply"), st.sampled_from(list(ChangeKind))),
        st.tuples(st.just("scale"), st.sampled_from(SERVICES)),
    ),
    max_size=12,
)


@given(cell=st.sampled_from([(t, s) for t, ss in STRATEGIES.items() for s in ss]), steps=STEPS)
def test_after_a_plain_reapply_no_strategy_reports_drift(
    cell: tuple[Tool, Strategy], steps: list[tuple[str, object]]
) -> None:
    """Whatever came before, applying the configuration again leaves the tool's own check with
    nothing to report; Terraform plain also runs exactly its state's revisions and counts."""
    tool, strategy = cell
    model = DocumentedModel(tool, strategy, Config("v1"))
    model.apply()
    for step, value in steps:
        if step == "app-update":
            model.app_update(str(value))
        elif step == "apply":
            model.apply(changed(model.config, ChangeKind(str(value))))
        else:
            model.scale(str(value), 2)
    model.apply()
    assert model.drift() is False
    if strategy is Strategy.PLAIN:
        assert model.running == {s: model.tool_revisions[s] for s in SERVICES}
        assert model.desired == {s: model.config.count(s) for s in SERVICES}
