"""The tools' documented behaviour over any sequence of pipeline steps: a model to check against.

``expectations.py`` states what one fixed sequence does (deploy, app update, infra update);
this model extends the same documented rules to any interleaving of tool applies, app updates
by the shared script, drift checks and out-of-band scaling, so a property-based test can run a
drawn sequence against the real tools and compare each step with it. Pure: no AWS, no tools.

The rules (sources as in ``expectations.py``):
- A task definition is create-only in both tools: a changed image or environment registers a
  new revision; the tool's own revision is what its state or template names.
- Terraform ``plain``: every apply plans each service back to the revision in state and its
  desired count to the configured one (hashicorp/terraform-provider-aws#632); its plan shows
  any difference of the running revision or count (drift).
- Terraform ``ignore-changes``: task_definition and desired_count are ignored both ways; a new
  revision reaches a service only through the next app update, which copies the latest one.
- CloudFormation (CDK): diff-based; a changed task definition updates every service that uses
  it, a changed service property updates that service alone, and an in-place service update
  sends the template's TaskDefinition and DesiredCount (aws/aws-cdk#14437, #23564);
  ``cdk diff`` compares templates, never live state. ``pinned`` passes the running web tag in.
- The shared script registers, for every component, a copy of the family's latest revision
  with the new tag and points the services at them; a tag missing from the registry is
  refused before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from harness.contract import COMPONENTS, SERVICES, WEB
from harness.records import Strategy, Tool


@dataclass(frozen=True, slots=True)
class Revision:
    """What matters of a task definition revision: its app image tag and its log level."""

    tag: str
    log_level: str


@dataclass(frozen=True, slots=True)
class Config:
    """What the tool's configuration says (Terraform variables, CDK context)."""

    tag: str
    log_level: str = "INFO"
    retention_days: int = 7
    grace_s: int = 60
    desired_count: int = 1


@dataclass
class DocumentedModel:
    """One environment of one tool and strategy, as the documentation says it evolves."""

    tool: Tool
    strategy: Strategy
    config: Config
    tool_revisions: dict[str, Revision] = field(default_factory=dict)
    """The revision each family's task definition resource names (state or template)."""
    latest: dict[str, Revision] = field(default_factory=dict)
    """The latest ACTIVE revision of each family (what the script copies)."""
    running: dict[str, Revision] = field(default_factory=dict)
    desired: dict[str, int] = field(default_factory=dict)
    grace_s: int = 0
    retention_days: int = 0
    deployed: Config | None = None
    """CDK: the inputs of the last deployed template (what ``cdk diff`` compares with)."""

    # -- steps -------------------------------------------------------------------------------
    def apply(self, config: Config | None = None) -> None:
        """The tool applies ``config`` (the current one if None): deploy, re-apply or change."""
        self.config = config or self.config
        inputs = self._inputs()
        first = not self.running
        wanted = Revision(inputs.tag, inputs.log_level)
        new_revision = any(self.tool_revisions.get(c) != wanted for c in COMPONENTS)
        if new_revision:
            self.tool_revisions = dict.fromkeys(COMPONENTS, wanted)
            self.latest = dict.fromkeys(COMPONENTS, wanted)
        self.retention_days = inputs.retention_days
        if first:
            self._point(SERVICES, inputs)
        elif self.tool is Tool.TERRAFORM:
            self._terraform_apply(inputs)
        else:
            self._cloudformation_update(inputs, new_revision)
        self.grace_s = inputs.grace_s
        self.deployed = inputs

    def app_update(self, tag: str) -> None:
        """The shared script deploys ``tag`` to every service."""
        self.latest = {c: replace(self.latest[c], tag=tag) for c in COMPONENTS}
        self.running = {s: self.latest[s] for s in SERVICES}

    def scale(self, service: str, count: int) -> None:
        """Someone sets a service's desired count outside the tool (console, autoscaling)."""
        self.desired[service] = count

    # -- what the tool's own check reports ---------------------------------------------------
    def drift(self) -> bool:
        """Whether ``terraform plan -detailed-exitcode`` / ``cdk diff`` reports a difference
        for the current configuration."""
        inputs = self._inputs()
        if self.tool is Tool.CDK:
            return inputs != self.deployed
        if self.strategy is Strategy.PLAIN:
            revisions_back = any(self.running[s] != self.tool_revisions[s] for s in SERVICES)
            counts_back = any(self.desired[s] != inputs.desired_count for s in SERVICES)
            if revisions_back or counts_back:
                return True
        return inputs != self.deployed

    # -- inside ------------------------------------------------------------------------------
    def _inputs(self) -> Config:
        """What the tool is given: CDK ``pinned`` reads the running web tag first."""
        if self.tool is Tool.CDK and self.strategy is Strategy.PINNED and self.running:
            return replace(self.config, tag=self.running[WEB].tag)
        return self.config

    def _point(self, services: tuple[str, ...] | list[str], inputs: Config) -> None:
        for service in services:
            self.running[service] = self.tool_revisions[service]
            self.desired[service] = inputs.desired_count

    def _terraform_apply(self, inputs: Config) -> None:
        if self.strategy is Strategy.PLAIN:
            self._point(SERVICES, inputs)

    def _cloudformation_update(self, inputs: Config, new_revision: bool) -> None:
        if new_revision:
            self._point(SERVICES, inputs)
        elif self.deployed is not None and inputs.grace_s != self.deployed.grace_s:
            self._point([WEB], inputs)
