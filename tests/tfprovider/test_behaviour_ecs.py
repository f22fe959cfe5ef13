"""(b) The ECS Fargate configuration through real Terraform: create, read, update, replace, drift.

One ~28-resource configuration (``configs/fargate``) per test, unique names per test, one
shared session emulator. What each test states is how hashicorp/aws behaves.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from harness.emulator import Emulator
from harness.endpoint import Endpoint

# The fargate configuration: network, load balancer, database, bucket, roles, ECS.
pytestmark = [
    pytest.mark.terraform,
    pytest.mark.slow,
    pytest.mark.services("ec2", "elbv2", "rds", "s3", "iam", "logs", "ecs", "sts"),
]

SERVICE = "aws_ecs_service.web"
TASKDEF = "aws_ecs_task_definition.web"


def unique() -> str:
    return f"t{uuid.uuid4().hex[:8]}"


def deploy(tfdir: Any, **variables: Any) -> Any:
    d = tfdir("fargate", name=unique(), **variables)
    d.init()
    d.apply()
    return d


def service(endpoint: Endpoint, name: str) -> dict[str, Any]:
    found = endpoint.client("ecs").describe_services(
        cluster=f"{name}-cluster", services=[f"{name}-web"]
    )
    result: dict[str, Any] = found["services"][0]
    return result


def test_create_reads_back_clean_and_destroy_removes(tfdir: Any, aws_endpoint: Endpoint) -> None:
    d = deploy(tfdir)
    name = d.vars["name"]
    assert d.plan_exit() == 0, "a fresh apply must plan clean (normalised JSON, ARNs, defaults)"
    svc = service(aws_endpoint, name)
    state = d.state(SERVICE)
    assert state["task_definition"] == svc["taskDefinition"] == d.state(TASKDEF)["arn"]
    assert state["desired_count"] == svc["desiredCount"] == 1
    assert svc["launchType"] == "FARGATE"
    assert svc["loadBalancers"][0]["containerPort"] == 8000
    vpc = aws_endpoint.client("ec2").describe_vpcs(VpcIds=[d.state("aws_vpc.main")["id"]])["Vpcs"][
        0
    ]
    assert {"Key": "env", "Value": name} in vpc["Tags"], "default_tags reach the API"
    assert d.state("aws_vpc.main")["tags_all"] == {"env": name, "Name": f"{name}-vpc"}
    d.destroy()
    gone = aws_endpoint.client("ecs").describe_services(
        cluster=f"{name}-cluster", services=[f"{name}-web"]
    )
    assert all(s["status"] == "INACTIVE" for s in gone["services"])
    assert not aws_endpoint.client("ec2").describe_vpcs(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    )["Vpcs"]


def test_service_settings_update_in_place(tfdir: Any, aws_endpoint: Endpoint) -> None:
    d = deploy(tfdir)
    before = service(aws_endpoint, d.vars["name"])
    assert d.actions(desired_count=2, grace_period=60) == {SERVICE: ("update",)}
    d.apply(desired_count=2, grace_period=60, wait_steady="true")  # waits: services_stable
    after = service(aws_endpoint, d.vars["name"])
    assert after["runningCount"] == 2, "wait_for_steady_state returned once the service settled"
    assert after["serviceArn"] == before["serviceArn"]
    assert (after["desiredCount"], after["healthCheckGracePeriodSeconds"]) == (2, 60)
    assert after["taskDefinition"] == before["taskDefinition"], (
        "an unchanged task_definition is not sent"
    )
    assert d.actions(log_retention=14) == {"aws_cloudwatch_log_group.web": ("update",)}
    assert d.actions(health_path="/up/", idle_timeout=120, db_storage=30) == {
        "aws_lb_target_group.web": ("update",),
        "aws_lb.web": ("update",),
        "aws_db_instance.db": ("update",),
    }
    assert d.actions(db_identifier_suffix="pg") == {"aws_db_instance.db": ("delete", "create")}
    assert d.actions(rule_path="/app/*", rule_priority=20) == {
        "aws_lb_listener_rule.web": ("update",)
    }
    d.apply(
        health_path="/up/", idle_timeout=120, db_storage=30, rule_path="/app/*", rule_priority=20
    )
    rule = aws_endpoint.client("elbv2").describe_rules(
        RuleArns=[d.state("aws_lb_listener_rule.web")["arn"]]
    )
    assert rule["Rules"][0]["Priority"] == "20"
    condition = rule["Rules"][0]["Conditions"][0]
    assert condition.get("PathPatternConfig", condition).get("Values") == ["/app/*"]
    tg = aws_endpoint.client("elbv2").describe_target_groups(
        TargetGroupArns=[d.state("aws_lb_target_group.web")["arn"]]
    )
    assert tg["TargetGroups"][0]["HealthCheckPath"] == "/up/"
    db = aws_endpoint.client("rds").describe_db_instances(
        DBInstanceIdentifier=f"{d.vars['name']}-db"
    )
    assert db["DBInstances"][0]["AllocatedStorage"] == 30
    assert d.plan_exit() == 0


def test_task_definition_change_registers_a_new_revision(
    tfdir: Any, aws_endpoint: Endpoint
) -> None:
    d = deploy(tfdir)
    old_arn = d.state(TASKDEF)["arn"]
    planned = d.actions(image_tag="v2")
    assert planned == {TASKDEF: ("delete", "create"), SERVICE: ("update",)}, (
        "every argument forces a new revision"
    )
    d.apply(image_tag="v2")
    new_arn = d.state(TASKDEF)["arn"]
    assert old_arn.endswith(":1")
    assert new_arn.endswith(":2")
    assert service(aws_endpoint, d.vars["name"])["taskDefinition"] == new_arn
    ecs = aws_endpoint.client("ecs")
    assert (
        ecs.describe_task_definition(taskDefinition=old_arn)["taskDefinition"]["status"]
        == "INACTIVE"
    )
    assert d.plan_exit() == 0


def _deploy_out_of_band(endpoint: Endpoint, name: str, tag: str) -> str:
    """What the shared app-update script does: copy the latest revision with a new image."""
    ecs = endpoint.client("ecs")
    current = ecs.describe_task_definition(taskDefinition=f"{name}-web")["taskDefinition"]
    containers = current["containerDefinitions"]
    containers[0]["image"] = f"example/django:{tag}"
    keep = (
        "family",
        "networkMode",
        "requiresCompatibilities",
        "cpu",
        "memory",
        "executionRoleArn",
        "taskRoleArn",
    )
    arn: str = ecs.register_task_definition(
        containerDefinitions=containers, **{k: current[k] for k in keep}
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=f"{name}-cluster", service=f"{name}-web", taskDefinition=arn)
    return arn


def test_out_of_band_deploy_is_drift_and_plain_apply_rolls_it_back(
    tfdir: Any, aws_endpoint: Endpoint
) -> None:
    d = deploy(tfdir)
    ours = d.state(TASKDEF)["arn"]
    theirs = _deploy_out_of_band(aws_endpoint, d.vars["name"], "v9")
    assert d.plan_exit() == 2
    plan = d.plan()
    drift = {c["address"]: c["change"] for c in plan["resource_drift"]}
    assert drift[SERVICE]["before"]["task_definition"] == ours
    assert drift[SERVICE]["after"]["task_definition"] == theirs
    assert _actions(plan) == {SERVICE: ("update",)}, "the plan puts Terraform's revision back"
    d.apply()
    assert service(aws_endpoint, d.vars["name"])["taskDefinition"] == ours != theirs


def _actions(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    from harness.drivers import terraform_parse

    return terraform_parse.resource_actions(plan)


IGNORE = "  depends_on = [aws_lb_listener_rule.web]\n"
IGNORING = IGNORE + "  lifecycle {\n    ignore_changes = [task_definition, desired_count]\n  }\n"


def test_ignore_changes_keeps_the_out_of_band_revision(tfdir: Any, aws_endpoint: Endpoint) -> None:
    d = tfdir("fargate", name=unique())
    main = d.path / "main.tf"
    main.write_text(main.read_text().replace(IGNORE, IGNORING))
    d.init()
    d.apply()
    theirs = _deploy_out_of_band(aws_endpoint, d.vars["name"], "v9")
    assert d.actions() == {}, "ignore_changes: no resource change planned"
    # ...but an output referencing the ignored attribute still changes, so the exit code is 2
    # (Terraform's documented behaviour: hashicorp/terraform-provider-aws#632)
    assert d.plan_exit() == 2
    d.apply()  # only the output changes; the service keeps the out-of-band revision
    assert service(aws_endpoint, d.vars["name"])["taskDefinition"] == theirs
    assert d.plan_exit() == 0
    assert d.actions(grace_period=90) == {SERVICE: ("update",)}
    d.apply(grace_period=90)
    svc = service(aws_endpoint, d.vars["name"])
    assert svc["healthCheckGracePeriodSeconds"] == 90
    assert svc["taskDefinition"] == theirs, "UpdateService did not send the ignored task_definition"


def test_data_source_reads_the_running_revision(tfdir: Any, aws_endpoint: Endpoint) -> None:
    d = deploy(tfdir)
    extra = tfdir()
    extra.write(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        f'data "aws_ecs_task_definition" "web" {{\n  task_definition = "{d.vars["name"]}-web"\n}}\n'
        'output "revision" { value = data.aws_ecs_task_definition.web.revision }\n'
        'output "family" { value = data.aws_ecs_task_definition.web.family }\n'
    )
    extra.init()
    extra.apply()
    outputs = json.loads(extra.run("output", "-json").stdout)
    assert outputs["revision"]["value"] == 1
    assert outputs["family"]["value"] == f"{d.vars['name']}-web"


def test_wait_for_steady_state_succeeds_on_a_rolled_back_deployment(
    tfdir: Any, aws_endpoint: Endpoint, emulator: Emulator
) -> None:
    """hashicorp/aws waits with ``wait_for_steady_state`` until the service is stable, and a
    deployment the circuit breaker rolled back is stable too: "Terraform always reports a
    successful apply, even when the steady state was reached because the ECS Deployment got
    rolled back by a circuit breaker" (terraform-aws-modules/terraform-aws-ecs#325;
    hashicorp/terraform-provider-aws#20858, open). The service then runs the previous revision,
    which the next plan shows as a change to task_definition."""
    d = deploy(tfdir, wait_steady="true", circuit_breaker="true")
    name = d.vars["name"]
    first = service(aws_endpoint, name)["taskDefinition"]
    # the next revision's essential container exits (the test hook names family:revision)
    emulator.control("ecs/task-outcome", {"family": f"{name}-web:2", "exit_code": 1})
    try:
        d.apply(wait_steady="true", circuit_breaker="true", image_tag="v2")
    finally:
        emulator.control("ecs/reset", {})
    svc = service(aws_endpoint, name)
    assert svc["taskDefinition"] == first, "ECS rolled back to the last completed deployment"
    assert svc["runningCount"] == svc["desiredCount"]
    messages = [e["message"] for e in svc["events"]]
    assert any("deployment failed: tasks failed to start." in m for m in messages)
    assert d.state(SERVICE)["task_definition"] == first, "the provider read back the rollback"
    assert d.plan_exit(wait_steady="true", circuit_breaker="true", image_tag="v2") == 2
