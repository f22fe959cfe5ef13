"""S3 bucket sub-configurations: ownership controls and the public access block."""

from __future__ import annotations

from typing import Any

from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, error_code, not_found
from harness.tfprovider.schema import BOOL, STRING, block, nested, opt, optc, req

PUBLIC_ACCESS = {
    "block_public_acls": "BlockPublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "ignore_public_acls": "IgnorePublicAcls",
    "restrict_public_buckets": "RestrictPublicBuckets",
}


class _BucketPart(Resource):
    @property
    def s3(self) -> Any:
        return self.ctx.client("s3")

    def _bucket_gone(self, exc: Exception) -> bool:
        return not_found(exc, "NoSuchBucket", "404")


class OwnershipControls(_BucketPart):
    type_name = "aws_s3_bucket_ownership_controls"
    schema = block(
        optc("id", STRING), REGION,
        req("bucket", STRING, force_new=True),
        nested("rule", "list", req("object_ownership", STRING), min_items=1, max_items=1),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        self._put(planned)
        return self.read({**planned, "id": planned["bucket"]}) or planned

    def _put(self, planned: State) -> None:
        rule = planned["rule"][0]
        self.s3.put_bucket_ownership_controls(
            Bucket=planned["bucket"],
            OwnershipControls={"Rules": [{"ObjectOwnership": rule["object_ownership"]}]},
        )

    def read(self, state: State) -> State | None:
        try:
            got = self.s3.get_bucket_ownership_controls(Bucket=state["id"])
        except Exception as exc:
            if self._bucket_gone(exc) or error_code(exc) == "OwnershipControlsNotFoundError":
                return None
            raise
        rules = got["OwnershipControls"]["Rules"]
        return {**state, "bucket": state["id"], "region": self.ctx.region,
                "rule": [{"object_ownership": r["ObjectOwnership"]} for r in rules]}  # fmt: skip

    def update(self, prior: State, planned: State) -> State:
        self._put(planned)
        return self.read({**planned, "id": prior["id"]}) or planned

    def delete(self, state: State) -> None:
        self.s3.delete_bucket_ownership_controls(Bucket=state["id"])


class PublicAccessBlock(_BucketPart):
    type_name = "aws_s3_bucket_public_access_block"
    schema = block(
        optc("id", STRING), REGION,
        req("bucket", STRING, force_new=True),
        *(opt(k, BOOL, default=False) for k in PUBLIC_ACCESS),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        self._put(planned)
        return self.read({**planned, "id": planned["bucket"]}) or planned

    def _put(self, planned: State) -> None:
        config = {api: bool(planned.get(k)) for k, api in PUBLIC_ACCESS.items()}
        self.s3.put_public_access_block(
            Bucket=planned["bucket"], PublicAccessBlockConfiguration=config
        )

    def read(self, state: State) -> State | None:
        try:
            got = self.s3.get_public_access_block(Bucket=state["id"])
        except Exception as exc:
            if self._bucket_gone(exc) or error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
                return None
            raise
        config = got["PublicAccessBlockConfiguration"]
        return {**state, "bucket": state["id"], "region": self.ctx.region,
                **{k: bool(config.get(api)) for k, api in PUBLIC_ACCESS.items()}}  # fmt: skip

    def update(self, prior: State, planned: State) -> State:
        self._put(planned)
        return self.read({**planned, "id": prior["id"]}) or planned

    def delete(self, state: State) -> None:
        self.s3.delete_public_access_block(Bucket=state["id"])


RESOURCES: list[type[Resource]] = [OwnershipControls, PublicAccessBlock]
