"""ECS: cluster, task definition, service — with the real provider's update rules.

- ``aws_ecs_task_definition``: every argument but tags forces a new resource (a new
  revision is registered; destroy deregisters the old one). ``container_definitions``
  is compared after the normalisation the real provider applies, so a fresh apply plans clean.
- ``aws_ecs_service``: changes are applied in place with one UpdateService that carries only
  what changed (the real provider's ``d.HasChange`` checks); ``task_definition`` is read
  back in the form the configuration uses (an ARN, or ``family:revision``).
"""

from __future__ import annotations

from typing import Any

from harness.tfprovider.resource import Resource, State, tag_list
from harness.tfprovider.resources.common import REGION, TAGS
from harness.tfprovider.schema import (
    STRING,
    block,
    comp,
    nested,
    optc,
    req,
)


class EcsResource(Resource):
    @property
    def ecs(self) -> Any:
        return self.ctx.client("ecs")

    def api_tags(self, state: State) -> list[dict[str, str]]:
        return tag_list(self.tags_for_api(state), "key", "value")

    def sync_tags(self, arn: str, prior: State, planned: State) -> None:
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        gone = [k for k in old if k not in new]
        if gone:
            self.ecs.untag_resource(resourceArn=arn, tagKeys=gone)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if changed:
            self.ecs.tag_resource(resourceArn=arn, tags=tag_list(changed, "key", "value"))

    def set_tags(self, state: State, api_tags: list[dict[str, str]] | None) -> None:
        tags = {t["key"]: t["value"] for t in api_tags or []}
        state["tags"], state["tags_all"] = self.split_tags(state, tags)


class Cluster(EcsResource):
    type_name = "aws_ecs_cluster"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION, *TAGS,
        req("name", STRING, force_new=True),
        nested("setting", "set", req("name", STRING), req("value", STRING)),
    )  # fmt: skip

    def _settings(self, planned: State) -> list[dict[str, str]]:
        return [{"name": s["name"], "value": s["value"]} for s in planned.get("setting") or []]

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {"clusterName": planned["name"], "tags": self.api_tags(planned)}
        if planned.get("setting"):
            args["settings"] = self._settings(planned)
        arn = self.ecs.create_cluster(**args)["cluster"]["clusterArn"]
        return self.read({**planned, "id": arn}) or planned

    def read(self, state: State) -> State | None:
        found = self.ecs.describe_clusters(clusters=[state["id"]], include=["TAGS", "SETTINGS"])[
            "clusters"
        ]
        if not found or found[0].get("status") == "INACTIVE":
            return None
        cluster = found[0]
        out = {
            **state,
            "id": cluster["clusterArn"],
            "arn": cluster["clusterArn"],
            "name": cluster["clusterName"],
            "region": self.ctx.region,
            "setting": [
                {"name": s["name"], "value": s["value"]} for s in cluster.get("settings") or []
            ],
        }
        if not state.get("setting") and all(s["value"] == "disabled" for s in out["setting"]):
            out["setting"] = (
                state.get("setting") or []
            )  # AWS reports containerInsights=disabled by default
        self.set_tags(out, cluster.get("tags"))
        return out

    def update(self, prior: State, planned: State) -> State:
        if planned.get("setting") != prior.get("setting"):
            self.ecs.update_cluster(cluster=prior["id"], settings=self._settings(planned))
        self.sync_tags(prior["arn"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ecs.delete_cluster(cluster=state["id"])


RESOURCES: list[type[Resource]] = [Cluster]
