"""ECR: repository."""

from __future__ import annotations

from typing import Any

from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import REGION, TAGS, not_found
from harness.tfprovider.schema import BOOL, STRING, block, comp, nested, opt, optc, req


class Repository(Resource):
    type_name = "aws_ecr_repository"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("name", STRING, force_new=True),
        opt("image_tag_mutability", STRING, default="MUTABLE"),
        opt("force_delete", BOOL),
        comp("registry_id", STRING),
        comp("repository_url", STRING),
        nested("image_scanning_configuration", "list", req("scan_on_push", BOOL), max_items=1),
        nested(
            "encryption_configuration", "list",
            opt("encryption_type", STRING, force_new=True, default="AES256"),
            optc("kms_key", STRING, force_new=True),
            force_new=True,
        ),
    )  # fmt: skip

    @property
    def ecr(self) -> Any:
        return self.ctx.client("ecr")

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "repositoryName": planned["name"],
            "imageTagMutability": planned["image_tag_mutability"],
            "tags": tag_list(self.tags_for_api(planned)),
        }
        if planned.get("image_scanning_configuration"):
            scan = planned["image_scanning_configuration"][0]["scan_on_push"]
            args["imageScanningConfiguration"] = {"scanOnPush": bool(scan)}
        if planned.get("encryption_configuration"):
            enc = planned["encryption_configuration"][0]
            args["encryptionConfiguration"] = {
                "encryptionType": enc["encryption_type"],
                **({"kmsKey": enc["kms_key"]} if enc.get("kms_key") else {}),
            }
        self.ecr.create_repository(**args)
        return self.read({**planned, "id": planned["name"]}) or planned

    def read(self, state: State) -> State | None:
        try:
            repo = self.ecr.describe_repositories(repositoryNames=[state["id"]])["repositories"][0]
        except Exception as exc:
            if not_found(exc, "RepositoryNotFound"):
                return None
            raise
        scan = repo.get("imageScanningConfiguration") or {}
        enc = repo.get("encryptionConfiguration") or {}
        out = {
            **state,
            "id": repo["repositoryName"],
            "name": repo["repositoryName"],
            "arn": repo["repositoryArn"],
            "region": self.ctx.region,
            "registry_id": repo.get("registryId"),
            "repository_url": repo.get("repositoryUri"),
            "image_tag_mutability": repo.get("imageTagMutability", "MUTABLE"),
            "image_scanning_configuration": [{"scan_on_push": bool(scan.get("scanOnPush"))}],
            "encryption_configuration": [
                {
                    "encryption_type": enc.get("encryptionType", "AES256"),
                    "kms_key": enc.get("kmsKey") or "",
                }
            ],
        }
        # as the real provider's SuppressMissingOptionalConfigurationBlock: AWS's defaults
        # do not show as a change when the configuration leaves the block out
        if (
            not state.get("encryption_configuration")
            and enc.get("encryptionType", "AES256") == "AES256"
        ):
            out["encryption_configuration"] = state.get("encryption_configuration") or []
        if not state.get("image_scanning_configuration") and not scan.get("scanOnPush"):
            out["image_scanning_configuration"] = state.get("image_scanning_configuration") or []
        tags = self.ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"]).get("tags", [])
        out["tags"], out["tags_all"] = self.split_tags(state, tag_dict(tags))
        return out

    def update(self, prior: State, planned: State) -> State:
        name = prior["id"]
        if planned["image_tag_mutability"] != prior["image_tag_mutability"]:
            self.ecr.put_image_tag_mutability(
                repositoryName=name, imageTagMutability=planned["image_tag_mutability"]
            )
        if planned.get("image_scanning_configuration") != prior.get("image_scanning_configuration"):
            scan = (planned.get("image_scanning_configuration") or [{"scan_on_push": False}])[0][
                "scan_on_push"
            ]
            self.ecr.put_image_scanning_configuration(
                repositoryName=name, imageScanningConfiguration={"scanOnPush": bool(scan)}
            )
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        if [k for k in old if k not in new]:
            self.ecr.untag_resource(
                resourceArn=prior["arn"], tagKeys=[k for k in old if k not in new]
            )
        if new != old and new:
            self.ecr.tag_resource(resourceArn=prior["arn"], tags=tag_list(new))
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ecr.delete_repository(
            repositoryName=state["id"], force=bool(state.get("force_delete"))
        )


RESOURCES: list[type[Resource]] = [Repository]
