"""Conformance of the emulator's injected faults (``harness/fidelity/faults.py``).

The arbiter of each fault's wire shape is botocore itself: the error code it parses, the HTTP
status, and whether its retry code takes the answer as retryable and, for throttling, as a
throttle (adaptive mode slows down only for those): ``botocore/retries/standard.py``
(``StandardRetryConditions``, ``ThrottlingErrorDetector``) and, for legacy mode,
``botocore/data/_retry.json``'s policies (``throttling``: ``Throttling`` 400;
``throttling_exception``: ``ThrottlingException`` 400; ec2's ``request_limit_exceeded``:
``RequestLimitExceeded`` 503; ``general_server_error`` 500, ``service_unavailable`` 503,
``general_socket_errors``). Sources for the wording per service: the EC2 API reference, "Error
codes for the Amazon EC2 API" (``RequestLimitExceeded``, ``InternalError``, ``Unavailable``);
the common errors of the ECS, IAM, CloudFormation and STS API references (``ThrottlingException``
/ ``Throttling`` 400, ``InternalFailure`` 500, ``ServiceUnavailable`` 503); the S3 API reference,
"Error responses" (``SlowDown`` 503, ``InternalError`` 500).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError
from botocore.retries.standard import (
    RetryEventAdapter,
    StandardRetryConditions,
    ThrottlingErrorDetector,
)

from harness.emulator import Emulator
from harness.endpoint import Endpoint
from harness.fidelity.faults import FaultKind, FaultPlan, FaultSpecError, draw, service_rng

pytestmark = pytest.mark.embedded_only

# service -> (a harmless read, the throttling code AWS answers with, its HTTP status)
SERVICES: dict[str, tuple[Callable[[Any], Any], str, int]] = {
    "ecs": (lambda c: c.list_clusters(), "ThrottlingException", 400),
    "ecr": (lambda c: c.describe_repositories(), "ThrottlingException", 400),
    "logs": (lambda c: c.describe_log_groups(), "ThrottlingException", 400),
    "ssm": (lambda c: c.describe_parameters(), "ThrottlingException", 400),
    "cloudformation": (lambda c: c.list_stacks(), "Throttling", 400),
    "iam": (lambda c: c.list_roles(), "Throttling", 400),
    "sts": (lambda c: c.get_caller_identity(), "Throttling", 400),
    "elbv2": (lambda c: c.describe_load_balancers(), "Throttling", 400),
    "rds": (lambda c: c.describe_db_instances(), "Throttling", 400),
    "ec2": (lambda c: c.describe_vpcs(), "RequestLimitExceeded", 503),
    "s3": (lambda c: c.list_buckets(), "SlowDown", 503),
}
SIGNING_NAME = {"elbv2": "elasticloadbalancing"}


class Faulted:
    """A caller of its own on the session emulator, with a fault plan for that caller only."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.key = f"faults-{uuid.uuid4().hex[:8]}"
        self.endpoint: Endpoint = emulator.endpoint.with_access_key(self.key)

    def plan(self, text: str, seed: int = 0, delay_s: float = 1.0) -> None:
        parsed = FaultPlan.parse(text, seed=seed, delay_s=delay_s)
        self.emulator.set_faults(
            FaultPlan(parsed.fractions, parsed.seed, parsed.delay_s, (self.key,))
        )

    def client(self, service: str, mode: str = "standard", attempts: int = 1) -> Any:
        # total_max_attempts counts the first attempt; botocore's max_attempts does not
        config = Config(retries={"mode": mode, "total_max_attempts": attempts})
        if service == "s3":
            config = config.merge(Config(s3={"addressing_style": "path"}))
        return self.endpoint.client(service, config=config)

    def seen(self) -> dict[str, Any]:
        return self.emulator.faults(self.key)


@pytest.fixture
def faulted(emulator: Emulator) -> Iterator[Faulted]:
    caller = Faulted(emulator)
    try:
        yield caller
    finally:
        emulator.set_faults(None)


def _retry_contexts(client: Any) -> list[Any]:
    """The RetryContext botocore's standard retry code judges, for each attempt of a call."""
    contexts: list[Any] = []
    adapter = RetryEventAdapter()

    def capture(**kwargs: Any) -> None:
        contexts.append(adapter.create_retry_context(**kwargs))

    client.meta.events.register("needs-retry", capture)
    return contexts


