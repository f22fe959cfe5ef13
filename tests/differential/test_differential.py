"""(d) The real hashicorp/aws and the stand-in, the same configurations, fresh emulators: they
must agree on the AWS state an apply leaves, a clean plan after it, what an out-of-band change
makes them plan, and a destroy that leaves nothing.

Every difference found is a stand-in bug or an emulator bug: fixed, or listed in ``KNOWN`` by
name, as a strict xfail with the reason (it fails once fixed, so the list stays true).
"""

from __future__ import annotations

import pytest

from tests.differential.conftest import PROVIDERS, Outcomes, selected
from tests.differential.runner import Outcome
from tests.differential.state import differences

KNOWN: dict[tuple[str, str], str] = {}
"""(check, config) -> why the two providers still differ there."""

CHECKS = ("lifecycle", "state", "plan", "change", "destroy")


def cases(check: str) -> list[object]:
    params = []
    for config in selected():
        reason = KNOWN.get((check, config.name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(config.name, marks=marks, id=config.name))
    return params


def both(outcomes: Outcomes, config: str) -> tuple[Outcome, Outcome]:
    real, standin = outcomes[(config, "real")], outcomes[(config, "standin")]
    for outcome in (real, standin):
        assert not outcome.error, (
            f"{config} with {outcome.provider} failed at {outcome.step}: {outcome.error}"
        )
    return real, standin


@pytest.mark.parametrize("config", cases("lifecycle"))
def test_both_providers_complete_the_lifecycle(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    assert "real provider" in real.description
    assert "stand-in" in standin.description


@pytest.mark.parametrize("config", cases("state"))
def test_the_aws_state_an_apply_leaves_agrees(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    assert real.state, "nothing described"
    assert differences(real.state, standin.state) == []


@pytest.mark.parametrize("config", cases("plan"))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_plan_after_apply_is_clean(outcomes: Outcomes, config: str, provider: str) -> None:
    outcome = outcomes[(config, provider)]
    assert not outcome.error, f"failed at {outcome.step}: {outcome.error}"
    assert outcome.plan_after_apply == ()


@pytest.mark.parametrize("config", cases("change"))
def test_an_out_of_band_change_is_planned_alike(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    assert real.plan_after_change, "the change went unnoticed"
    assert standin.plan_after_change == real.plan_after_change


@pytest.mark.parametrize("config", cases("destroy"))
def test_destroy_leaves_the_same_nothing(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    after = real.state_after_destroy
    assert not any(after.get(k) for k in ("vpcs", "security_groups", "elbv2", "rds")), after
    assert differences(after, standin.state_after_destroy) == []
