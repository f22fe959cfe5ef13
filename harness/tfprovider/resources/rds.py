"""RDS: DB subnet group and DB instance."""

from __future__ import annotations

from typing import Any

from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_SET,
    Attr,
    block,
    comp,
    opt,
    optc,
    req,
)


class RdsResource(Resource):
    @property
    def rds(self) -> Any:
        return self.ctx.client("rds")

    def read_tags(self, state: State, arn: str) -> None:
        tags = self.rds.list_tags_for_resource(ResourceName=arn).get("TagList", [])
        state["tags"], state["tags_all"] = self.split_tags(state, tag_dict(tags))

    def sync_tags(self, arn: str, prior: State, planned: State) -> None:
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        gone = [k for k in old if k not in new]
        if gone:
            self.rds.remove_tags_from_resource(ResourceName=arn, TagKeys=gone)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if changed:
            self.rds.add_tags_to_resource(ResourceName=arn, Tags=tag_list(changed))


class DbSubnetGroup(RdsResource):
    type_name = "aws_db_subnet_group"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        opt("description", STRING, default="Managed by Terraform"),
        req("subnet_ids", STRING_SET),
        comp("vpc_id", STRING),
        comp("supported_network_types", STRING_SET),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        name = planned["name"] if isinstance(planned.get("name"), str) else "terraform-" + _suffix()
        self.rds.create_db_subnet_group(
            DBSubnetGroupName=name,
            DBSubnetGroupDescription=planned["description"],
            SubnetIds=list(planned["subnet_ids"]),
            Tags=tag_list(self.tags_for_api(planned)),
        )
        return self.read({**planned, "id": name}) or planned

    def read(self, state: State) -> State | None:
        try:
            group = self.rds.describe_db_subnet_groups(DBSubnetGroupName=state["id"])[
                "DBSubnetGroups"
            ][0]
        except Exception as exc:
            if not_found(exc, "DBSubnetGroupNotFound"):
                return None
            raise
        out = {
            **state,
            "id": group["DBSubnetGroupName"],
            "name": group["DBSubnetGroupName"],
            "name_prefix": state.get("name_prefix")
            if isinstance(state.get("name_prefix"), str)
            else "",
            "arn": group["DBSubnetGroupArn"],
            "region": self.ctx.region,
            "description": group.get("DBSubnetGroupDescription"),
            "subnet_ids": [s["SubnetIdentifier"] for s in group.get("Subnets", [])],
            "vpc_id": group.get("VpcId"),
            "supported_network_types": group.get("SupportedNetworkTypes") or ["IPV4"],
        }
        self.read_tags(out, group["DBSubnetGroupArn"])
        return out

    def update(self, prior: State, planned: State) -> State:
        if (
            set(planned["subnet_ids"]) != set(prior["subnet_ids"])
            or planned["description"] != prior["description"]
        ):
            self.rds.modify_db_subnet_group(
                DBSubnetGroupName=prior["id"],
                DBSubnetGroupDescription=planned["description"],
                SubnetIds=list(planned["subnet_ids"]),
            )
        self.sync_tags(prior["arn"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.rds.delete_db_subnet_group(DBSubnetGroupName=state["id"])


def _suffix() -> str:
    import uuid

    return uuid.uuid4().hex[:26]


# attribute -> (API field on create/modify, API field in DescribeDBInstances)
DB_FIELDS: dict[str, tuple[str, str]] = {
    "allocated_storage": ("AllocatedStorage", "AllocatedStorage"),
    "instance_class": ("DBInstanceClass", "DBInstanceClass"),
    "engine_version": ("EngineVersion", "EngineVersion"),
    "backup_retention_period": ("BackupRetentionPeriod", "BackupRetentionPeriod"),
    "multi_az": ("MultiAZ", "MultiAZ"),
    "publicly_accessible": ("PubliclyAccessible", "PubliclyAccessible"),
    "storage_type": ("StorageType", "StorageType"),
    "deletion_protection": ("DeletionProtection", "DeletionProtection"),
    "db_subnet_group_name": ("DBSubnetGroupName", "DBSubnetGroup"),
    "port": ("Port", "DbInstancePort"),
    "auto_minor_version_upgrade": ("AutoMinorVersionUpgrade", "AutoMinorVersionUpgrade"),
}


class DbInstance(RdsResource):
    type_name = "aws_db_instance"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        optc("identifier", STRING, force_new=True),
        optc("identifier_prefix", STRING, force_new=True),
        optc("engine", STRING, force_new=True),
        optc("engine_version", STRING),
        req("instance_class", STRING),
        optc("allocated_storage", NUMBER),
        optc("storage_type", STRING),
        opt("storage_encrypted", BOOL, force_new=True),
        optc("db_name", STRING, force_new=True),
        optc("username", STRING, force_new=True),
        Attr("password", STRING, optional=True, sensitive=True),
        optc("db_subnet_group_name", STRING),
        optc("vpc_security_group_ids", STRING_SET),
        optc("port", NUMBER),
        optc("multi_az", BOOL),
        opt("publicly_accessible", BOOL, default=False),
        optc("backup_retention_period", NUMBER),
        opt("skip_final_snapshot", BOOL, default=False),
        opt("final_snapshot_identifier", STRING),
        opt("deletion_protection", BOOL),
        opt("apply_immediately", BOOL),
        opt("auto_minor_version_upgrade", BOOL, default=True),
        comp("address", STRING),
        comp("endpoint", STRING),
        comp("hosted_zone_id", STRING),
        comp("resource_id", STRING),
        comp("status", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        ident = (
            planned["identifier"]
            if isinstance(planned.get("identifier"), str)
            else "terraform-" + _suffix()
        )
        args: dict[str, Any] = {
            "DBInstanceIdentifier": ident,
            "Engine": planned["engine"],
            "DBInstanceClass": planned["instance_class"],
            "Tags": tag_list(self.tags_for_api(planned)),
        }
        for attr, (api, _) in DB_FIELDS.items():
            value = planned.get(attr)
            if isinstance(value, (str, bool, int, float)) and attr != "instance_class":
                args[api] = int(value) if isinstance(value, float) else value
        # hashicorp/aws sends BackupRetentionPeriod always, 0 when unset (seen in its
        # CreateDBInstance requests); RDS's own default would be 1 day
        args.setdefault("BackupRetentionPeriod", 0)
        for attr, api in (
            ("db_name", "DBName"),
            ("username", "MasterUsername"),
            ("password", "MasterUserPassword"),
            ("db_subnet_group_name", "DBSubnetGroupName"),
            ("storage_encrypted", "StorageEncrypted"),
        ):
            if isinstance(planned.get(attr), (str, bool)):
                args[api] = planned[attr]
        if isinstance(planned.get("vpc_security_group_ids"), list):
            args["VpcSecurityGroupIds"] = list(planned["vpc_security_group_ids"])
        self.rds.create_db_instance(**args)
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        try:
            db = self.rds.describe_db_instances(DBInstanceIdentifier=state["id"])["DBInstances"][0]
        except Exception as exc:
            if not_found(exc, "DBInstanceNotFound"):
                return None
            raise
        endpoint = db.get("Endpoint") or {}
        out = {
            **state,
            "id": db["DBInstanceIdentifier"],
            "identifier": db["DBInstanceIdentifier"],
            "identifier_prefix": state.get("identifier_prefix")
            if isinstance(state.get("identifier_prefix"), str)
            else "",
            "arn": db["DBInstanceArn"],
            "region": self.ctx.region,
            "engine": db["Engine"],
            "db_name": db.get("DBName"),
            "username": db.get("MasterUsername"),
            "db_subnet_group_name": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
            "vpc_security_group_ids": [
                g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", [])
            ],
            "storage_encrypted": db.get("StorageEncrypted", False),
            "address": endpoint.get("Address"),
            "endpoint": f"{endpoint.get('Address')}:{endpoint.get('Port')}" if endpoint else None,
            "hosted_zone_id": endpoint.get("HostedZoneId"),
            "resource_id": db.get("DbiResourceId"),
            "status": db.get("DBInstanceStatus"),
        }
        for attr, (_, api) in DB_FIELDS.items():
            if api in db and not isinstance(db[api], dict):  # the subnet group is read above
                out[attr] = db[api]
        if out.get("port") is None:
            out["port"] = endpoint.get("Port")
        self.read_tags(out, db["DBInstanceArn"])
        return out

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        # engine_version "16" in configuration reads back as "16.x": the real provider keeps it
        return (
            name == "engine_version"
            and isinstance(prior, str)
            and isinstance(fresh, str)
            and fresh.startswith(prior + ".")
        )

    def update(self, prior: State, planned: State) -> State:
        args: dict[str, Any] = {}
        for attr, (api, _) in DB_FIELDS.items():
            if planned.get(attr) != prior.get(attr) and isinstance(
                planned.get(attr), (str, bool, int, float)
            ):
                args[api if api != "Port" else "DBPortNumber"] = planned[attr]
        if planned.get("password") != prior.get("password") and planned.get("password"):
            args["MasterUserPassword"] = planned["password"]
        if set(planned.get("vpc_security_group_ids") or []) != set(
            prior.get("vpc_security_group_ids") or []
        ):
            args["VpcSecurityGroupIds"] = list(planned["vpc_security_group_ids"] or [])
        if args:
            self.rds.modify_db_instance(
                DBInstanceIdentifier=prior["id"],
                ApplyImmediately=bool(planned.get("apply_immediately")),
                **args,
            )
        self.sync_tags(prior["arn"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        args: dict[str, Any] = {"SkipFinalSnapshot": bool(state.get("skip_final_snapshot"))}
        if not args["SkipFinalSnapshot"]:
            args["FinalSnapshotIdentifier"] = (
                state.get("final_snapshot_identifier") or f"{state['id']}-final"
            )
        self.rds.delete_db_instance(DBInstanceIdentifier=state["id"], **args)


RESOURCES: list[type[Resource]] = [DbSubnetGroup, DbInstance]
