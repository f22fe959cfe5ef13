"""What a resource type's handler does for the stack engine, and what it is told."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.fidelity.cloudformation.model import Resource


@dataclass(frozen=True, slots=True)
class ResourceContext:
    """Where a resource lives: account, region, stack and logical id."""

    account: str
    region: str
    stack_name: str
    stack_id: str
    logical_id: str
    resource_type: str

    def physical_name(self, max_length: int = 255, lower: bool = False) -> str:
        """A name as CloudFormation generates one: ``{stack}-{logical id}-{random}``."""
        suffix = "".join(random.choices(string.ascii_uppercase + string.digits, k=12))
        prefix = f"{self.stack_name}-{self.logical_id}"[: max_length - len(suffix) - 1]
        name = f"{prefix.rstrip('-')}-{suffix}"
        return name.lower() if lower else name


@dataclass(slots=True)
class Provisioned:
    """What a handler reports after a create or update."""

    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    state: Any = None


class Handler(Protocol):
    """Create, update and delete one resource type through the service's API."""

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned: ...

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned: ...

    def delete(self, ctx: ResourceContext, resource: Resource) -> None: ...

    def get_att(self, ctx: ResourceContext, resource: Resource, name: str) -> Any: ...


class AttributesFromCreate:
    """get_att from the attributes recorded at create/update time."""

    def get_att(self, ctx: ResourceContext, resource: Resource, name: str) -> Any:
        if name not in resource.attributes:
            from harness.fidelity.cloudformation.errors import ValidationError

            raise ValidationError(
                f"Template error: resource {ctx.logical_id} does not support attribute type"
                f" {name} in Fn::GetAtt"
            )
        return resource.attributes[name]
