"""IAM: role, managed policy, role policy attachment, inline role policy.

Policy documents are compared by meaning (as the real provider's ``SuppressEquivalentPolicyDiffs``),
so a document IAM returns re-encoded does not show as a change.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from typing import Any

from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import TAGS, json_equal, not_found
from harness.tfprovider.schema import NUMBER, STRING, STRING_SET, block, comp, opt, optc, req

POLICY_ATTRS = ("assume_role_policy", "policy")


def _doc(value: Any) -> str:
    """IAM returns documents URL-encoded (the API) or as objects (boto3 decodes some)."""
    if isinstance(value, dict):
        return json.dumps(value)
    text = str(value)
    return urllib.parse.unquote(text) if text.startswith("%7B") else text


def _name(planned: State) -> str:
    if isinstance(planned.get("name"), str):
        return str(planned["name"])
    return (planned.get("name_prefix") or "terraform-") + uuid.uuid4().hex[:26]


class IamResource(Resource):
    @property
    def iam(self) -> Any:
        return self.ctx.client("iam")

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        return name in POLICY_ATTRS and json_equal(prior, fresh)


class Role(IamResource):
    type_name = "aws_iam_role"
    schema = block(
        optc("id", STRING), comp("arn", STRING), *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        req("assume_role_policy", STRING),
        opt("description", STRING),
        opt("path", STRING, force_new=True, default="/"),
        opt("max_session_duration", NUMBER, default=3600),
        opt("permissions_boundary", STRING),
        comp("create_date", STRING),
        comp("unique_id", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        name = _name(planned)
        args: dict[str, Any] = {
            "RoleName": name,
            "AssumeRolePolicyDocument": planned["assume_role_policy"],
            "Path": planned["path"],
            "MaxSessionDuration": int(planned["max_session_duration"]),
            "Tags": tag_list(self.tags_for_api(planned)),
        }
        if planned.get("description"):
            args["Description"] = planned["description"]
        if planned.get("permissions_boundary"):
            args["PermissionsBoundary"] = planned["permissions_boundary"]
        self.iam.create_role(**args)
        return self.read({**planned, "id": name}) or planned

    def read(self, state: State) -> State | None:
        try:
            role = self.iam.get_role(RoleName=state["id"])["Role"]
        except Exception as exc:
            if not_found(exc, "NoSuchEntity"):
                return None
            raise
        out = {
            **state,
            "id": role["RoleName"],
            "name": role["RoleName"],
            "name_prefix": state.get("name_prefix")
            if isinstance(state.get("name_prefix"), str)
            else "",
            "arn": role["Arn"],
            "assume_role_policy": _doc(role["AssumeRolePolicyDocument"]),
            "description": role.get("Description") or None,
            "path": role.get("Path", "/"),
            "max_session_duration": role.get("MaxSessionDuration", 3600),
            "permissions_boundary": (role.get("PermissionsBoundary") or {}).get(
                "PermissionsBoundaryArn"
            ),
            "create_date": role["CreateDate"].isoformat()
            if hasattr(role.get("CreateDate"), "isoformat")
            else str(role.get("CreateDate")),
            "unique_id": role.get("RoleId"),
        }
        out["tags"], out["tags_all"] = self.split_tags(state, tag_dict(role.get("Tags")))
        return out

    def update(self, prior: State, planned: State) -> State:
        name = prior["id"]
        if not json_equal(prior["assume_role_policy"], planned["assume_role_policy"]):
            self.iam.update_assume_role_policy(
                RoleName=name, PolicyDocument=planned["assume_role_policy"]
            )
        if (
            planned.get("description") != prior.get("description")
            or planned["max_session_duration"] != prior["max_session_duration"]
        ):
            self.iam.update_role(
                RoleName=name,
                Description=planned.get("description") or "",
                MaxSessionDuration=int(planned["max_session_duration"]),
            )
        if planned.get("permissions_boundary") != prior.get("permissions_boundary"):
            if planned.get("permissions_boundary"):
                self.iam.put_role_permissions_boundary(
                    RoleName=name, PermissionsBoundary=planned["permissions_boundary"]
                )
            else:
                self.iam.delete_role_permissions_boundary(RoleName=name)
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        if [k for k in old if k not in new]:
            self.iam.untag_role(RoleName=name, TagKeys=[k for k in old if k not in new])
        if new != old and new:
            self.iam.tag_role(RoleName=name, Tags=tag_list(new))
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        name = state["id"]
        # as the real provider: detach managed and delete inline policies, then the role
        for page in self.iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
            for policy in page["AttachedPolicies"]:
                self.iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
        for page in self.iam.get_paginator("list_role_policies").paginate(RoleName=name):
            for policy_name in page["PolicyNames"]:
                self.iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        self.iam.delete_role(RoleName=name)


class Policy(IamResource):
    type_name = "aws_iam_policy"
    schema = block(
        optc("id", STRING), comp("arn", STRING), *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        opt("description", STRING, force_new=True),
        opt("path", STRING, force_new=True, default="/"),
        req("policy", STRING),
        comp("policy_id", STRING),
        comp("attachment_count", NUMBER),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "PolicyName": _name(planned),
            "PolicyDocument": planned["policy"],
            "Path": planned["path"],
            "Tags": tag_list(self.tags_for_api(planned)),
        }
        if planned.get("description"):
            args["Description"] = planned["description"]
        arn = self.iam.create_policy(**args)["Policy"]["Arn"]
        return self.read({**planned, "id": arn}) or planned

    def read(self, state: State) -> State | None:
        try:
            policy = self.iam.get_policy(PolicyArn=state["id"])["Policy"]
        except Exception as exc:
            if not_found(exc, "NoSuchEntity"):
                return None
            raise
        version = self.iam.get_policy_version(
            PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
        )
        out = {
            **state,
            "id": policy["Arn"],
            "arn": policy["Arn"],
            "name": policy["PolicyName"],
            "name_prefix": state.get("name_prefix")
            if isinstance(state.get("name_prefix"), str)
            else "",
            "description": policy.get("Description") or None,
            "path": policy.get("Path", "/"),
            "policy": _doc(version["PolicyVersion"]["Document"]),
            "policy_id": policy.get("PolicyId"),
            "attachment_count": policy.get("AttachmentCount", 0),
        }
        out["tags"], out["tags_all"] = self.split_tags(state, tag_dict(policy.get("Tags")))
        return out

    def update(self, prior: State, planned: State) -> State:
        arn = prior["id"]
        if not json_equal(prior["policy"], planned["policy"]):
            versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
            if len(versions) >= 5:  # as the real provider: make room by deleting the oldest
                oldest = min(
                    (v for v in versions if not v["IsDefaultVersion"]),
                    key=lambda v: v["CreateDate"],
                )
                self.iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
            self.iam.create_policy_version(
                PolicyArn=arn, PolicyDocument=planned["policy"], SetAsDefault=True
            )
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        if [k for k in old if k not in new]:
            self.iam.untag_policy(PolicyArn=arn, TagKeys=[k for k in old if k not in new])
        if new != old and new:
            self.iam.tag_policy(PolicyArn=arn, Tags=tag_list(new))
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        arn = state["id"]
        for v in self.iam.list_policy_versions(PolicyArn=arn)["Versions"]:
            if not v["IsDefaultVersion"]:
                self.iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
        self.iam.delete_policy(PolicyArn=arn)


class RolePolicyAttachment(IamResource):
    type_name = "aws_iam_role_policy_attachment"
    schema = block(
        optc("id", STRING),
        req("role", STRING, force_new=True),
        req("policy_arn", STRING, force_new=True),
    )

    def create(self, planned: State) -> State:
        self.iam.attach_role_policy(RoleName=planned["role"], PolicyArn=planned["policy_arn"])
        return {**planned, "id": f"{planned['role']}/{planned['policy_arn']}"}

    def read(self, state: State) -> State | None:
        try:
            pages = self.iam.get_paginator("list_attached_role_policies").paginate(
                RoleName=state["role"]
            )
            arns = [p["PolicyArn"] for page in pages for p in page["AttachedPolicies"]]
        except Exception as exc:
            if not_found(exc, "NoSuchEntity"):
                return None
            raise
        return state if state["policy_arn"] in arns else None

    def update(self, prior: State, planned: State) -> State:
        return planned

    def delete(self, state: State) -> None:
        self.iam.detach_role_policy(RoleName=state["role"], PolicyArn=state["policy_arn"])


class RolePolicy(IamResource):
    type_name = "aws_iam_role_policy"
    schema = block(
        optc("id", STRING),
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        req("role", STRING, force_new=True),
        req("policy", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        name = _name(planned)
        self.iam.put_role_policy(
            RoleName=planned["role"], PolicyName=name, PolicyDocument=planned["policy"]
        )
        return self.read({**planned, "id": f"{planned['role']}:{name}", "name": name}) or planned

    def read(self, state: State) -> State | None:
        role, name = state["id"].split(":", 1)
        try:
            doc = self.iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        except Exception as exc:
            if not_found(exc, "NoSuchEntity"):
                return None
            raise
        prefix = state.get("name_prefix") if isinstance(state.get("name_prefix"), str) else ""
        return {**state, "role": role, "name": name, "name_prefix": prefix, "policy": _doc(doc)}

    def update(self, prior: State, planned: State) -> State:
        self.iam.put_role_policy(
            RoleName=prior["role"], PolicyName=prior["name"], PolicyDocument=planned["policy"]
        )
        return self.read(prior | {"policy": planned["policy"]}) or planned

    def delete(self, state: State) -> None:
        self.iam.delete_role_policy(RoleName=state["role"], PolicyName=state["name"])


RESOURCES: list[type[Resource]] = [Role, Policy, RolePolicyAttachment, RolePolicy]
_ = STRING_SET
