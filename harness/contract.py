"""The naming and tagging contract shared by the Terraform stack, the CDK app and the app-update script.

One app-update script serves both tools only because both deployments follow these rules,
and the script finds everything through them, never through a tool's state. The names of an
app environment are a :class:`Contract`: ours (below, :data:`HARNESS_CONTRACT`) or another
stack's, from its profile's ``[contract]`` (``harness.profiles``); the tags and the base's names
are ours. Our stacks' rules:

Base layer (name ``BASE``, e.g. ``dev``), shared by several app environments:
  - every resource tagged ``base=BASE`` (and ``managed-by=terraform|cdk``)
  - VPC named ``BASE-vpc``; subnets tagged ``tier=private`` or ``tier=public`` (2 AZs each)
  - the app security group (what ECS tasks run in) tagged ``role=app``, named ``BASE-app-sg``;
    the ALB's security group tagged ``role=alb``, named ``BASE-alb-sg``
  - ALB ``BASE-alb`` with an HTTP listener on port 80; RDS Postgres instance ``BASE-db``;
    S3 assets bucket ``BASE-assets-<account>`` (account id keeps it globally unique)
  - ECR repository ``BASE-backend`` holds the application image

App layer (environment name ``ENV``, e.g. ``alpha``), on top of one base:
  - every resource tagged ``env=ENV`` and ``base=BASE`` (and ``managed-by``)
  - ECS cluster ``ENV-cluster``
  - services ``ENV-web`` (behind the ALB), ``ENV-worker``, ``ENV-beat``; task definition
    families of the same names, plus ``ENV-backend-update`` (collectstatic + migrate, run once
    per deploy, no service); a service renamed ``ENV-<component>-r`` (the service-replacement
    change: a new name replaces the service) stands in for ``ENV-<component>``
  - in each task definition the application container is named after the component
    (``web``, ``worker``, ``beat``, ``backend-update``) and its image is ``REPO:TAG``
  - log groups ``/ecs/ENV/<component>``; target group ``ENV-web-tg``
  - services and tasks run on Fargate in the private subnets with the app security group

The running version of an environment is the image tag of the ``web`` container in the task
definition the ``ENV-web`` service currently runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SERVICES: tuple[str, ...] = ("web", "worker", "beat")
"""Components that run as ECS services, in the order the app update rolls them."""
BACKEND_UPDATE = "backend-update"
"""The one-off task run after each deploy (collectstatic + migrate)."""
COMPONENTS: tuple[str, ...] = (*SERVICES, BACKEND_UPDATE)
WEB = "web"

TAG_ENV = "env"
TAG_BASE = "base"
TAG_MANAGED_BY = "managed-by"
TAG_TIER = "tier"
TAG_ROLE = "role"
RENAMED_SUFFIX = "-r"
TIER_PRIVATE = "private"
TIER_PUBLIC = "public"
ROLE_APP = "app"
ROLE_ALB = "alb"


@dataclass(frozen=True, slots=True)
class BaseNames:
    """Names the base layer ``base`` must use."""

    base: str

    @property
    def vpc(self) -> str:
        return f"{self.base}-vpc"

    @property
    def app_security_group(self) -> str:
        return f"{self.base}-app-sg"

    @property
    def alb_security_group(self) -> str:
        return f"{self.base}-alb-sg"

    @property
    def alb(self) -> str:
        return f"{self.base}-alb"

    @property
    def db_instance(self) -> str:
        return f"{self.base}-db"

    @property
    def ecr_repository(self) -> str:
        return f"{self.base}-backend"

    def assets_bucket(self, account_id: str) -> str:
        return f"{self.base}-assets-{account_id}"

    def tags(self, managed_by: str) -> dict[str, str]:
        return {TAG_BASE: self.base, TAG_MANAGED_BY: managed_by}


@dataclass(frozen=True, slots=True)
class Component:
    """One component's names in a stack, as templates of ``{env}`` and ``{base}``."""

    service: str = ""
    """"" for the one-off task (``backend-update``), which has no service."""
    family: str = ""
    container: str = ""