def _legacy_policy(service: str, code: str, status: int) -> str | None:
    """The ``_retry.json`` policy (legacy mode) that matches an answer, if any."""
    data = json.loads((Path(botocore.__file__).parent / "data" / "_retry.json").read_text())
    policies = dict(data["retry"]["__default__"]["policies"])
    policies.update(data["retry"].get(service, {}).get("__default__", {}).get("policies", {}))
    for name, policy in policies.items():
        when = data["definitions"][policy["$ref"]] if "$ref" in policy else policy
        response = when["applies_when"].get("response", {})
        if response.get("http_status_code") not in (None, status):
            continue
        if response.get("service_error_code") not in (None, code):
            continue
        if response:
            return name
    return None


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_throttling_is_worded_as_the_service_words_it_and_retried(
    faulted: Faulted, service: str
) -> None:
    call, code, status = SERVICES[service]
    faulted.plan(f"throttle:1@{SIGNING_NAME.get(service, service)}")
    client = faulted.client(service)
    contexts = _retry_contexts(client)
    with pytest.raises(ClientError) as caught:
        call(client)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    context = contexts[-1]
    assert StandardRetryConditions(max_attempts=3).is_retryable(context)
    assert ThrottlingErrorDetector(RetryEventAdapter()).is_throttling_error_from_context(context)
    assert _legacy_policy(service, code, status) is not None


@pytest.mark.parametrize("service", ["ecs", "cloudformation", "ec2", "s3"])
def test_server_errors_are_500_or_503_and_retried(faulted: Faulted, service: str) -> None:
    call, _, _ = SERVICES[service]
    faulted.plan(f"5xx:1@{SIGNING_NAME.get(service, service)}", seed=3)
    client = faulted.client(service)
    contexts = _retry_contexts(client)
    answers = set()
    for _ in range(8):
        with pytest.raises(ClientError) as caught:
            call(client)
        error = caught.value.response
        answers.add((error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]))
        assert StandardRetryConditions(max_attempts=3).is_retryable(contexts[-1])
        assert not ThrottlingErrorDetector(RetryEventAdapter()).is_throttling_error_from_context(
            contexts[-1]
        )
    internal = "InternalError" if service in {"ec2", "s3"} else "InternalFailure"
    unavailable = "Unavailable" if service == "ec2" else "ServiceUnavailable"
    assert answers == {(500, internal), (503, unavailable)}
    assert all(_legacy_policy(service, c, s) for s, c in answers)


def test_a_standard_client_retries_until_its_attempts_run_out(faulted: Faulted) -> None:
    faulted.plan("throttle:1@ecs")
    with pytest.raises(ClientError, match=r"reached max retries: 2"):
        faulted.client("ecs", attempts=3).list_clusters()
    assert faulted.seen()["injected"] == {"ecs:ListClusters": {"throttle": 3}}
    # amz-sdk-request: attempt=2 and 3, each after a throttle
    assert faulted.seen()["retries"] == {"ecs:ListClusters": {"throttle": 2}}


def test_a_legacy_client_retries_what_retry_json_says(faulted: Faulted) -> None:
    faulted.plan("throttle:1@ec2")
    with pytest.raises(ClientError, match="RequestLimitExceeded"):
        faulted.client("ec2", mode="legacy", attempts=3).describe_vpcs()
    assert faulted.seen()["retries"] == {"ec2:DescribeVpcs": {"throttle": 2}}


def test_a_dropped_connection_has_no_answer_and_is_retried(faulted: Faulted) -> None:
    faulted.plan("drop:1@ecs")
    client = faulted.client("ecs", attempts=2)
    contexts = _retry_contexts(client)
    with pytest.raises(ConnectionClosedError):
        client.list_clusters()
    assert StandardRetryConditions(max_attempts=3).is_retryable(contexts[0])
    assert faulted.seen()["injected"] == {"ecs:ListClusters": {"drop": 2}}
    faulted.emulator.set_faults(None)  # the server is still up and answers the next call
    assert "clusterArns" in faulted.client("ecs").list_clusters()


