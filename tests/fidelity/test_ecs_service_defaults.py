"""Conformance of the emulator's ECS counts through deletion and CreateService defaults
(``harness/fidelity/ecs/services.py``), kept apart from ``test_ecs.py``.

Sources: CreateService ("availabilityZoneRebalancing ... For create service requests, when no
value is specified for AvailabilityZoneRebalancing, Amazon ECS defaults the value to ENABLED"); ECS API reference, Cluster ("runningTasksCount - The number of tasks in the cluster
that are in the RUNNING state"; pendingTasksCount likewise; "activeServicesCount - The number
of services that are running on the cluster in an ACTIVE state"), DeleteService ("When you
delete a service, if there are still running tasks that require cleanup, the service status
moves from ACTIVE to DRAINING ... After all tasks have transitioned to either STOPPING or
STOPPED status, the service status moves from DRAINING to INACTIVE"), and Service
(runningCount, pendingCount).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.emulator import Emulator

pytestmark = pytest.mark.services("ecs", "ec2")

FAST = {"Delay": 0.1, "MaxAttempts": 100}


def test_counts_stay_consistent_through_deletion(emulator: Emulator) -> None:
    ec2, ecs = emulator.endpoint.client("ec2"), emulator.endpoint.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.21.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.21.1.0/24")["Subnet"]["SubnetId"]
    cluster, family = f"counts-{uuid.uuid4().hex[:8]}", f"td-{uuid.uuid4().hex[:8]}"
    ecs.create_cluster(clusterName=cluster)
    arn = ecs.register_task_definition(
        family=family, cpu="256", memory="512", networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "app", "image": "repo:v1", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]  # fmt: skip
    network = {"awsvpcConfiguration": {"subnets": [subnet]}}
    for name in ("web", "worker"):
        ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition=arn, desiredCount=1,
            launchType="FARGATE", networkConfiguration=network,
        )  # fmt: skip
    ecs.get_waiter("services_stable").wait(
        cluster=cluster, services=["web", "worker"], WaiterConfig=FAST
    )

    def counts() -> tuple[Any, ...]:
        (c,) = ecs.describe_clusters(clusters=[cluster])["clusters"]
        return c["activeServicesCount"], c["runningTasksCount"], c["pendingTasksCount"]

    assert counts() == (2, 2, 0)
    for name in ("web", "worker"):
        ecs.update_service(cluster=cluster, service=name, desiredCount=0)
        deleted = ecs.delete_service(cluster=cluster, service=name)["service"]
        assert deleted["status"] in ("DRAINING", "INACTIVE")
    # DeleteService: DRAINING while its tasks stop, then INACTIVE (ECS API reference).
    ecs.get_waiter("services_inactive").wait(
        cluster=cluster, services=["web", "worker"], WaiterConfig=FAST
    )
    (web,) = ecs.describe_services(cluster=cluster, services=["web"])["services"]
    assert (web["status"], web["runningCount"], web["pendingCount"]) == ("INACTIVE", 0, 0)
    assert counts() == (0, 0, 0)
    ecs.delete_cluster(cluster=cluster)
    assert counts() == (0, 0, 0)


def test_availability_zone_rebalancing_defaults_to_enabled(emulator: Emulator) -> None:
    ecs = emulator.endpoint.client("ecs")
    cluster = f"azr-{uuid.uuid4().hex[:8]}"
    ecs.create_cluster(clusterName=cluster)
    arn = ecs.register_task_definition(
        family=f"td-{uuid.uuid4().hex[:8]}",
        containerDefinitions=[{"name": "app", "image": "repo:v1", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    default = ecs.create_service(cluster=cluster, serviceName="a", taskDefinition=arn)
    assert default["service"]["availabilityZoneRebalancing"] == "ENABLED"
    given = ecs.create_service(
        cluster=cluster, serviceName="b", taskDefinition=arn, availabilityZoneRebalancing="DISABLED"
    )
    assert given["service"]["availabilityZoneRebalancing"] == "DISABLED"
    (b,) = ecs.describe_services(cluster=cluster, services=["b"])["services"]
    assert b["availabilityZoneRebalancing"] == "DISABLED"
