"""Any interleaving of what pipelines and people do, drawn by hypothesis, on the real tools.

One state machine per tool and strategy: an environment is deployed once per example and the
pipeline deploys v2 outside the tool (``initialize``); then hypothesis draws steps (app
updates by the shared script, plain re-applies, infrastructure changes, drift checks, scaling
outside the tool, an app update to a tag the registry does not have) and after every step the
live deployment is read back through the naming contract and compared with
:class:`~harness.documented_model.DocumentedModel`, the tools' documented behaviour extended
to sequences. A failing sequence prints as the list of steps (and shrinks, in the deep
profile); each one found is kept below as a regular test.

Budget (``BUDGETS``): the default hypothesis profile runs a few short derandomized sequences
per machine in ``nox -s tests``, without shrinking (each try costs real tool runs); ``nox -s
deep`` (``--hypothesis-profile=deep``) runs many long random ones and shrinks what fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from harness import images
from harness.app_side import AppSide
from harness.compare.run import Cell
from harness.contract import SERVICES, WEB, EnvNames, image_tag
from harness.documented_model import Config, DocumentedModel, Revision
from harness.drivers.base import AppSettings
from harness.errors import AppUpdateError
from harness.expectations import ARTICLE_STRATEGIES, STRATEGIES
from harness.external_targets import REQUIRED_SERVICES
from harness.hotswap import HotswapAppSide
from harness.records import ChangeKind, Strategy, Tool
from scenarios.fixtures import STRATEGY_SHORT, TOOL_SHORT, ScenarioBases

pytestmark = [pytest.mark.slow, pytest.mark.services(*REQUIRED_SERVICES)]

TAGS = [f"v{n}" for n in range(1, 10)]
"""Tags published to the base's registry; the machines deploy them in turn."""
MISSING_TAG = "v404"
LOG_LEVEL = "DJANGO_LOG_LEVEL"
TOOL_STEPS = ("reapply", "change", "drift_check")
KNOBS = ("retention", "grace", "log-level")
"""The infrastructure settings a step may turn (each flips between two values)."""


@dataclass(frozen=True, slots=True)
class Live:
    """What the deployment shows, in the model's terms."""

    running: dict[str, Revision]
    desired: dict[str, int]
    grace_s: int
    retention_days: int


def read_live(cell: Cell, env: str) -> Live:
    """The running revision, desired count, web grace period and log retention, via boto3."""
    names = EnvNames(env, "")
    ecs = cell.endpoint.client("ecs")
    services = ecs.describe_services(
        cluster=names.cluster, services=[names.service(s) for s in SERVICES]
    )["services"]
    by_name = {s["serviceName"]: s for s in services}
    running, desired = {}, {}
    for component in SERVICES:
        service = by_name[names.service(component)]
        definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
        container = next(
            c
            for c in definition["taskDefinition"]["containerDefinitions"]
            if c["name"] == component
        )
        env_vars = {e["name"]: e["value"] for e in container.get("environment", [])}
        running[component] = Revision(image_tag(container["image"]), env_vars.get(LOG_LEVEL, ""))
        desired[component] = service["desiredCount"]
    groups = cell.endpoint.client("logs").describe_log_groups(
        logGroupNamePrefix=names.log_group(WEB)
    )["logGroups"]
    web = by_name[names.service(WEB)]
    return Live(
        running,
        desired,
        int(web.get("healthCheckGracePeriodSeconds") or 0),
        int(groups[0].get("retentionInDays") or 0),
    )


def settings_of(config: Config, base: AppSettings) -> AppSettings:
    """The tool's inputs for the model's configuration."""
    return replace(
        base,
        image_tag=config.tag,
        log_retention_days=config.retention_days,
        web_health_check_grace_s=config.grace_s,
        web_environment=((LOG_LEVEL, config.log_level),),
    )


def turned(config: Config, knob: str) -> Config:
    if knob == "retention":
        return replace(config, retention_days=14 if config.retention_days == 7 else 7)
    if knob == "grace":
        return replace(config, grace_s=120 if config.grace_s == 60 else 60)
    return replace(config, log_level="DEBUG" if config.log_level == "INFO" else "INFO")


def not_again(step: str) -> Callable[[Lifecycle], bool]:
    """A precondition: not the same kind of step twice in a row. Sequences then interleave
    (an app update, then a tool run...) even in the few short draws of the default budget."""
    return lambda machine: not machine.steps or machine.steps[-1].split()[0] != step


