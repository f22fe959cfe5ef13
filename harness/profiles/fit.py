"""Does the deployed stack fit its profile's contract? Checked right after each app deploy.

A contract naming a service the stack does not create would otherwise surface later as an
app-update failure that blames the deployment; this names the profile key to fix instead.
"""

from __future__ import annotations

from typing import Any

from harness.contract import SERVICES, EnvNames
from harness.drivers.base import AppSettings
from harness.endpoint import Endpoint
from harness.errors import HarnessError
from harness.profiles.model import Profile


class ContractMisfit(HarnessError):
    """The stack deployed, but without a cluster or service its profile's contract names."""


def check_services(endpoint: Endpoint, profile: Profile, settings: AppSettings) -> None:
    """:class:`ContractMisfit` unless the cluster and every service of the contract exist
    (a service renamed by the service-replacement change stands in for its own)."""
    names = EnvNames(settings.env, settings.base, profile.contract)
    ecs = endpoint.client("ecs")
    where = f"stack {profile.name} ({profile.path}): after the app deploy of {settings.env}"
    clusters = ecs.describe_clusters(clusters=[names.cluster])["clusters"]
    if not any(c.get("status") == "ACTIVE" for c in clusters):
        raise ContractMisfit(f"{where}, there is no ECS cluster {names.cluster}: fix "
                             "contract.cluster to the name the stack gives it")  # fmt: skip
    wanted = [n for c in SERVICES for n in (names.service(c), names.renamed_service(c))]
    found = {s["serviceName"] for s in _described(ecs, names.cluster, wanted)}
    for component in SERVICES:
        if not {names.service(component), names.renamed_service(component)} & found:
            have = _service_names(ecs, names.cluster)
            raise ContractMisfit(
                f"{where}, the contract's service {names.service(component)} is not in "
                f"{names.cluster} (it has {', '.join(have) or 'none'}): fix "
                f"contract.components.{component}.service"
            )


def _described(ecs: Any, cluster: str, services: list[str]) -> list[dict[str, Any]]:
    found = []
    for i in range(0, len(services), 10):  # DescribeServices takes up to 10 names
        answer = ecs.describe_services(cluster=cluster, services=services[i : i + 10])
        found += [s for s in answer["services"] if s.get("status") == "ACTIVE"]
    return found


def _service_names(ecs: Any, cluster: str) -> list[str]:
    arns = [a for p in ecs.get_paginator("list_services").paginate(cluster=cluster)
            for a in p["serviceArns"]]  # fmt: skip
    return sorted(a.rsplit("/", 1)[-1] for a in arns)
