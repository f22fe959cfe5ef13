"""Targets and shared fixtures for the harness's tests and scenarios.

``--target embedded`` (default) starts the harness's own emulator once per session;
``--target localstack`` uses an external LocalStack; ``--target aws`` a sandbox account,
only with ``--aws-account-id`` matching the credentials. Tests that use an AWS endpoint are
marked ``localstack`` automatically, so ``pytest -m localstack`` selects exactly them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from harness.emulator import Emulator
from harness.endpoint import Endpoint, Target
from harness.errors import TargetError
from harness.targets import REQUIRED_SERVICES, aws_sandbox, probe_localstack
from harness.terraform.providers import CHOICE_ENV, ProviderChoice

ENDPOINT_FIXTURES = {"aws_endpoint", "emulator"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness")
    group.addoption(
        "--target",
        choices=[t.value for t in Target],
        default=os.environ.get("HARNESS_TARGET", Target.EMBEDDED.value),
        help="AWS endpoint for scenario tests: embedded emulator (default), localstack, aws",
    )
    group.addoption(
        "--aws-account-id", default=None, help="with --target aws: the sandbox account id"
    )
    group.addoption(
        "--terraform-provider",
        choices=[c.value for c in ProviderChoice],
        default=os.environ.get(CHOICE_ENV, ProviderChoice.STANDIN.value),
        help="hashicorp/aws of the Terraform scenarios: standin (default, quick), real, or auto "
        "(real when installable); the differential suite runs both where a real one exists",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "services(*names): AWS services the test needs from its target"
    )
    config.addinivalue_line("markers", "embedded_only: needs the embedded emulator's control API")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & ENDPOINT_FIXTURES:
            item.add_marker(pytest.mark.localstack)
        if "emulator" in used:
            item.add_marker(pytest.mark.embedded_only)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Target:
    return Target(request.config.getoption("--target"))


@pytest.fixture(scope="session")
def terraform_provider(request: pytest.FixtureRequest) -> ProviderChoice:
    """``--terraform-provider``: the hashicorp/aws the Terraform scenarios select."""
    return ProviderChoice(request.config.getoption("--terraform-provider"))


@pytest.fixture(scope="session")
def _embedded(target: Target) -> Iterator[Emulator | None]:
    if target is not Target.EMBEDDED:
        yield None
        return
    with Emulator() as emu:
        yield emu


@pytest.fixture(scope="session")
def _external_endpoint(
    request: pytest.FixtureRequest, target: Target
) -> tuple[Endpoint, list[str]] | None:
    try:
        if target is Target.LOCALSTACK:
            ls = probe_localstack()
            return ls.endpoint, ls.missing(REQUIRED_SERVICES)
        if target is Target.AWS:
            return aws_sandbox(request.config.getoption("--aws-account-id")), []
    except TargetError as exc:
        pytest.exit(f"--target {target}: {exc}", returncode=4)
    return None


@pytest.fixture
def aws_endpoint(
    request: pytest.FixtureRequest,
    _embedded: Emulator | None,
    _external_endpoint: tuple[Endpoint, list[str]] | None,
) -> Endpoint:
    """The session's AWS endpoint; yields only once it answers. Skips what the target lacks."""
    if _embedded is not None:
        return _embedded.endpoint
    assert _external_endpoint is not None
    endpoint, missing = _external_endpoint
    marker = request.node.get_closest_marker("services")
    wanted = set(marker.args) if marker else set()
    lacking = sorted(wanted & set(missing))
    if lacking:
        pytest.skip(f"{endpoint.target} does not serve {', '.join(lacking)}")
    return endpoint


@pytest.fixture
def emulator(_embedded: Emulator | None, target: Target) -> Emulator:
    """The embedded emulator itself (control API, call counts). Skipped on other targets."""
    if _embedded is None:
        pytest.skip(f"needs the embedded emulator's control API; --target is {target}")
    return _embedded


def require_tool(name: str) -> str:
    """Path of executable ``name``, or skip the test saying it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path
