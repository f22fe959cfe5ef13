"""S3 bucket (the v4+ provider's bucket: its sub-configurations are separate resources)."""

from __future__ import annotations

import uuid
from typing import Any

from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import REGION, TAGS, error_code, not_found
from harness.tfprovider.schema import BOOL, STRING, block, comp, opt, optc


class Bucket(Resource):
    type_name = "aws_s3_bucket"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        optc("bucket", STRING, force_new=True),
        optc("bucket_prefix", STRING, force_new=True),
        opt("force_destroy", BOOL, default=False),
        optc("object_lock_enabled", BOOL, force_new=True),
        comp("bucket_domain_name", STRING),
        comp("bucket_regional_domain_name", STRING),
        comp("bucket_region", STRING),
        comp("hosted_zone_id", STRING),
    )  # fmt: skip

    @property
    def s3(self) -> Any:
        return self.ctx.client("s3")

    def create(self, planned: State) -> State:
        name = (
            planned["bucket"]
            if isinstance(planned.get("bucket"), str)
            else ((planned.get("bucket_prefix") or "terraform-") + uuid.uuid4().hex[:24])
        )
        args: dict[str, Any] = {"Bucket": name}
        if self.ctx.region != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": self.ctx.region}
        if planned.get("object_lock_enabled") is True:
            args["ObjectLockEnabledForBucket"] = True
        self.s3.create_bucket(**args)
        self._put_tags(name, planned)
        return self.read({**planned, "id": name}) or planned

    def _put_tags(self, name: str, state: State) -> None:
        tags = self.tags_for_api(state)
        if tags:
            self.s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(tags)})
        else:
            self.s3.delete_bucket_tagging(Bucket=name)

    def read(self, state: State) -> State | None:
        name = state["id"]
        try:
            self.s3.head_bucket(Bucket=name)
        except Exception as exc:
            if not_found(exc, "404", "NoSuchBucket"):
                return None
            raise
        try:
            tags = self.s3.get_bucket_tagging(Bucket=name)["TagSet"]
        except Exception as exc:
            if error_code(exc) != "NoSuchTagSet":
                raise
            tags = []
        out = {
            **state,
            "id": name,
            "bucket": name,
            "bucket_prefix": state.get("bucket_prefix")
            if isinstance(state.get("bucket_prefix"), str)
            else "",
            "arn": f"arn:aws:s3:::{name}",
            "region": self.ctx.region,
            "object_lock_enabled": bool(state.get("object_lock_enabled")),
            "bucket_domain_name": f"{name}.s3.amazonaws.com",
            "bucket_regional_domain_name": f"{name}.s3.{self.ctx.region}.amazonaws.com",
            "bucket_region": self.ctx.region,
            "hosted_zone_id": "Z3AQBSTGFYJSTF",
        }
        out["tags"], out["tags_all"] = self.split_tags(state, tag_dict(tags))
        return out

    def update(self, prior: State, planned: State) -> State:
        if self.tags_for_api(prior) != self.tags_for_api(planned):
            self._put_tags(prior["id"], planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        if state.get("force_destroy"):
            paginator = self.s3.get_paginator("list_object_versions")
            for page in paginator.paginate(Bucket=state["id"]):
                items = [
                    {"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
                ]
                if items:
                    self.s3.delete_objects(Bucket=state["id"], Delete={"Objects": items})
        self.s3.delete_bucket(Bucket=state["id"])


RESOURCES: list[type[Resource]] = [Bucket]
