"""Types with nothing behind them in an API: CDK's metadata, wait condition handles."""

from __future__ import annotations

import uuid
from typing import Any

from harness.fidelity.cloudformation.handlers.base import (
    AttributesFromCreate,
    Provisioned,
    ResourceContext,
)
from harness.fidelity.cloudformation.model import Resource


class NoopHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        return Provisioned(str(uuid.uuid4()))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        return Provisioned(resource.physical_id, resource.attributes)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        return None
