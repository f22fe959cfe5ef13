"""An ECS cluster's capacity providers and default strategy (``aws_ecs_cluster_capacity_providers``)."""

from __future__ import annotations

from typing import Any

from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION
from harness.tfprovider.resources.ecs import EcsResource
from harness.tfprovider.schema import NUMBER, STRING, STRING_SET, block, nested, opt, optc, req


class ClusterCapacityProviders(EcsResource):
    type_name = "aws_ecs_cluster_capacity_providers"
    schema = block(
        optc("id", STRING), REGION,
        req("cluster_name", STRING, force_new=True),
        opt("capacity_providers", STRING_SET),
        nested("default_capacity_provider_strategy", "set",
               opt("base", NUMBER, default=0), req("capacity_provider", STRING),
               opt("weight", NUMBER, default=0)),
    )  # fmt: skip

    def _put(self, cluster: str, planned: State) -> None:
        self.ecs.put_cluster_capacity_providers(
            cluster=cluster,
            capacityProviders=list(planned.get("capacity_providers") or []),
            defaultCapacityProviderStrategy=[
                {"capacityProvider": s["capacity_provider"], "base": int(s.get("base") or 0),
                 "weight": int(s.get("weight") or 0)}
                for s in planned.get("default_capacity_provider_strategy") or []
            ],
        )  # fmt: skip

    def create(self, planned: State) -> State:
        self._put(planned["cluster_name"], planned)
        return self.read({**planned, "id": planned["cluster_name"]}) or planned

    def read(self, state: State) -> State | None:
        found = self.ecs.describe_clusters(clusters=[state["id"]])["clusters"]
        if not found or found[0].get("status") == "INACTIVE":
            return None
        cluster: dict[str, Any] = found[0]
        return {
            **state,
            "cluster_name": cluster["clusterName"],
            "region": self.ctx.region,
            "capacity_providers": cluster.get("capacityProviders") or [],
            "default_capacity_provider_strategy": [
                {"capacity_provider": s["capacityProvider"], "base": s.get("base", 0),
                 "weight": s.get("weight", 0)}
                for s in cluster.get("defaultCapacityProviderStrategy") or []
            ],
        }  # fmt: skip

    def update(self, prior: State, planned: State) -> State:
        self._put(prior["id"], planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        # as the real provider: the cluster keeps existing, with no capacity providers
        found = self.ecs.describe_clusters(clusters=[state["id"]])["clusters"]
        if found and found[0].get("status") != "INACTIVE":
            self._put(state["id"], {})


RESOURCES: list[type[Resource]] = [ClusterCapacityProviders]
