"""The naming and tagging contract's helpers."""

from __future__ import annotations

import pytest

from harness.contract import (
    COMPONENTS,
    SERVICES,
    BaseNames,
    Component,
    Contract,
    EnvNames,
    image_tag,
    with_tag,
)


def test_env_names_follow_the_contract() -> None:
    names = EnvNames("alpha", "dev")
    assert names.cluster == "alpha-cluster"
    assert [names.service(s) for s in SERVICES] == ["alpha-web", "alpha-worker", "alpha-beat"]
    assert names.family("backend-update") == "alpha-backend-update"
    assert names.log_group("worker") == "/ecs/alpha/worker"
    assert names.tags("cdk") == {"env": "alpha", "base": "dev", "managed-by": "cdk"}
    assert set(COMPONENTS) == {"web", "worker", "beat", "backend-update"}


def test_base_names_follow_the_contract() -> None:
    names = BaseNames("dev")
    assert (names.vpc, names.alb, names.db_instance) == ("dev-vpc", "dev-alb", "dev-db")
    assert names.app_security_group == "dev-app-sg"
    assert names.ecr_repository == "dev-backend"
    assert names.assets_bucket("123456789012") == "dev-assets-123456789012"


@pytest.mark.parametrize(
    ("image", "tag"),
    [
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-backend:v2", "v2"),
        ("localhost:5000/backend:1.0", "1.0"),
        ("backend", "latest"),
        ("repo/backend@sha256:abc", "sha256:abc"),
    ],
)
def test_image_tag(image: str, tag: str) -> None:
    assert image_tag(image) == tag


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-backend:v1",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-backend:v2",
        ),
        ("localhost:5000/backend:1.0", "localhost:5000/backend:v2"),
        ("backend", "backend:v2"),
    ],
)
def test_with_tag_keeps_registry_and_repository(image: str, expected: str) -> None:
    assert with_tag(image, "v2") == expected


def test_env_names_follow_a_stack_profile_s_contract() -> None:
    from harness import profiles
    from harness.records import Tool

    ours = profiles.builtin(Tool.TERRAFORM).contract
    other = Contract(
        cluster="{env}-cluster",
        log_group="/ecs/{env}/{component}",
        image_repository="{account}.dkr.ecr.{region}.amazonaws.com/{base}x-backend",
        components={"web": Component("{env}-gunicorn", "{env}-gunicorn", "gunicorn")},
    )
    names = EnvNames("alpha", "dev", other)
    assert (names.service("web"), names.family("web"), names.container("web")) == (
        "alpha-gunicorn", "alpha-gunicorn", "gunicorn")  # fmt: skip
    assert names.image_repository("1", "r") == "1.dkr.ecr.r.amazonaws.com/devx-backend"
    assert names.target_group == ""
    with pytest.raises(KeyError, match="no component 'beat'"):
        names.service("beat")
    assert EnvNames("alpha", "dev", ours) == EnvNames("alpha", "dev")
    assert EnvNames("alpha", "dev").container("backend-update") == "backend-update"
