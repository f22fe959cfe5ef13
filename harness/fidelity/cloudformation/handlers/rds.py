"""AWS::RDS::DBSubnetGroup and AWS::RDS::DBInstance through the RDS API.

moto's own handlers expect model objects where the engine passes ids (``DBSubnetGroupName``)
and drop properties. Template properties share their names with the API's parameters
(``VPCSecurityGroups`` aside), so the request is the template's properties that the
operation's input shape knows, coerced to the shape's types.
"""

from __future__ import annotations

from typing import Any

from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.handlers.base import (
    AttributesFromCreate,
    Provisioned,
    ResourceContext,
)
from harness.fidelity.cloudformation.model import Resource

RENAMES = {"VPCSecurityGroups": "VpcSecurityGroupIds"}


def api_request(api: Any, operation: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The members of ``operation``'s input that ``properties`` gives, typed as the API wants."""
    members = api.meta.service_model.operation_model(operation).input_shape.members
    request: dict[str, Any] = {}
    for key, value in properties.items():
        name = RENAMES.get(key, key)
        if name in members:
            request[name] = _typed(members[name].type_name, value)
    return request


def _typed(kind: str, value: Any) -> Any:
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    return value


def _rds(ctx: ResourceContext) -> Any:
    return client("rds", ctx.account, ctx.region)


class DBSubnetGroupHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = properties.get("DBSubnetGroupName") or ctx.physical_name(max_length=255, lower=True)
        request = api_request(_rds(ctx), "CreateDBSubnetGroup", properties)
        request["DBSubnetGroupName"] = name
        _rds(ctx).create_db_subnet_group(**request)
        return Provisioned(name)

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        request = api_request(_rds(ctx), "ModifyDBSubnetGroup", properties)
        request["DBSubnetGroupName"] = resource.physical_id
        _rds(ctx).modify_db_subnet_group(**request)
        return Provisioned(resource.physical_id)

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _rds(ctx).delete_db_subnet_group(DBSubnetGroupName=resource.physical_id)


class DBInstanceHandler(AttributesFromCreate):
    def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        identifier = properties.get("DBInstanceIdentifier") or ctx.physical_name(63, lower=True)
        request = api_request(_rds(ctx), "CreateDBInstance", properties)
        request["DBInstanceIdentifier"] = identifier
        db = _rds(ctx).create_db_instance(**request)["DBInstance"]
        return Provisioned(identifier, _attributes(ctx, identifier, db))

    def update(
        self, ctx: ResourceContext, resource: Resource, properties: dict[str, Any]
    ) -> Provisioned:
        request = api_request(_rds(ctx), "ModifyDBInstance", properties)
        request.update(DBInstanceIdentifier=resource.physical_id, ApplyImmediately=True)
        db = _rds(ctx).modify_db_instance(**request)["DBInstance"]
        return Provisioned(resource.physical_id, _attributes(ctx, resource.physical_id, db))

    def delete(self, ctx: ResourceContext, resource: Resource) -> None:
        _rds(ctx).delete_db_instance(
            DBInstanceIdentifier=resource.physical_id, SkipFinalSnapshot=True
        )


def _attributes(ctx: ResourceContext, identifier: str, db: dict[str, Any]) -> dict[str, Any]:
    if "Endpoint" not in db:
        db = _rds(ctx).describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    endpoint = db.get("Endpoint", {})
    return {
        "Endpoint.Address": endpoint.get("Address"),
        "Endpoint.Port": str(endpoint.get("Port")),
        "DBInstanceArn": db.get("DBInstanceArn"),
        "DbiResourceId": db.get("DbiResourceId"),
    }
