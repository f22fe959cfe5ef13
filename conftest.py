"""Targets and shared fixtures for the harness's tests and scenarios.

``--target embedded`` (default) starts the harness's own emulator once per session;
``--target localstack`` uses an external LocalStack; ``--target aws`` a sandbox account,
only with ``--aws-account-id`` matching the credentials. Tests that use an AWS endpoint are
marked ``localstack`` automatically, so ``pytest -m localstack`` selects exactly them.

Every such test states the services it needs with ``services(...)`` (markers add up: module
and test); scenario tests default to the services of the whole stack. On a target that does
not serve one of them the test is skipped naming it. ``embedded_only`` tests state the embedded
emulator's own behaviour (its control API, what it does instead of running Lambda) and skip
elsewhere; ``localstack_deviation(reason)`` marks where LocalStack is known to differ from
AWS: a strict xfail there, so a LocalStack that starts to conform is noticed.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from harness.emulator import Emulator
from harness.endpoint import Endpoint, Target
from harness.errors import TargetError
from harness.external_targets import REQUIRED_SERVICES, aws_sandbox, probe_localstack
from harness.terraform.providers import CHOICE_ENV, ProviderChoice

pytest_plugins = ["scenarios.fixtures"]

# Property tests of pure parts: hypothesis's default number of examples, no deadline (speed is
# measured in benchmarks, not asserted in tests; a loaded CI core would make deadlines flaky).
# ``--hypothesis-profile=deep`` (``nox -s deep``) runs ten times as many. The state machines on
# the real tools take their budget from the profile's name (scenarios/test_sequences.py).
settings.register_profile("default", deadline=None)
settings.register_profile("deep", max_examples=1000, deadline=None)
settings.load_profile("default")

ENDPOINT_FIXTURES = {"aws_endpoint", "emulator", "scenario_bases"}
SCENARIOS = Path(__file__).parent / "scenarios"


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
    group.addoption(
        "--stack",
        action="append",
        default=[],
        metavar="FILE",
        help="a stack profile (docs/profiles.md) the scenarios of its tool run instead of our "
        "own stack; once per tool",
    )
    group.addoption(
        "--stack-source", default=None, metavar="DIR", help="checkout of a --stack's upstream code"
    )
    group.addoption(
        "--module-source",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="checkout of a registry module a --stack profile maps",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "services(*names): AWS services the test needs from its target"
    )
    config.addinivalue_line(
        "markers", "embedded_only: states the embedded emulator's own behaviour or control API"
    )
    config.addinivalue_line(
        "markers",
        "localstack_deviation(reason): LocalStack differs from AWS here (strict xfail on it)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _deselect_matrix(config, items)
    target = Target(config.getoption("--target"))
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & ENDPOINT_FIXTURES:
            item.add_marker(pytest.mark.localstack)
            if SCENARIOS in item.path.parents and not item.get_closest_marker("services"):
                item.add_marker(pytest.mark.services(*REQUIRED_SERVICES))
        if "emulator" in used:
            item.add_marker(pytest.mark.embedded_only)
        deviation = item.get_closest_marker("localstack_deviation")
        if deviation and target is Target.LOCALSTACK:
            item.add_marker(pytest.mark.xfail(reason=deviation.args[0], strict=True))


def _deselect_matrix(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The full matrix (~4x the default cells) runs only when ``-m`` names it."""
    if "matrix" in (config.getoption("markexpr") or ""):
        return
    dropped = [item for item in items if item.get_closest_marker("matrix")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("matrix")]


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
            account = request.config.getoption("--aws-account-id")
            return aws_sandbox(account, run_id=f"pytest-{uuid.uuid4().hex[:8]}"), []
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
    wanted = services_wanted(request.node)
    if _embedded is not None:
        return _embedded.endpoint
    assert _external_endpoint is not None
    endpoint, missing = _external_endpoint
    if request.node.get_closest_marker("embedded_only"):
        pytest.skip(f"states the embedded emulator's own behaviour; --target is {endpoint.target}")
    lacking = sorted(wanted & set(missing))
    if lacking:
        pytest.skip(f"{endpoint.target} does not serve {', '.join(lacking)}")
    return endpoint


def services_wanted(node: pytest.Item) -> set[str]:
    """The services a test states it needs; a test that states none is an error."""
    markers = list(node.iter_markers("services"))
    if not markers:
        pytest.fail(
            f"{node.nodeid} uses an AWS endpoint but states no services: mark it "
            "@pytest.mark.services(...) with the AWS services it calls",
            pytrace=False,
        )
    return {name for marker in markers for name in marker.args}


@pytest.fixture
def unserved(_external_endpoint: tuple[Endpoint, list[str]] | None) -> frozenset[str]:
    """The lifecycle's services the session's target does not serve (none on the emulator)."""
    return frozenset(_external_endpoint[1]) if _external_endpoint else frozenset()


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
