"""Planning and normalisation rules of the stand-in, offline (no Terraform, no emulator)."""

from __future__ import annotations

import json

import pytest

from harness.tfprovider.plan import plan_create, plan_update, replace_paths
from harness.tfprovider.resources.common import json_equal
from harness.tfprovider.resources.data import IamPolicyDocument
from harness.tfprovider.resources.ecs_service import Service, task_definition_as_configured
from harness.tfprovider.resources.ecs_task_definition import TaskDefinition, containers_equal
from harness.tfprovider.resources.elbv2 import TargetGroup
from harness.tfprovider.values import UNKNOWN, conform, equal


def test_create_plan_fills_defaults_and_leaves_computed_unknown() -> None:
    planned = plan_create(Service.schema, {"name": "web", "task_definition": "fam:1"})
    assert planned["scheduling_strategy"] == "REPLICA"
    assert planned["deployment_maximum_percent"] == 200
    assert planned["arn"] is UNKNOWN
    assert planned["launch_type"] is UNKNOWN
    assert planned["desired_count"] is None, "optional without default stays null"
    assert planned["load_balancer"] == []


def test_nested_block_defaults_apply_on_update() -> None:
    prior = conform(
        TargetGroup.schema, {"name": "tg", "health_check": [{"path": "/", "matcher": "200"}]}
    )
    assert prior is not None
    proposed = {**prior, "health_check": [{"path": "/health/", "matcher": "200"}]}
    planned = plan_update(TargetGroup.schema, prior, proposed)
    assert planned["health_check"][0]["interval"] == 30
    assert planned["health_check"][0]["port"] == "traffic-port"


def test_every_task_definition_argument_forces_replacement() -> None:
    schema = TaskDefinition.schema
    updatable = {"tags", "tags_all", "skip_destroy", "track_latest"}
    arguments = {
        a.name for a in schema.attributes if (a.required or a.optional) and a.name not in ("id",)
    }
    assert {a.name for a in schema.attributes if a.force_new} == arguments - updatable - {
        "region"
    } | {"region"}
    prior = {"family": "f", "container_definitions": "[]", "cpu": "256"}
    assert replace_paths(schema, prior, {**prior, "cpu": "512"}) == [["cpu"]]
    assert replace_paths(schema, prior, {**prior, "tags": {"a": "b"}}) == []


def test_service_changes_update_in_place_except_identity() -> None:
    prior = {"name": "web", "cluster": "c", "task_definition": "f:1", "desired_count": 1}
    assert (
        replace_paths(
            Service.schema, prior, {**prior, "task_definition": "f:2", "desired_count": 3}
        )
        == []
    )
    assert replace_paths(Service.schema, prior, {**prior, "name": "web2"}) == [["name"]]
    assert replace_paths(Service.schema, prior, {**prior, "cluster": UNKNOWN}) == []


def test_sets_compare_without_order() -> None:
    assert equal(["set", "string"], ["a", "b"], ["b", "a"])
    assert not equal(["list", "string"], ["a", "b"], ["b", "a"])
    assert not equal("string", UNKNOWN, "x")


def test_service_task_definition_is_read_in_the_configured_form() -> None:
    arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7"
    assert task_definition_as_configured(arn.replace(":7", ":6"), arn) == arn
    assert task_definition_as_configured("web:6", arn) == "web:7"
    assert task_definition_as_configured("web", arn) == "web:7", "a bare family shows as a change"


def test_container_definitions_compare_as_the_real_provider_does() -> None:
    configured = json.dumps(
        [
            {
                "name": "web",
                "image": "i:1",
                "portMappings": [{"containerPort": 80}],
                "environment": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}],
            }
        ]
    )
    returned = json.dumps(
        [
            {
                "name": "web",
                "image": "i:1",
                "cpu": 0,
                "essential": True,
                "mountPoints": [],
                "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
                "environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            }
        ]
    )
    assert containers_equal(configured, returned, awsvpc=True)
    assert not containers_equal(configured, returned, awsvpc=False), (
        "bridge mode: host port is not implied"
    )
    assert not containers_equal(configured, returned.replace("i:1", "i:2"))
    two = json.dumps([{"name": "b", "image": "x"}, {"name": "a", "image": "y", "essential": True}])
    assert containers_equal(two, json.dumps(list(reversed(json.loads(two)))))
    health = json.dumps([{"name": "a", "healthCheck": {"command": ["true"]}}])
    assert containers_equal(
        health,
        json.dumps(
            [
                {
                    "name": "a",
                    "healthCheck": {
                        "command": ["true"],
                        "interval": 30,
                        "retries": 3,
                        "timeout": 5,
                    },
                }
            ]
        ),
    )


def test_policy_documents_compare_by_meaning() -> None:
    a = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}'
    b = '{"Statement": [{"Resource": "*", "Action": "s3:GetObject", "Effect": "Allow"}], "Version": "2012-10-17"}'
    assert json_equal(a, b)
    assert not json_equal(a, b.replace("GetObject", "PutObject"))
    two = '{"Statement":[{"Effect":"Allow","Action":["s3:A","s3:B"],"Resource":"*"}]}'
    assert json_equal(two, two.replace('"s3:A","s3:B"', '"s3:B","s3:A"')), "values are a set"
    assert not json_equal(two, two.replace('"s3:A","s3:B"', '"s3:A"'))


