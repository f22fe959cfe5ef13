"""(d) The real hashicorp/aws and the stand-in, the same configurations, fresh emulators: they
must agree on the AWS state an apply leaves, a clean plan after it, what an out-of-band change
makes them plan, and a destroy that leaves nothing.

Every difference found is a stand-in bug or an emulator bug: fixed, or listed in ``KNOWN`` by
name with the reason. A known difference that no longer occurs fails the test too (strict, as
``xfail_strict``): the list stays true.
"""

from __future__ import annotations

import pytest

from tests.differential.conftest import PROVIDERS, Outcomes, selected
from tests.differential.runner import Outcome
from tests.differential.state import FieldDifference, Snapshot, field_differences

KNOWN: dict[tuple[str, str, str], str] = {}
"""(config, kind, field path) -> why the two providers still leave that field different."""


def configs() -> list[str]:
    return [c.name for c in selected()]


def both(outcomes: Outcomes, config: str) -> tuple[Outcome, Outcome]:
    real, standin = outcomes[(config, "real")], outcomes[(config, "standin")]
    for outcome in (real, standin):
        assert not outcome.error, (
            f"{config} with {outcome.provider} failed at {outcome.step}: {outcome.error}"
        )
    return real, standin


def unexplained(
    config: str, real: Snapshot, standin: Snapshot, *, strict: bool = True
) -> list[FieldDifference]:
    """The differences KNOWN does not explain; ``strict``: fails if a KNOWN one is gone."""
    found = field_differences(real, standin)
    seen = {(config, d.kind, d.path) for d in found}
    fixed = [key for key in KNOWN if key[0] == config and key not in seen]
    assert not (strict and fixed), f"known differences no longer seen (remove from KNOWN): {fixed}"
    return [d for d in found if (config, d.kind, d.path) not in KNOWN]


@pytest.mark.parametrize("config", configs())
def test_both_providers_complete_the_lifecycle(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    assert "real provider" in real.description
    assert "stand-in" in standin.description


@pytest.mark.parametrize("config", configs())
def test_the_aws_state_an_apply_leaves_agrees(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    assert real.state, "nothing described"
    assert [str(d) for d in unexplained(config, real.state, standin.state)] == []


@pytest.mark.parametrize("config", configs())
@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_plan_after_apply_is_clean(outcomes: Outcomes, config: str, provider: str) -> None:
    outcome = outcomes[(config, provider)]
    assert not outcome.error, f"failed at {outcome.step}: {outcome.error}"
    assert outcome.plan_after_apply == ()


@pytest.mark.parametrize("config", configs())
def test_an_out_of_band_change_is_planned_alike(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    assert real.plan_after_change, "the change went unnoticed"
    assert standin.plan_after_change == real.plan_after_change


@pytest.mark.parametrize("config", configs())
def test_destroy_leaves_the_same_nothing(outcomes: Outcomes, config: str) -> None:
    real, standin = both(outcomes, config)
    after = real.state_after_destroy
    assert not any(after.get(k) for k in ("vpcs", "security_groups", "elbv2", "rds")), after
    left = unexplained(config, after, standin.state_after_destroy, strict=False)
    assert [str(d) for d in left] == []
