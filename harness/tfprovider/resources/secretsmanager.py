"""Secrets Manager: a secret and a version of its value (the database password of the base).

How hashicorp/aws 5.100.0 behaves, seen with it against the emulator (plan after a change of
each argument, ``show -json`` after apply): a secret's ``name`` / ``name_prefix`` force a new
secret, its description, KMS key, tags and recovery window change in place; a version's
``secret_id``, ``secret_string`` and ``secret_binary`` force a new version, ``version_stages``
moves in place. A version's id is ``SECRET_ARN|VERSION_ID`` and its version id is the
provider's own ``terraform-<timestamp>`` (given as ``ClientRequestToken``). Deleting a version
only takes its staging labels off (Secrets Manager has no call that deletes one); deleting a
secret schedules it for deletion after ``recovery_window_in_days`` (default 30; 0 deletes at
once), and a secret scheduled for deletion reads as gone.
"""

from __future__ import annotations

import base64
import itertools
import time
import uuid
from typing import Any, ClassVar

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
    nested,
    opt,
    optc,
    req,
)
from harness.tfprovider.values import UNKNOWN

_GONE = ("ResourceNotFoundException",)


def _client(resource: Resource) -> Any:
    return resource.ctx.client("secretsmanager")


class Secret(Resource):
    type_name = "aws_secretsmanager_secret"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        optc("name", STRING, force_new=True),
        optc("name_prefix", STRING, force_new=True),
        opt("description", STRING),
        opt("kms_key_id", STRING),
        optc("policy", STRING),
        opt("recovery_window_in_days", NUMBER, default=30),
        opt("force_overwrite_replica_secret", BOOL, default=False),
        nested(
            "replica", "set",
            optc("kms_key_id", STRING),
            comp("last_accessed_date", STRING),
            req("region", STRING),
            comp("status", STRING),
            comp("status_message", STRING),
        ),
    )  # fmt: skip
    unsupported: ClassVar[dict[str, str]] = {
        "replica": "replication to other regions needs a second endpoint",
        "policy": "resource policies are not needed by the stacks here",
    }

    def create(self, planned: State) -> State:
        name = (
            planned["name"]
            if isinstance(planned.get("name"), str)
            else ((planned.get("name_prefix") or "terraform-") + uuid.uuid4().hex[:26])
        )
        args: dict[str, Any] = {"Name": name}
        if planned.get("description"):
            args["Description"] = planned["description"]
        if planned.get("kms_key_id"):
            args["KmsKeyId"] = planned["kms_key_id"]
        tags = self.tags_for_api(planned)
        if tags:
            args["Tags"] = tag_list(tags)
        arn = _client(self).create_secret(**args)["ARN"]
        return self.read({**planned, "id": arn}) or planned

    def read(self, state: State) -> State | None:
        try:
            found = _client(self).describe_secret(SecretId=state["id"])
        except Exception as exc:
            if not_found(exc, *_GONE):
                return None
            raise
        if found.get("DeletedDate"):  # scheduled for deletion: gone, as hashicorp/aws reads it
            return None
        prefix = state.get("name_prefix")
        out = {
            **state,
            "id": found["ARN"],
            "arn": found["ARN"],
            "name": found["Name"],
            "name_prefix": prefix if isinstance(prefix, str) else "",
            "description": found.get("Description") or state.get("description"),
            "kms_key_id": found.get("KmsKeyId") or "",
            "policy": "",
            "region": self.ctx.region,
            "replica": [],
        }
        for key, default in (
            ("recovery_window_in_days", 30),
            ("force_overwrite_replica_secret", False),
        ):
            if state.get(key) in (None, UNKNOWN):  # kept by the provider, not by the API
                out[key] = default
        out["tags"], out["tags_all"] = self.split_tags(state, tag_dict(found.get("Tags")))
        return out

    def update(self, prior: State, planned: State) -> State:
        api = _client(self)
        changes = {
            api_key: planned.get(key) or ""
            for key, api_key in (("description", "Description"), ("kms_key_id", "KmsKeyId"))
            if planned.get(key) != prior.get(key)
        }
        if changes:
            api.update_secret(SecretId=prior["id"], **changes)
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        gone = [k for k in old if k not in new]
        if gone:
            api.untag_resource(SecretId=prior["id"], TagKeys=gone)
        if new and new != old:
            api.tag_resource(SecretId=prior["id"], Tags=tag_list(new))
        return self.read({**planned, "id": prior["id"]}) or planned

    def delete(self, state: State) -> None:
        window = int(state.get("recovery_window_in_days") or 0)
        args: dict[str, Any] = (
            {"RecoveryWindowInDays": window} if window else {"ForceDeleteWithoutRecovery": True}
        )
        try:
            _client(self).delete_secret(SecretId=state["id"], **args)
        except Exception as exc:
            if not not_found(exc, *_GONE):
                raise