def test_policy_document_data_source_renders_like_the_real_one() -> None:
    doc = IamPolicyDocument.__new__(IamPolicyDocument).read(
        {
            "statement": [
                {
                    "actions": ["sts:AssumeRole"],
                    "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
                }
            ]
        }
    )
    policy = json.loads(doc["json"])
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            }
        ],
    }
    assert doc["minified_json"] == json.dumps(policy, separators=(",", ":"))


class _Recorder:
    """A stand-in API client that records calls (and answers describe_services from them)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, object]]] = []

    def __getattr__(self, name: str) -> object:
        def call(**kwargs: object) -> dict[str, object]:
            self.calls.append((name, kwargs))
            return {"services": []}

        return call


def _service_update(
    prior_changes: dict[str, object], planned_changes: dict[str, object]
) -> list[dict[str, object]]:
    from harness.tfprovider.context import Context

    ctx = Context()
    recorder = _Recorder()
    ctx._clients["ecs"] = recorder
    base = plan_create(
        Service.schema, {"name": "web", "task_definition": "f:1", "desired_count": 1}
    )
    prior = {**base, "id": "arn:svc", "arn": "arn:svc", "cluster": "arn:cluster", **prior_changes}
    planned = {**prior, **planned_changes}
    Service(ctx).update(prior, planned)
    return [kwargs for name, kwargs in recorder.calls if name == "update_service"]


def test_service_update_sends_only_what_changed() -> None:
    """As the real provider's d.HasChange checks: one UpdateService with the changed fields."""
    sent = _service_update({}, {"desired_count": 3})
    assert sent == [{"cluster": "arn:cluster", "service": "arn:svc", "desiredCount": 3}]
    sent = _service_update({}, {"health_check_grace_period_seconds": 60, "task_definition": "f:2"})
    assert sent == [
        {
            "cluster": "arn:cluster",
            "service": "arn:svc",
            "taskDefinition": "f:2",
            "healthCheckGracePeriodSeconds": 60,
        }
    ]


def test_ignored_task_definition_is_not_sent() -> None:
    """ignore_changes keeps the prior value in the plan, so it is unchanged and never sent."""
    sent = _service_update({"task_definition": "f:9"}, {"desired_count": 2})
    assert sent == [{"cluster": "arn:cluster", "service": "arn:svc", "desiredCount": 2}]
    assert _service_update({}, {}) == [], "no change, no call"


def test_an_argument_the_standin_cannot_honour_is_refused_by_name() -> None:
    from harness.tfprovider.context import Context, ProviderError
    from harness.tfprovider.resources.ec2 import Vpc

    vpc = Vpc(Context())
    vpc.check_supported({"cidr_block": "10.0.0.0/16", "assign_generated_ipv6_cidr_block": False})
    with pytest.raises(ProviderError, match=r"aws_vpc\.assign_generated_ipv6_cidr_block"):
        vpc.check_supported({"cidr_block": "10.0.0.0/16", "assign_generated_ipv6_cidr_block": True})


def test_service_address_forms() -> None:
    from harness.tfprovider.resources.ecs_service import service_address

    arn = "arn:aws:ecs:us-east-1:123456789012:service/main/web"
    assert service_address({"id": arn, "cluster": "arn:cluster"}) == ("arn:cluster", arn)
    assert service_address({"id": arn}) == ("main", "web")
    assert service_address({"id": "main/web"}) == ("main", "web"), "terraform import id"


def test_a_create_that_fails_after_the_object_exists_keeps_it_in_state() -> None:
    """As terraform-plugin-sdk: Terraform records it (tainted) instead of losing track of it."""
    from tf.gen import tfplugin_pb2 as pb

    from harness.tfprovider.context import CreatedButFailed
    from harness.tfprovider.server import Servicer
    from harness.tfprovider.values import decode, encode

    class Failing(Service):
        def create(self, planned: dict[str, object]) -> dict[str, object]:
            raise CreatedButFailed(
                "waiting for web to be stable: timed out", {**planned, "id": "arn:svc"}
            )

    servicer = Servicer()
    servicer.resources["aws_ecs_service"] = Failing
    planned = plan_create(Service.schema, {"name": "web"})
    request = pb.ApplyResourceChange.Request(
        type_name="aws_ecs_service", prior_state=encode(None), planned_state=encode(planned)
    )
    response = servicer.ApplyResourceChange(request, None)
    assert decode(response.new_state)["id"] == "arn:svc"
    assert "timed out" in response.diagnostics[0].summary


def test_merged_security_group_rules_read_back_as_written() -> None:
    """AWS merges same-port rules into one permission; hashicorp/aws splits them back."""
    from harness.tfprovider.resources.security_groups import match_rules

    def rule(cidrs: list[str], description: str = "") -> dict[str, object]:
        return {
            "protocol": "tcp",
            "from_port": 443,
            "to_port": 443,
            "cidr_blocks": cidrs,
            "description": description,
        }

    prior = [rule(["10.0.0.0/8"], "office"), rule(["192.168.0.0/16"])]
    permission = {
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "IpRanges": [
            {"CidrIp": "10.0.0.0/8", "Description": "office"},
            {"CidrIp": "192.168.0.0/16"},
        ],
    }
    read = match_rules(prior, [permission], "sg-1")
    assert [(r["cidr_blocks"], r["description"]) for r in read] == [
        (["10.0.0.0/8"], "office"),
        (["192.168.0.0/16"], ""),
    ]
    permission["IpRanges"].append({"CidrIp": "172.16.0.0/12"})  # added outside Terraform
    assert [r["cidr_blocks"] for r in match_rules(prior, [permission], "sg-1")][-1] == [
        "172.16.0.0/12"
    ]