class Lifecycle(RuleBasedStateMachine):
    """One environment of ``TOOL`` with ``STRATEGY``, under a drawn sequence of steps."""

    TOOL: Tool
    STRATEGY: Strategy
    bases: ScenarioBases
    examples: itertools.count[int]
    sequences: list[list[str]]
    """The steps each example ran, so the test can show it did not pass on empty sequences."""

    def __init__(self) -> None:
        super().__init__()
        number = next(self.examples)
        env = f"s{TOOL_SHORT[self.TOOL]}{STRATEGY_SHORT[self.STRATEGY]}{number}"
        spec = self.bases.cell(self.TOOL, self.STRATEGY, ChangeKind.NONE, env=env)
        self.cell: Cell = self.bases.open(spec)
        self.app: AppSide = self.cell.app
        self.env, self.base_settings = env, spec.settings()
        self.model = DocumentedModel(self.TOOL, self.STRATEGY, Config("v1"))
        self.next_tags = iter(TAGS[1:])
        self.deployed = False
        self.steps: list[str] = []
        self.sequences.append(self.steps)

    # -- the tool's inputs, as the pipeline computes them
    def _settings(self) -> AppSettings:
        config = self.model.config
        if self.STRATEGY is Strategy.PINNED and self.deployed:
            config = replace(config, tag=self.app.running_versions(self.env)[WEB])
        return settings_of(config, self.base_settings)

    @initialize()
    def deploy_then_update_the_app(self) -> None:
        """Where the article starts: the tool deployed v1, then the pipeline deployed v2
        outside it; every drawn step comes after that."""
        settings = self._settings()  # before anything runs: nothing to read the tag from
        self.deployed = True  # from now on, teardown destroys
        self.cell.driver.deploy_app(settings)
        self.model.apply()
        self.app_update()

    @rule()
    @precondition(not_again("app_update"))
    def app_update(self) -> None:
        self.steps.append("app_update")
        tag = next(self.next_tags, None)
        if tag is None:
            return
        app = self.app
        if isinstance(app, HotswapAppSide):  # hotswaps the code as it is now, with the new tag
            app = replace(app, settings=settings_of(self.model.config, self.base_settings))
        app.update(self.env, self.base_settings.base, tag)
        self.model.app_update(tag)

    @rule()
    # hotswap: the app update is not the script's, whose refusal this states
    @precondition(
        lambda m: (
            not_again("app_update_to_a_missing_image")(m) and m.STRATEGY is not Strategy.HOTSWAP
        )
    )
    def app_update_to_a_missing_image(self) -> None:
        self.steps.append("app_update_to_a_missing_image")
        with pytest.raises(AppUpdateError, match=MISSING_TAG):
            self.app.update(self.env, self.base_settings.base, MISSING_TAG)

    @rule()
    @precondition(not_again("reapply"))
    def reapply(self) -> None:
        self.steps.append("reapply")
        self.cell.driver.deploy_app(self._settings())
        self.model.apply()

    @rule(knob=st.sampled_from(KNOBS))
    def change_infrastructure(self, knob: str) -> None:
        self.steps.append(f"change {knob}")
        self.model.config = turned(self.model.config, knob)
        self.cell.driver.deploy_app(self._settings())
        self.model.apply()

    @rule(service=st.sampled_from(SERVICES))
    @precondition(not_again("scale"))
    def scale_outside_the_tool(self, service: str) -> None:
        self.steps.append(f"scale {service}")
        names = EnvNames(self.env, "")
        self.cell.endpoint.client("ecs").update_service(
            cluster=names.cluster, service=names.service(service), desiredCount=2
        )
        self.model.scale(service, 2)

    @rule()
    @precondition(not_again("drift_check"))
    def drift_check(self) -> None:
        self.steps.append("drift_check")
        report = self.cell.driver.drift_app(self._settings())
        assert report.drifted is self.model.drift(), report.items

    @invariant()
    def live_deployment_is_as_documented(self) -> None:
        if not self.deployed:
            return
        live = read_live(self.cell, self.env)
        assert live.running == self.model.running
        assert live.desired == self.model.desired
        assert live.grace_s == self.model.grace_s
        assert live.retention_days == self.model.retention_days

    def teardown(self) -> None:
        if self.deployed:
            self.cell.driver.destroy_app(self.base_settings)
            self.app.deregister_revisions(self.env)


def _machine_marks(tool: Tool, strategy: Strategy) -> list[pytest.MarkDecorator]:
    # The article's strategies run in the default suite; the others with -m matrix.
    extra = [] if strategy in ARTICLE_STRATEGIES[tool] else [pytest.mark.matrix]
    return [getattr(pytest.mark, str(tool)), *extra]


MACHINES = [
    pytest.param(tool, strategy, marks=_machine_marks(tool, strategy), id=f"{tool}-{strategy}")
    for tool, strategies in STRATEGIES.items()
    for strategy in strategies
]


@dataclass(frozen=True, slots=True)
class Budget:
    examples: int
    steps: int
    explore: bool
    """Random draws, shrinking what fails (deep); else the same derandomized draws every run."""


BUDGETS = {"default": Budget(3, 6, explore=False), "deep": Budget(25, 20, explore=True)}
"""Per hypothesis profile: sequences per machine, at most steps per sequence, how to draw."""


def machine_settings(profile: str) -> settings:
    if profile not in BUDGETS:
        raise pytest.UsageError(f"--hypothesis-profile={profile}: known: {', '.join(BUDGETS)}")
    budget = BUDGETS[profile]
    phases = [p for p in Phase if budget.explore or p is not Phase.shrink]
    return settings(
        max_examples=budget.examples,
        stateful_step_count=budget.steps,
        deadline=None,
        phases=phases,
        derandomize=not budget.explore,
        database=None if not budget.explore else settings.default.database,
        suppress_health_check=list(HealthCheck),
    )


@pytest.mark.parametrize(("tool", "strategy"), MACHINES)
def test_any_sequence_behaves_as_documented(
    request: pytest.FixtureRequest, scenario_bases: ScenarioBases, tool: Tool, strategy: Strategy
) -> None:
    base = scenario_bases.ensure(tool)
    images.publish(base.cell.endpoint, base.name, TAGS)
    machine = type(
        f"Lifecycle_{tool}_{strategy}".replace("-", "_"),
        (Lifecycle,),
        {
            "TOOL": tool,
            "STRATEGY": strategy,
            "bases": scenario_bases,
            "examples": itertools.count(1),
            "sequences": [],
        },
    )
    profile = request.config.getoption("hypothesis_profile") or "default"
    run_state_machine_as_test(machine, settings=machine_settings(profile))
    print(f"{tool} {strategy}: sequences {machine.sequences}")
    tool_runs = [s for steps in machine.sequences for s in steps if s.split()[0] in TOOL_STEPS]
    assert tool_runs, "no drawn sequence ran the tool after the app update"