_tokens = itertools.count()


def _version_token() -> str:
    # hashicorp/aws's version ids look like terraform-20261201121046607000000004: a UTC
    # timestamp and a counter (its resource.UniqueId()).
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    return f"terraform-{stamp}{int(time.time() * 1000) % 1000:03d}{next(_tokens):09d}"


class SecretVersion(Resource):
    type_name = "aws_secretsmanager_secret_version"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION,
        req("secret_id", STRING, force_new=True),
        Attr("secret_string", STRING, optional=True, force_new=True, sensitive=True),
        Attr("secret_binary", STRING, optional=True, force_new=True, sensitive=True),
        Attr("secret_string_wo", STRING, optional=True, sensitive=True),
        opt("secret_string_wo_version", NUMBER, force_new=True),
        comp("has_secret_string_wo", BOOL),
        comp("version_id", STRING),
        optc("version_stages", STRING_SET),
    )  # fmt: skip
    unsupported: ClassVar[dict[str, str]] = {
        "secret_string_wo": "write-only arguments need plugin protocol 6.8, which the stand-in "
        "does not speak; the stand-in would keep the value in state",
    }

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {
            "SecretId": planned["secret_id"],
            "ClientRequestToken": _version_token(),
        }
        if isinstance(planned.get("secret_string"), str):
            args["SecretString"] = planned["secret_string"]
        elif isinstance(planned.get("secret_binary"), str):
            args["SecretBinary"] = base64.b64decode(planned["secret_binary"])
        if isinstance(planned.get("version_stages"), list):
            args["VersionStages"] = planned["version_stages"]
        answer = _client(self).put_secret_value(**args)
        state = {**planned, "id": f"{answer['ARN']}|{answer['VersionId']}"}
        return self.read(state) or state

    def read(self, state: State) -> State | None:
        arn, _, version = str(state["id"]).partition("|")
        try:
            found = _client(self).get_secret_value(SecretId=arn, VersionId=version)
        except Exception as exc:
            if not_found(exc, *_GONE, "InvalidRequestException"):  # deleted secrets answer that
                return None
            raise
        binary = found.get("SecretBinary")
        return {
            **state,
            "arn": found["ARN"],
            "version_id": found["VersionId"],
            "secret_string": found.get("SecretString"),
            "secret_binary": base64.b64encode(binary).decode() if binary else "",
            "version_stages": sorted(found.get("VersionStages") or []),
            "region": self.ctx.region,
        }

    def update(self, prior: State, planned: State) -> State:
        # Only the staging labels change in place: move each added one here, take each
        # removed one off (AWSCURRENT stays where it is until another version takes it).
        arn, _, version = str(prior["id"]).partition("|")
        api = _client(self)
        before, after = set(prior.get("version_stages") or []), set(planned["version_stages"])
        for stage in sorted(after - before):
            api.update_secret_version_stage(
                SecretId=arn, VersionStage=stage, MoveToVersionId=version
            )
        for stage in sorted(before - after - {"AWSCURRENT"}):
            api.update_secret_version_stage(
                SecretId=arn, VersionStage=stage, RemoveFromVersionId=version
            )
        return self.read({**planned, "id": prior["id"]}) or planned

    def delete(self, state: State) -> None:
        arn, _, version = str(state["id"]).partition("|")
        api = _client(self)
        for stage in sorted(set(state.get("version_stages") or []) - {"AWSCURRENT"}):
            try:
                api.update_secret_version_stage(
                    SecretId=arn, VersionStage=stage, RemoveFromVersionId=version
                )
            except Exception as exc:
                if not not_found(exc, *_GONE, "InvalidRequestException"):
                    raise


RESOURCES: list[type[Resource]] = [Secret, SecretVersion]
