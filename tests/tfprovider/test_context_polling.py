"""How often the stand-in reads an object that is settling (an ECS service draining...)."""

from __future__ import annotations

import pytest

from harness.tfprovider.context import Context


def test_on_aws_it_polls_every_second_as_the_real_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_ECS", raising=False)
    ctx = Context()
    assert ctx.poll_s("ecs") == 1.0
    assert ctx.waiter_config("ecs", 1200.0) == {"Delay": 1.0, "MaxAttempts": 1200}


def test_on_an_emulator_it_polls_every_tenth_for_as_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    ctx = Context(endpoints={"ecs": "http://localhost:4566"})
    assert ctx.poll_s("ecs") == 0.1
    config = ctx.waiter_config("ecs", 120.0)
    assert config["Delay"] * config["MaxAttempts"] == pytest.approx(120.0)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")  # the environment's, too
    assert Context().poll_s("elasticache") == 0.1
