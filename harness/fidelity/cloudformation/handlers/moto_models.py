"""Fallback handler: moto's own CloudFormation model classes, driven by our engine.

moto's classes know how to create most types from resolved properties; what they get wrong
(re-creating on update, dropping properties) is the engine's job or a dedicated handler's.
Types updated here in place keep their moto object when moto has no update method: the
engine records the new properties, so later diffs stay right.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from harness.fidelity.cloudformation.errors import ValidationError
from harness.fidelity.cloudformation.handlers import gaps, tags
from harness.fidelity.cloudformation.handlers.base import Provisioned, ResourceContext
from harness.fidelity.cloudformation.model import Resource
from harness.fidelity.cloudformation.schema import primary_identifiers

log = logging.getLogger(__name__)

NAME = "_moto_name"
"""Where a resource's physical name (given or generated) is kept between operations."""

LOWERCASE_NAMES = frozenset({"AWS::ECR::Repository"})
"""Types whose names CloudFormation generates in lower case (their API allows no other)."""


def supports(resource_type: str) -> bool:
    from moto.cloudformation.parsing import get_model_map

    return resource_type in get_model_map()


class MotoModelHandler:
    """Create/update/delete through ``moto.<service>.models.<Model>.*_from_cloudformation_json``."""

    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        from moto.cloudformation.parsing import generate_resource_name

        model_class = _model_class(ctx.resource_type)
        name_property = model_class.cloudformation_name_type()
        name = properties.get(name_property) if name_property else None
        if not name:
            name = generate_resource_name(ctx.resource_type, ctx.stack_name, ctx.logical_id)
            name = name.lower() if ctx.resource_type in LOWERCASE_NAMES else name
        request = _json(ctx, properties)
        if name_property and name_property not in properties:
            # CloudFormation names what the template leaves unnamed; some moto handlers
            # read the name only from the properties.
            request["Properties"][name_property] = name
        model = model_class.create_from_cloudformation_json(
            name,
            request,
            ctx.account,
            ctx.region,
            LogicalId=ctx.logical_id,
            StackId=ctx.stack_id,
            ResourceType=ctx.resource_type,
        )
        physical_id = _physical_id(model, name)
        gaps.after_create(ctx, physical_id, properties)
        tags.retag(ctx, physical_id, {}, properties)
        return Provisioned(physical_id, {NAME: name}, state=model)

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        tags.retag(ctx, resource.physical_id, resource.properties, properties)
        if gaps.update(ctx, resource, properties):
            return Provisioned(resource.physical_id, resource.attributes, state=resource.state)
        model_class = _model_class(ctx.resource_type)
        update = model_class.update_from_cloudformation_json
        if getattr(update, "__isabstractmethod__", False):
            log.warning("moto cannot update %s in place; keeping it as it is", ctx.resource_type)
            return Provisioned(resource.physical_id, resource.attributes, state=resource.state)
        request = _json(ctx, properties)
        name_property = model_class.cloudformation_name_type()
        name = resource.attributes.get(NAME, resource.physical_id)
        if name_property and name_property not in properties:
            request["Properties"][name_property] = name  # the name it was created with
        model = update(
            original_resource=resource.state,
            new_resource_name=name,
            cloudformation_json=request,
            account_id=ctx.account,
            region_name=ctx.region,
        )
        return Provisioned(_physical_id(model, name), {NAME: name}, state=model)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        if gaps.delete(ctx, resource):
            return
        model_class = _model_class(ctx.resource_type)
        delete = model_class.delete_from_cloudformation_json
        if getattr(delete, "__isabstractmethod__", False):
            log.warning("moto cannot delete %s; leaving it", ctx.resource_type)
            return
        delete(resource.physical_id, _json(ctx, resource.properties), ctx.account, ctx.region)

    def get_att(self, ctx: ResourceContext, resource: Resource, name: str) -> Any:
        try:
            return resource.state.get_cfn_attribute(name)
        except Exception as exc:
            # What moto does not answer but CloudFormation does: the primary identifier
            # (SubnetId, VpcId, ...) and attributes that echo a property (CidrBlock, ...).
            if name in primary_identifiers(ctx.resource_type):
                return resource.physical_id
            if name in resource.properties:
                return resource.properties[name]
            derived = gaps.attribute(ctx, resource, name)
            if derived is not None:
                return derived
            raise ValidationError(
                f"Template error: resource {ctx.logical_id} does not support attribute type"
                f" {name} in Fn::GetAtt"
            ) from exc


def _model_class(resource_type: str) -> Any:
    from moto.cloudformation.parsing import get_model_map

    return get_model_map()[resource_type]


def _json(ctx: ResourceContext, properties: dict[str, Any]) -> dict[str, Any]:
    # moto's handlers may mutate what they are given; our recorded properties must not change.
    given = copy.deepcopy(properties)
    if tags.handled(ctx.resource_type):
        given.pop("Tags", None)  # set through the API instead (see handlers/tags.py)
    return {"Type": ctx.resource_type, "Properties": given}


def _physical_id(model: Any, name: str) -> str:
    try:
        return str(model.physical_resource_id)
    except (AttributeError, NotImplementedError):
        return name
