"""The change kinds turn one knob each (no AWS)."""

from __future__ import annotations

from dataclasses import fields

import pytest

from harness.changes import apply_change, ingress_cidr
from harness.drivers.base import AppSettings
from harness.records import ChangeKind, Strategy

BASE = AppSettings("alpha", "dev", Strategy.PLAIN, "repo", "v1")


KNOBS = {
    ChangeKind.UNRELATED: {"log_retention_days"},
    ChangeKind.SERVICE: {"web_health_check_grace_s"},
    ChangeKind.TASK_DEFINITION: {"web_environment"},
    ChangeKind.DESIRED_COUNT: {"web_desired_count"},
    ChangeKind.SECURITY_GROUP_RULE: {"app_ingress_cidr"},
    ChangeKind.SERVICE_REPLACEMENT: {"web_service_name"},
    ChangeKind.TASK_SIZE: {"task_cpu", "task_memory"},  # a valid Fargate size needs both
}


@pytest.mark.parametrize("kind", list(ChangeKind))
def test_each_change_kind_turns_its_own_knob(kind: ChangeKind) -> None:
    changed = apply_change(BASE, kind)
    turned = {
        f.name for f in fields(AppSettings) if getattr(changed, f.name) != getattr(BASE, f.name)
    }
    assert turned == KNOBS.get(kind, set())


def test_the_ingress_cidr_is_the_environment_s_own() -> None:
    assert ingress_cidr("alpha") == ingress_cidr("alpha")
    assert ingress_cidr("alpha") != ingress_cidr("beta")
    assert ingress_cidr("alpha").startswith("100.64.")
    assert ingress_cidr("alpha").endswith("/32")


def test_the_replacement_renames_the_web_service_as_the_contract_allows() -> None:
    assert apply_change(BASE, ChangeKind.SERVICE_REPLACEMENT).web_service_name == "alpha-web-r"


def test_every_strategy_and_change_kind_has_a_short_name_for_scenario_environments() -> None:
    from scenarios.fixtures import CHANGE_SHORT, STRATEGY_SHORT

    assert set(STRATEGY_SHORT) == set(Strategy)
    assert set(CHANGE_SHORT) == set(ChangeKind)
