"""CloudWatch Logs: log group."""

from __future__ import annotations

from typing import Any

from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, TAGS
from harness.tfprovider.schema import BOOL, NUMBER, STRING, block, comp, opt, optc


class LogGroup(Resource):
    type_name = "aws_cloudwatch_log_group"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        opt("retention_in_days", NUMBER, default=0),
        opt("kms_key_id", STRING),
        optc("log_group_class", STRING, force_new=True),
        opt("skip_destroy", BOOL, default=False),
    )  # fmt: skip

    @property
    def logs(self) -> Any:
        return self.ctx.client("logs")

    def create(self, planned: State) -> State:
        import uuid

        name = (
            planned["name"]
            if isinstance(planned.get("name"), str)
            else ((planned.get("name_prefix") or "terraform-") + uuid.uuid4().hex[:26])
        )
        args: dict[str, Any] = {"logGroupName": name}
        if self.tags_for_api(planned):
            args["tags"] = self.tags_for_api(planned)
        if planned.get("kms_key_id"):
            args["kmsKeyId"] = planned["kms_key_id"]
        self.logs.create_log_group(**args)
        if planned.get("retention_in_days"):
            self.logs.put_retention_policy(
                logGroupName=name, retentionInDays=int(planned["retention_in_days"])
            )
        return self.read({**planned, "id": name}) or planned

    def read(self, state: State) -> State | None:
        groups = self.logs.describe_log_groups(logGroupNamePrefix=state["id"])["logGroups"]
        group = next((g for g in groups if g["logGroupName"] == state["id"]), None)
        if group is None:
            return None
        arn = group["arn"].removesuffix(":*")
        out = {
            **state,
            "id": group["logGroupName"],
            "name": group["logGroupName"],
            "name_prefix": state.get("name_prefix")
            if isinstance(state.get("name_prefix"), str)
            else "",
            "arn": arn,
            "region": self.ctx.region,
            "retention_in_days": group.get("retentionInDays", 0),
            "kms_key_id": group.get("kmsKeyId") or state.get("kms_key_id"),
            "log_group_class": group.get("logGroupClass", "STANDARD"),
        }
        tags = self.logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
        out["tags"], out["tags_all"] = self.split_tags(state, tags)
        return out

    def update(self, prior: State, planned: State) -> State:
        name = prior["id"]
        if planned.get("retention_in_days") != prior.get("retention_in_days"):
            if planned.get("retention_in_days"):
                self.logs.put_retention_policy(
                    logGroupName=name, retentionInDays=int(planned["retention_in_days"])
                )
            else:
                self.logs.delete_retention_policy(logGroupName=name)
        if planned.get("kms_key_id") != prior.get("kms_key_id"):
            if planned.get("kms_key_id"):
                self.logs.associate_kms_key(logGroupName=name, kmsKeyId=planned["kms_key_id"])
            else:
                self.logs.disassociate_kms_key(logGroupName=name)
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        if old != new:
            arn = prior["arn"]
            gone = [k for k in old if k not in new]
            if gone:
                self.logs.untag_resource(resourceArn=arn, tagKeys=gone)
            if new:
                self.logs.tag_resource(resourceArn=arn, tags=new)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        if not state.get("skip_destroy"):
            self.logs.delete_log_group(logGroupName=state["id"])


RESOURCES: list[type[Resource]] = [LogGroup]
