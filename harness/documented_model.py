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
- Terraform ``latest-revision``: services point at family:max(resource revision, latest ACTIVE
  revision), so they follow the script's revisions until Terraform registers a newer one.
- Terraform ``track-latest``: Read follows the latest ACTIVE revision; when its content differs
  from the configuration a new revision is forced and the services are pointed at it.
- ``ssm-tag`` (both tools): the tag is what the pipeline last wrote to SSM; otherwise as
  ``plain`` (Terraform) or ``unpinned`` (CDK), whose template does not contain the tag.
- CloudFormation (CDK): diff-based; a changed task definition updates every service that uses
  it, a changed service property updates that service alone, and an in-place service update
  sends the template's TaskDefinition and DesiredCount (aws/aws-cdk#14437, #23564); a changed
  create-only property (ServiceName) replaces the service from the template;
  ``cdk diff`` compares templates, never live state. ``pinned`` passes the running web tag in.
  ``latest-revision``: the service's TaskDefinition is the family, so a new revision updates no
  service, and an updated service runs the latest ACTIVE revision. ``hotswap``: the app update
  is ``cdk deploy --hotswap`` of the code with the new tag: new revisions from the code, the
  services pointed at them, the deployed template left as it was.
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
    """What matters of a task definition revision: its app image tag, log level and cpu."""

    tag: str
    log_level: str
    cpu: int = 256


@dataclass(frozen=True, slots=True)
class Config:
    """What the tool's configuration says (Terraform variables, CDK context)."""

    tag: str
    log_level: str = "INFO"
    retention_days: int = 7
    grace_s: int = 60
    desired_count: int = 1
    web_desired_count: int = 1
    cpu: int = 256
    sg_rule: bool = False
    web_name: str = "web"
    """The web service's name suffix: changing it replaces the service (create-only / ForceNew)."""

    def count(self, service: str) -> int:
        return self.web_desired_count if service == WEB else self.desired_count


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
    sg_rule: bool = False
    ssm_tag: str | None = None
    """ssm-tag: what the pipeline last wrote to the parameter."""
    deployed: Config | None = None
    """The inputs of the last apply (CDK: what ``cdk diff`` compares with)."""

    # -- steps -------------------------------------------------------------------------------
    def apply(self, config: Config | None = None) -> None:
        """The tool applies ``config`` (the current one if None): deploy, re-apply or change."""
        self.config = config or self.config
        inputs = self._inputs()
        first = not self.running
        if self.ssm_tag is None and self.strategy is Strategy.SSM_TAG:
            self.ssm_tag = inputs.tag  # the pipeline publishes the first version
        wanted = self._revision(inputs)
        # track_latest: Read follows the latest ACTIVE revision, so that is what is compared.
        compared = self.latest if self._tracks_latest() else self.tool_revisions
        new_revision = any(compared.get(c) != wanted for c in COMPONENTS)
        if new_revision:
            self.tool_revisions = dict.fromkeys(COMPONENTS, wanted)
            self.latest = dict.fromkeys(COMPONENTS, wanted)
        self.retention_days, self.sg_rule = inputs.retention_days, inputs.sg_rule
        if first:
            self._point(SERVICES, inputs)
        elif self.tool is Tool.TERRAFORM:
            self._terraform_apply(inputs, new_revision)
        else:
            self._cloudformation_update(inputs, new_revision)
        self.grace_s = inputs.grace_s
        self.deployed = inputs

    def app_update(self, tag: str) -> None:
        """The pipeline deploys ``tag`` to every service: the shared script, or for CDK
        ``hotswap`` a hotswap deploy of the code with the new tag."""
        if self.tool is Tool.CDK and self.strategy is Strategy.HOTSWAP:
            self.config = replace(self.config, tag=tag)
            self.latest = dict.fromkeys(COMPONENTS, self._revision(self.config))
        else:
            self.latest = {c: replace(self.latest[c], tag=tag) for c in COMPONENTS}
            if self.strategy is Strategy.SSM_TAG:
                self.ssm_tag = tag
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
            return self._template(inputs) != self._template(self.deployed)
        counts_back = any(self.desired[s] != inputs.count(s) for s in SERVICES)
        if self.strategy in (Strategy.PLAIN, Strategy.SSM_TAG):
            revisions_back = any(self.running[s] != self.tool_revisions[s] for s in SERVICES)
            if revisions_back or counts_back:
                return True
        off_latest = any(self.running[s] != self.latest[s] for s in SERVICES)
        if self.strategy is Strategy.LATEST_REVISION and (off_latest or counts_back):
            return True
        if self._tracks_latest():
            wanted = self._revision(inputs)
            if any(self.latest[c] != wanted for c in COMPONENTS) or counts_back:
                return True
        return inputs != self.deployed

    # -- inside ------------------------------------------------------------------------------
    def _inputs(self) -> Config:
        """What the tool is given: CDK ``pinned`` reads the running web tag first; ``ssm-tag``
        reads the tag the pipeline last wrote."""
        if self.tool is Tool.CDK and self.strategy is Strategy.PINNED and self.running:
            return replace(self.config, tag=self.running[WEB].tag)
        if self.strategy is Strategy.SSM_TAG and self.ssm_tag is not None:
            return replace(self.config, tag=self.ssm_tag)
        return self.config

    def _tracks_latest(self) -> bool:
        return self.tool is Tool.TERRAFORM and self.strategy is Strategy.TRACK_LATEST

    def _template(self, inputs: Config | None) -> Config | None:
        """What ``cdk diff`` sees of the inputs: with ssm-tag the template names the parameter,
        not the tag."""
        if inputs is not None and self.strategy is Strategy.SSM_TAG:
            return replace(inputs, tag="")
        return inputs

    @staticmethod
    def _revision(inputs: Config) -> Revision:
        return Revision(inputs.tag, inputs.log_level, inputs.cpu)

    def _point(self, services: tuple[str, ...] | list[str], inputs: Config) -> None:
        for service in services:
            self.running[service] = self.tool_revisions[service]
            self.desired[service] = inputs.count(service)

    def _web_replaced(self, inputs: Config) -> bool:
        return self.deployed is not None and inputs.web_name != self.deployed.web_name

    def _terraform_apply(self, inputs: Config, new_revision: bool) -> None:
        if self.strategy is Strategy.IGNORE_CHANGES:
            if self._web_replaced(inputs):  # created from the configuration: ignore_changes
                self._point([WEB], inputs)  # only ignores updates
            return
        if self.strategy is Strategy.LATEST_REVISION and not new_revision:
            # family:max(resource, latest): the latest ACTIVE one, the script's
            for service in SERVICES:
                self.running[service] = self.latest[service]
                self.desired[service] = inputs.count(service)
            return
        self._point(SERVICES, inputs)

    def _cloudformation_update(self, inputs: Config, new_revision: bool) -> None:
        deployed = self.deployed
        web_changed = deployed is not None and (
            inputs.grace_s != deployed.grace_s
            or inputs.web_desired_count != deployed.web_desired_count
            or inputs.web_name != deployed.web_name
        )
        if self.strategy is Strategy.LATEST_REVISION:
            # TaskDefinition is the family: a new revision changes no service property, and an
            # updated (or new) service runs the latest ACTIVE revision.
            if web_changed:
                self.running[WEB] = self.latest[WEB]
                self.desired[WEB] = inputs.count(WEB)
            return
        if new_revision:
            self._point(SERVICES, inputs)
        elif web_changed:
            self._point([WEB], inputs)
