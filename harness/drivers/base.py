"""What every IaC tool driver offers the lifecycle: deploy, check drift, destroy, each timed.

The lifecycle (``harness/lifecycle.py``) and the comparison know tools only through this
protocol, so the scenarios for Terraform and CDK are the same code, and unit tests use a
fake driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from harness.cfn_drift import LiveDrift
from harness.records import Strategy, Tool


@dataclass(frozen=True, slots=True)
class AppSettings:
    """The tool-independent inputs of one app-layer deploy.

    Each knob below is what one change kind of the infra update changes (``harness/changes.py``);
    both stacks must expose all of them (Terraform variables, CDK context values).
    """

    env: str
    base: str
    strategy: Strategy
    image_repository: str
    """Image without tag, e.g. ``123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-backend``."""
    image_tag: str
    """What the tool deploys as the app version (for CDK ``pinned``: the running version)."""
    log_retention_days: int = 7
    """Retention of the app's log groups: the 'unrelated resource' change."""
    web_health_check_grace_s: int = 60
    """``healthCheckGracePeriodSeconds`` of the web service: the 'ECS service property' change."""
    web_environment: tuple[tuple[str, str], ...] = (("DJANGO_LOG_LEVEL", "INFO"),)
    """Extra environment of every app container: the 'task definition property' change."""
    web_desired_count: int = 1
    """Desired count of the web service: the 'desired count' (scaling) change."""
    task_cpu: int = 256
    task_memory: int = 512
    """cpu units and MiB of every task definition: the 'task size' change."""
    app_ingress_cidr: str = ""
    """A CIDR the environment lets reach the app port by a rule on the base's app security
    group ("" for none): the 'security group rule' change."""
    web_service_name: str = ""
    """Name of the web service ("": the contract's ``ENV-web``): the 'service replacement'
    change (ServiceName is create-only, ``name`` ForceNew)."""

    @property
    def image(self) -> str:
        return f"{self.image_repository}:{self.image_tag}"

    def with_tag(self, tag: str) -> AppSettings:
        return replace(self, image_tag=tag)


@dataclass(frozen=True, slots=True)
class StepResult:
    """One tool invocation (or a few, for one phase): how long, split how, what it reported."""

    duration_s: float
    timings: dict[str, float] = field(default_factory=dict)
    """Split where measured: ``startup``, ``synth``, ``plan``, ``apply``, ``aws``..."""
    outputs: dict[str, str] = field(default_factory=dict)
    changed: bool | None = None
    """Whether the tool reported (and applied) any change; None if it cannot say."""


@dataclass(frozen=True, slots=True)
class DriftReport:
    """What the tool's own check says would change if the same inputs were applied now."""

    drifted: bool
    items: tuple[str, ...] = ()
    """Resource addresses (Terraform) or logical ids (CDK) the check lists."""
    duration_s: float = 0.0
    detail: str = ""
    live: LiveDrift | None = None
    """CloudFormation drift detection of the live resources, where the driver runs it (CDK)."""


class StackDriver(Protocol):
    """One IaC tool, bound to a target and a working directory of its own."""

    tool: Tool

    def tool_version(self) -> str:
        """The tool's version, e.g. ``terraform 1.15.5`` or ``aws-cdk 2.1148.0``."""
        ...

    def engine(self) -> str:
        """Which pieces serve the tool (provider real/stand-in and version; CFN engine)."""
        ...

    def deploy_base(self, base: str, app_ingress_cidr: str = "") -> StepResult:
        """Deploy the base layer ``base``; ``app_ingress_cidr``: the 'security group rule'
        change's CIDR on its app security group ("": no rule)."""
        ...

    def deploy_app(self, settings: AppSettings) -> StepResult: ...

    def drift_app(self, settings: AppSettings) -> DriftReport:
        """Terraform: ``plan -detailed-exitcode``; CDK: ``cdk diff`` with the same inputs."""
        ...

    def destroy_app(self, settings: AppSettings) -> StepResult: ...

    def destroy_base(self, base: str) -> StepResult: ...