@dataclass(frozen=True, slots=True)
class Contract:
    """The names an app environment's resources have in one stack: a profile's ``[contract]``.

    Templates take ``{env}`` and ``{base}`` (``log_group`` also ``{component}``, ``{container}``;
    ``image_repository`` also ``{account}`` and ``{region}``). :data:`HARNESS_CONTRACT` is our two
    stacks' (the rules above); a stack profile gives another stack's.
    """

    cluster: str
    log_group: str
    image_repository: str
    components: Mapping[str, Component]
    target_group: str = ""
    """The web target group ("": the stack's is not found by name, the downtime sampler is off)."""
    private_subnets: Mapping[str, str] = field(
        default_factory=lambda: {f"tag:{TAG_BASE}": "{base}", f"tag:{TAG_TIER}": TIER_PRIVATE}
    )
    """EC2 ``DescribeSubnets`` filters (name -> value template) finding the subnets tasks run in."""
    app_security_group: Mapping[str, str] = field(
        default_factory=lambda: {f"tag:{TAG_BASE}": "{base}", f"tag:{TAG_ROLE}": ROLE_APP}
    )
    """EC2 ``DescribeSecurityGroups`` filters finding the one security group tasks run in."""

    def component(self, name: str) -> Component:
        try:
            return self.components[name]
        except KeyError:
            raise KeyError(f"the contract names no component {name!r}") from None


HARNESS_CONTRACT = Contract(
    cluster="{env}-cluster",
    log_group="/ecs/{env}/{component}",
    image_repository="{account}.dkr.ecr.{region}.amazonaws.com/{base}-backend",
    components={
        c: Component(
            service="" if c == BACKEND_UPDATE else f"{{env}}-{c}",
            family=f"{{env}}-{c}",
            container=c,
        )
        for c in COMPONENTS
    },
    target_group="{env}-web-tg",
)
"""Our stacks' contract (``profiles/harness-*.toml`` say the same; a test checks it)."""


@dataclass(frozen=True, slots=True)
class EnvNames:
    """Names the app environment ``env`` (on base ``base``) must use, by ``contract``."""

    env: str
    base: str
    contract: Contract = HARNESS_CONTRACT

    def _fill(self, template: str, **extra: str) -> str:
        return template.format(env=self.env, base=self.base, **extra)

    @property
    def cluster(self) -> str:
        return self._fill(self.contract.cluster)

    def service(self, component: str) -> str:
        return self._fill(self.contract.component(component).service)

    def renamed_service(self, component: str) -> str:
        """The name the service-replacement change gives ``component``'s service."""
        return f"{self.service(component)}{RENAMED_SUFFIX}"

    def family(self, component: str) -> str:
        return self._fill(self.contract.component(component).family)

    def container(self, component: str) -> str:
        """The application container of ``component``'s task definition."""
        return self._fill(self.contract.component(component).container)

    def log_group(self, component: str) -> str:
        container = self.container(component) if "{container}" in self.contract.log_group else ""
        return self._fill(self.contract.log_group, component=component, container=container)

    def image_repository(self, account: str, region: str) -> str:
        return self._fill(self.contract.image_repository, account=account, region=region)

    @property
    def target_group(self) -> str:
        return self._fill(self.contract.target_group)

    def subnet_filters(self) -> list[dict[str, Any]]:
        """EC2 filters of the private subnets the app's tasks run in."""
        return [
            {"Name": k, "Values": [self._fill(v)]} for k, v in self.contract.private_subnets.items()
        ]

    def security_group_filters(self) -> list[dict[str, Any]]:
        """EC2 filters of the app security group the app's tasks run in."""
        return [
            {"Name": k, "Values": [self._fill(v)]}
            for k, v in self.contract.app_security_group.items()
        ]

    def tags(self, managed_by: str) -> dict[str, str]:
        return {TAG_ENV: self.env, TAG_BASE: self.base, TAG_MANAGED_BY: managed_by}


def image_tag(image: str) -> str:
    """The tag of ``REPO:TAG`` (``latest`` when untagged, as Docker reads it)."""
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        return last.split("@", 1)[1]
    return last.split(":", 1)[1] if ":" in last else "latest"


def with_tag(image: str, tag: str) -> str:
    """``image`` with its tag replaced by ``tag``."""
    head, _, last = image.rpartition("/")
    repo = last.split("@", 1)[0].split(":", 1)[0]
    return f"{head}/{repo}:{tag}" if head else f"{repo}:{tag}"