def test_a_slow_answer_is_the_real_answer_late(faulted: Faulted) -> None:
    faulted.plan("slow:1@ecs", delay_s=0.5)
    client = faulted.client("ecs")
    began = time.perf_counter()
    assert "clusterArns" in client.list_clusters()
    assert time.perf_counter() - began >= 0.5
    assert faulted.seen()["injected"] == {"ecs:ListClusters": {"slow": 1}}


def test_a_faulted_call_changed_nothing(faulted: Faulted) -> None:
    """Faults are chosen before moto sees the request: a retry never repeats a change."""
    name = f"faults-{uuid.uuid4().hex[:6]}"
    faulted.plan("5xx:1@ecs")
    with pytest.raises(ClientError):
        faulted.client("ecs").create_cluster(clusterName=name)
    faulted.emulator.set_faults(None)
    found = faulted.client("ecs").describe_clusters(clusters=[name])["clusters"]
    assert not [c for c in found if c["status"] == "ACTIVE"]


def test_the_control_api_and_other_callers_are_never_faulted(faulted: Faulted) -> None:
    faulted.plan("throttle:1,5xx:0")  # every service, for the faulted caller only
    assert faulted.emulator.calls(faulted.key) == {}  # the control API answers
    assert "clusterArns" in faulted.emulator.endpoint.client("ecs").list_clusters()
    with pytest.raises(ClientError):
        faulted.client("ecs").list_clusters()


def test_cloudformation_s_own_calls_for_a_caller_are_not_faulted(faulted: Faulted) -> None:
    """AWS retries the calls a stack operation makes inside the service; the caller never
    sees them, so they are not faulted."""
    stack = f"faults-{uuid.uuid4().hex[:6]}"
    template = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}
    faulted.plan("throttle:1@logs")
    cfn = faulted.client("cloudformation")
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    try:
        status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
        assert status == "CREATE_COMPLETE"
        assert faulted.seen()["injected"] == {}
    finally:
        cfn.delete_stack(StackName=stack)


def test_the_same_seed_replays_the_same_faults(faulted: Faulted) -> None:
    def pattern(seed: int) -> list[str]:
        faulted.plan("throttle:0.3,5xx:0.2@ecs", seed=seed)  # RNGs restart with the plan
        client, seen = faulted.client("ecs"), []
        for _ in range(30):
            try:
                client.list_clusters()
                seen.append("ok")
            except ClientError as exc:
                seen.append(exc.response["Error"]["Code"])
        return seen

    first = pattern(7)
    assert set(first) == {"ok", "ThrottlingException", "InternalFailure", "ServiceUnavailable"}
    assert pattern(7) == first
    assert pattern(8) != first


# the plan, without an emulator ----------------------------------------------------------
def test_draws_are_a_function_of_seed_and_service_alone() -> None:
    plan = FaultPlan.parse("throttle:0.2,drop:0.1", seed=5)

    def sequence(seed: int, service: str) -> list[FaultKind | None]:
        rng = service_rng(seed, service)
        return [draw(plan, service, rng) for _ in range(200)]

    assert sequence(5, "ecs") == sequence(5, "ecs")
    assert sequence(5, "ecs") != sequence(5, "ec2")
    assert sequence(5, "ecs") != sequence(6, "ecs")
    share = sequence(5, "ecs").count(FaultKind.THROTTLE) / 200
    assert 0.12 < share < 0.28


def test_a_service_s_own_fraction_overrides_the_one_for_all() -> None:
    plan = FaultPlan.parse("throttle:0.1,5xx:0.05,throttle:0.5@ecs,drop:0.02@elbv2", seed=1)
    assert plan.for_service("ecs") == {FaultKind.THROTTLE: 0.5, FaultKind.SERVER: 0.05}
    assert plan.for_service("elasticloadbalancing")[FaultKind.DROP] == 0.02
    assert plan.for_service("iam") == {FaultKind.THROTTLE: 0.1, FaultKind.SERVER: 0.05}
    assert FaultPlan.from_dict(plan.to_dict()) == plan
    assert plan.describe().startswith("throttle:0.1,5xx:0.05,")
    assert "seed=1" in plan.describe()


@pytest.mark.parametrize(
    "text", ["throttle", "throttle:2", "timeout:0.1", "throttle:0.6,5xx:0.6", "slow:x@ecs"]
)
def test_a_bad_fault_spec_is_refused(text: str) -> None:
    with pytest.raises(FaultSpecError):
        FaultPlan.parse(text)
