"""The emulator's faster serving (``harness/fidelity/serving.py``) answers as before.

Each host resolves to its moto backend once, a response class's method names are listed
once, region lists are computed once per service, responses go out in one send, and only
error answers keep an access line in the log. What must still hold: every call reaches the
service it names, on every host, in every region, also after the caches are warm; faults are
still injected; an error answer is still logged and a successful one is not.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness.emulator import Emulator
from harness.fidelity.faults import FaultPlan

pytestmark = [
    pytest.mark.embedded_only,
    pytest.mark.services("ecs", "sts", "s3", "elbv2", "logs", "cloudformation", "ec2"),
]


def _answers(client: Any, service: str) -> Any:
    """What one harmless read of ``service`` answers with: a key only that service sends."""
    read = {
        "ecs": lambda: client.list_clusters()["clusterArns"],
        "sts": lambda: client.get_caller_identity()["Account"],
        "s3": lambda: client.list_buckets()["Buckets"],
        "elbv2": lambda: client.describe_load_balancers()["LoadBalancers"],
        "logs": lambda: client.describe_log_groups()["logGroups"],
        "cloudformation": lambda: client.list_stacks()["StackSummaries"],
        "ec2": lambda: client.describe_regions()["Regions"],
    }[service]
    return read()


def test_calls_reach_their_service_on_every_host_and_region(emulator: Emulator) -> None:
    """Interleaved calls to services of every protocol, in two regions, twice over: the second
    round is served from the warm caches and must answer exactly as the first."""
    endpoint = emulator.endpoint.with_access_key(f"serving-{uuid.uuid4().hex[:8]}")
    services = ["ecs", "sts", "s3", "elbv2", "logs", "cloudformation", "ec2"]
    rounds = []
    for _ in range(2):
        answers = {}
        for region in ("us-east-1", "eu-west-1"):
            for service in services:
                client = endpoint.client(service, region_name=region)
                answers[(region, service)] = _answers(client, service)
        rounds.append(answers)
    assert rounds[0] == rounds[1]
    east = {r["RegionName"] for r in rounds[1][("us-east-1", "ec2")]}
    assert {"us-east-1", "eu-west-1"} <= east, "moto's region list lost regions"


def test_a_new_cluster_is_seen_in_its_region_only(emulator: Emulator) -> None:
    """Two regions of one service are two backends behind one cached route."""
    endpoint = emulator.endpoint.with_access_key(f"serving-{uuid.uuid4().hex[:8]}")
    name = f"serving-{uuid.uuid4().hex[:8]}"
    endpoint.client("ecs", region_name="eu-west-1").create_cluster(clusterName=name)
    west = endpoint.client("ecs", region_name="eu-west-1").list_clusters()["clusterArns"]
    east = endpoint.client("ecs", region_name="us-east-1").list_clusters()["clusterArns"]
    assert any(arn.endswith(f"/{name}") for arn in west)
    assert not any(arn.endswith(f"/{name}") for arn in east)


def test_faults_still_apply_once_the_routes_are_cached(emulator: Emulator) -> None:
    key = f"serving-{uuid.uuid4().hex[:8]}"
    once = Config(retries={"mode": "standard", "total_max_attempts": 1})
    client = emulator.endpoint.with_access_key(key).client("ecs", config=once)
    client.list_clusters()  # the route for ECS is cached now
    emulator.set_faults(FaultPlan(FaultPlan.parse("throttle:1@ecs").fractions, callers=(key,)))
    try:
        with pytest.raises(ClientError) as caught:
            client.list_clusters()
    finally:
        emulator.set_faults(None)
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert client.list_clusters()["clusterArns"] is not None


def test_only_error_answers_keep_an_access_line(emulator: Emulator) -> None:
    """werkzeug's access line names no call: kept for answers of 400 and above only."""
    assert emulator.log_path is not None
    s3 = emulator.endpoint.client("s3")
    found, missing = f"serving-{uuid.uuid4().hex[:8]}", f"serving-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=found)
    s3.list_objects_v2(Bucket=found)
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=missing)
    log = emulator.log_path.read_text()
    assert f"/{missing}" in log
    assert f"/{found}" not in log


def test_responses_serialize_the_same_once_the_attribute_names_are_known(
    emulator: Emulator,
) -> None:
    """moto's serializer works out which attribute holds each response member once per class
    and member: a warm answer is the cold one, and says what was registered."""
    ecs = emulator.endpoint.with_access_key(f"serving-{uuid.uuid4().hex[:8]}").client("ecs")
    family = f"serving-{uuid.uuid4().hex[:8]}"
    container = {
        "name": "web",
        "image": "nginx:1.27",
        "memory": 512,
        "essential": True,
        "portMappings": [{"containerPort": 8000, "protocol": "tcp"}],
        "environment": [{"name": "DJANGO_DEBUG", "value": "0"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": family}},
    }
    ecs.register_task_definition(family=family, containerDefinitions=[container], cpu="256")
    answers = [ecs.describe_task_definition(taskDefinition=family) for _ in range(3)]
    for answer in answers:
        answer.pop("ResponseMetadata")
    assert answers[0] == answers[1] == answers[2]
    (described,) = answers[0]["taskDefinition"]["containerDefinitions"]
    assert {k: described[k] for k in container} == container
    assert answers[0]["taskDefinition"]["family"] == family
    assert answers[0]["taskDefinition"]["cpu"] == "256"


def test_botocore_sessions_share_one_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each session parsed endpoints.json and its service models again; sharing the loader
    must leave what a session and its clients read unchanged."""
    import boto3
    from botocore import session as botocore_session

    from harness.fidelity import serving

    before = boto3.session.Session().get_available_regions("ecs")
    monkeypatch.setattr(botocore_session, "create_loader", botocore_session.create_loader)
    serving.share_botocore_loader()
    first, second = boto3.session.Session(), boto3.session.Session()
    assert first._loader is second._loader
    assert first.get_available_regions("ecs") == second.get_available_regions("ecs") == before
    client = first.client(
        "ecs", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    assert client.meta.service_model.service_name == "ecs"


def test_concurrent_connections_are_all_served(emulator: Emulator) -> None:
    """Connections go to idle workers, a new worker when none is idle: many at once, then
    many again (reused workers), all answered by the service they name."""
    from concurrent.futures import ThreadPoolExecutor

    endpoint = emulator.endpoint.with_access_key(f"serving-{uuid.uuid4().hex[:8]}")
    clients = [endpoint.client("sts"), endpoint.client("ecs")]

    def call(i: int) -> object:
        client = clients[i % 2]
        return client.get_caller_identity()["Account"] if i % 2 == 0 else client.list_clusters()

    for _ in range(2):
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(call, range(48)))
        assert all(isinstance(a, str) for a in answers[::2])
        assert all("clusterArns" in a for a in answers[1::2])  # type: ignore[operator]
