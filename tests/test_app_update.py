"""The shared app-update script (``harness/app_update.py``) against an AWS endpoint.

A fixture lays out one environment the way the contract says both tools must (tagged VPC,
private subnets and app security group of a base, an ECR repository, cluster, four task
definition families, three Fargate services) with plain boto3, then removes it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import app_update, profiles
from harness.__main__ import main
from harness.app_side import ContractAppSide
from harness.app_update import Waits, copy_with_tag, running_version, running_versions
from harness.contract import (
    BACKEND_UPDATE,
    COMPONENTS,
    HARNESS_CONTRACT,
    SERVICES,
    BaseNames,
    Component,
    Contract,
    EnvNames,
    image_tag,
)
from harness.emulator import Emulator
from harness.endpoint import Endpoint, Target
from harness.errors import AppUpdateError
from harness.fidelity.faults import FaultPlan
from harness.records import Tool

pytestmark = pytest.mark.services("ecs", "ecr", "ec2", "sts")

SIDECAR_IMAGE = "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0"
PUSHED_TAGS = ("v1", "v2")


@dataclass
class Layout:
    """One environment laid out per the contract, and what it took to build it."""

    endpoint: Endpoint
    env: str
    base: str
    repository_uri: str = ""
    private_subnets: list[str] = field(default_factory=list)
    app_security_group: str = ""
    cleanup: list[Any] = field(default_factory=list)
    contract: Contract = HARNESS_CONTRACT

    @property
    def names(self) -> EnvNames:
        return EnvNames(self.env, self.base, self.contract)

    def ecs(self) -> Any:
        return self.endpoint.client("ecs")

    def service(self, component: str) -> Any:
        return self.ecs().describe_services(
            cluster=self.names.cluster, services=[self.names.service(component)]
        )["services"][0]

    def latest(self, component: str) -> Any:
        return self.ecs().describe_task_definition(
            taskDefinition=self.names.family(component), include=["TAGS"]
        )


def _tags(**tags: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _lay_out(layout: Layout) -> None:
    """Build the environment; every step registers its undo first-in, last-out."""
    endpoint, env, base = layout.endpoint, layout.env, layout.base
    ec2, ecs, ecr = endpoint.client("ec2"), endpoint.client("ecs"), endpoint.client("ecr")
    names, base_names = layout.names, BaseNames(base)
    repo = ecr.create_repository(repositoryName=base_names.ecr_repository)["repository"]
    layout.repository_uri = repo["repositoryUri"]
    layout.cleanup.append(
        lambda: ecr.delete_repository(repositoryName=base_names.ecr_repository, force=True)
    )
    for tag in PUSHED_TAGS:
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": f"sha256:{uuid.uuid4().hex * 2}"},
            "layers": [],
        }
        ecr.put_image(
            repositoryName=base_names.ecr_repository,
            imageManifest=json.dumps(manifest),
            imageTag=tag,
        )

    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=_tags(base=base, Name=base_names.vpc))
    layout.cleanup.append(lambda: ec2.delete_vpc(VpcId=vpc))
    for i, (az, tier) in enumerate([("a", "private"), ("b", "private"), ("a", "public")]):
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"us-east-1{az}"
        )["Subnet"]["SubnetId"]
        ec2.create_tags(Resources=[subnet], Tags=_tags(base=base, tier=tier))
        layout.cleanup.append(lambda s=subnet: ec2.delete_subnet(SubnetId=s))
        if tier == "private":
            layout.private_subnets.append(subnet)
    for role, name in (
        ("app", base_names.app_security_group),
        ("alb", base_names.alb_security_group),
    ):
        group = ec2.create_security_group(GroupName=name, Description=role, VpcId=vpc)["GroupId"]
        ec2.create_tags(Resources=[group], Tags=_tags(base=base, role=role))
        layout.cleanup.append(lambda g=group: ec2.delete_security_group(GroupId=g))
        if role == "app":
            layout.app_security_group = group

    env_tags = [{"key": "env", "value": env}, {"key": "base", "value": base}]
    ecs.create_cluster(clusterName=names.cluster, tags=env_tags)
    layout.cleanup.append(lambda: ecs.delete_cluster(cluster=names.cluster))
    network = {
        "awsvpcConfiguration": {
            "subnets": layout.private_subnets,
            "securityGroups": [layout.app_security_group],
            "assignPublicIp": "DISABLED",
        }
    }
    for component in COMPONENTS:
        arn = ecs.register_task_definition(**_task_definition(layout, component, env_tags))[
            "taskDefinition"
        ]["taskDefinitionArn"]
        layout.cleanup.append(lambda c=component: _deregister_family(ecs, names.family(c)))
        if component in SERVICES:
            ecs.create_service(
                cluster=names.cluster,
                serviceName=names.service(component),
                taskDefinition=arn,
                desiredCount=2 if component == "web" else 1,
                launchType="FARGATE",
                networkConfiguration=network,
                propagateTags="SERVICE",
                tags=env_tags,
            )
            layout.cleanup.append(
                lambda c=component: ecs.delete_service(
                    cluster=names.cluster, service=names.service(c), force=True
                )
            )


SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/db-credentials-AbCdEf"


def _task_definition(layout: Layout, component: str, tags: list[dict[str, str]]) -> dict[str, Any]:
    app = {
        "name": layout.names.container(component),
        "image": f"{layout.repository_uri}:v1",
        "essential": True,
        "command": ["/app/bin/" + component],
        "environment": [{"name": "DJANGO_SETTINGS_MODULE", "value": "app.settings"}],
        # Both forms the stacks use: a whole secret (Terraform) and a JSON key of one (CDK).
        "secrets": [
            {"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"},
            {"name": "POSTGRES_PASSWORD", "valueFrom": SECRET_ARN + ":password::"},
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": layout.names.log_group(component),
                "awslogs-region": "us-east-1",
            },
        },
    }
    containers = [app]
    if component == "web":
        app["portMappings"] = [{"containerPort": 8000, "protocol": "tcp"}]
        containers.append({"name": "log-router", "image": SIDECAR_IMAGE, "essential": False})
    return {
        "family": layout.names.family(component),
        "cpu": "512",
        "memory": "1024",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "taskRoleArn": "arn:aws:iam::123456789012:role/task",
        "containerDefinitions": containers,
        "tags": tags,
    }


def _deregister_family(ecs: Any, family: str) -> None:
    for arn in ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]:
        ecs.deregister_task_definition(taskDefinition=arn)


@pytest.fixture
def layout(aws_endpoint: Endpoint) -> Iterator[Layout]:
    if aws_endpoint.target is Target.AWS:
        pytest.skip("the layout's images and roles are fakes: no real task could start")
    suffix = uuid.uuid4().hex[:6]
    built = Layout(aws_endpoint, env=f"env{suffix}", base=f"base{suffix}")
    try:
        _lay_out(built)
        yield built
    finally:
        for undo in reversed(built.cleanup):
            undo()


@pytest.fixture
def fast(aws_endpoint: Endpoint) -> Waits:
    if aws_endpoint.target is Target.EMBEDDED:
        return Waits(delay_s=0.1, task_timeout_s=20.0, services_timeout_s=20.0)
    return Waits.for_endpoint(aws_endpoint)


@pytest.fixture
def reset_hooks(emulator: Emulator) -> Iterator[Emulator]:
    try:
        yield emulator
    finally:
        emulator.control("ecs/reset", {})


def _readonly_stripped(described: Any) -> dict[str, Any]:
    definition = dict(described["taskDefinition"])
    for key in ("taskDefinitionArn", "revision", "registeredAt", "requiresAttributes"):
        definition.pop(key, None)
    return definition


OTHER_STACK = Contract(
    cluster="{env}-cluster",
    log_group="/ecs/{env}/{component}",
    image_repository="",
    components={
        "web": Component("{env}-gunicorn", "{env}-gunicorn", "gunicorn"),
        "worker": Component("{env}-default", "{env}-default", "default"),
        "beat": Component("{env}-beat", "{env}-beat", "beat"),
        "backend-update": Component("", "{env}-backend_update", "backend_update"),
    },
)
"""Another stack's names (briancaffey/terraform-aws-django's, as its profile gives them)."""


@pytest.fixture
def other_layout(aws_endpoint: Endpoint) -> Iterator[Layout]:
    if aws_endpoint.target is Target.AWS:
        pytest.skip("the layout's images and roles are fakes: no real task could start")
    suffix = uuid.uuid4().hex[:6]
    built = Layout(aws_endpoint, env=f"env{suffix}", base=f"base{suffix}", contract=OTHER_STACK)
    try:
        _lay_out(built)
        yield built
    finally:
        for undo in reversed(built.cleanup):
            undo()


def test_the_app_side_finds_another_stack_by_its_profile_s_contract(
    other_layout: Layout, fast: Waits
) -> None:
    env, base = other_layout.env, other_layout.base
    with pytest.raises(AppUpdateError, match=f"no service {env}-web "):
        ContractAppSide(other_layout.endpoint).running_versions(env)  # our names: not there
    app = ContractAppSide(other_layout.endpoint, OTHER_STACK)
    assert app.running_versions(env) == dict.fromkeys(SERVICES, "v1")
    result = app_update.update(other_layout.endpoint, env, base, "v2", waits=fast,
                               contract=OTHER_STACK)  # fmt: skip
    assert set(result.revisions) == set(COMPONENTS)
    assert app.running_versions(env) == dict.fromkeys(SERVICES, "v2")
    run = other_layout.ecs().describe_tasks(cluster=f"{env}-cluster", tasks=[result.task_arn])
    assert run["tasks"][0]["taskDefinitionArn"] == result.revisions["backend-update"]
    assert app.deregister_revisions(env) == 2 * len(COMPONENTS)


# the update ---------------------------------------------------------------------------------
def test_the_app_side_reads_and_updates_every_service(layout: Layout) -> None:
    app = ContractAppSide(layout.endpoint)
    assert app.running_versions(layout.env) == dict.fromkeys(SERVICES, "v1")
    app.update(layout.env, layout.base, "v2")
    assert app.running_versions(layout.env) == dict.fromkeys(SERVICES, "v2")
    # A service pointed back at v1 outside the script shows up as a mixed fleet.
    ecs, names = layout.ecs(), layout.names
    first = ecs.list_task_definitions(familyPrefix=names.family("worker"))["taskDefinitionArns"][0]
    ecs.update_service(cluster=names.cluster, service=names.service("worker"), taskDefinition=first)
    assert app.running_versions(layout.env) == {"web": "v2", "worker": "v1", "beat": "v2"}


def test_update_deploys_the_new_version_to_every_component(layout: Layout, fast: Waits) -> None:
    before = {c: layout.latest(c) for c in COMPONENTS}

    result = app_update.update(layout.endpoint, layout.env, layout.base, "v2", waits=fast)

    assert (result.old_version, result.new_version) == ("v1", "v2")
    assert set(result.revisions) == set(COMPONENTS)
    for component in COMPONENTS:
        after = layout.latest(component)
        assert after["taskDefinition"]["taskDefinitionArn"] == result.revisions[component]
        assert after["taskDefinition"]["revision"] == 2
        expected = _readonly_stripped(before[component])
        app = next(c for c in expected["containerDefinitions"] if c["name"] == component)
        app["image"] = f"{layout.repository_uri}:v2"
        assert _readonly_stripped(after) == expected, component
        assert after["tags"] == before[component]["tags"]
        # The secrets references survive the copy (the value is never in the definition).
        copied = next(
            c for c in after["taskDefinition"]["containerDefinitions"] if c["name"] == component
        )
        secrets = {s["name"]: s["valueFrom"] for s in copied["secrets"]}
        assert secrets["POSTGRES_PASSWORD"] == SECRET_ARN + ":password::"
    for component in SERVICES:
        service = layout.service(component)
        assert service["taskDefinition"] == result.revisions[component]
        (deployment,) = service["deployments"]
        assert deployment["taskDefinition"] == result.revisions[component]
        assert service["runningCount"] == service["desiredCount"]
    assert running_version(layout.endpoint, layout.env) == "v2"
    assert set(result.timings) == {
        "preflight_s",
        "register_s",
        "backend_update_s",
        "services_s",
        "total_s",
    }


@pytest.fixture
def faulted_key(emulator: Emulator) -> Iterator[str]:
    """An access key of its own: the fault plan applies to its calls only."""
    try:
        yield f"faulted-{uuid.uuid4().hex[:6]}"
    finally:
        emulator.set_faults(None)


@pytest.mark.embedded_only
def test_update_survives_throttling_server_errors_and_dropped_connections(
    layout: Layout, fast: Waits, emulator: Emulator, faulted_key: str
) -> None:
    """The script retries what botocore's standard mode retries (``app_update.RETRIES``)."""
    # Seed 33 meets each kind within the calls every update makes (before any waiter poll,
    # whose number depends on timing): ECS 5xx and throttles, an STS drop, an ECR 5xx.
    plan = FaultPlan.parse("throttle:0.15,5xx:0.1,drop:0.05", seed=33)
    emulator.set_faults(replace(plan, callers=(faulted_key,)))
    endpoint = layout.endpoint.with_access_key(faulted_key)

    result = app_update.update(endpoint, layout.env, layout.base, "v2", waits=fast)

    seen = emulator.faults(faulted_key)
    emulator.set_faults(None)
    kinds = {kind for by_kind in seen["injected"].values() for kind in by_kind}
    assert kinds == {"throttle", "5xx", "drop"}
    # every fault was retried once and the retry went through: no call ran out of attempts
    assert seen["retries"] == seen["injected"]
    assert running_versions(layout.endpoint, layout.env) == dict.fromkeys(SERVICES, "v2")
    for component in COMPONENTS:  # faults come before any change: no revision registered twice
        assert layout.latest(component)["taskDefinition"]["revision"] == 2
        assert result.revisions[component].endswith(":2")


def test_the_script_retries_in_botocore_s_standard_mode(layout: Layout) -> None:
    client = app_update._client(layout.endpoint, "ecs")
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 8}


def test_backend_update_task_ran_once_with_the_new_revision(layout: Layout, fast: Waits) -> None:
    result = app_update.update(layout.endpoint, layout.env, layout.base, "v2", waits=fast)

    ecs = layout.ecs()
    task = ecs.describe_tasks(cluster=layout.names.cluster, tasks=[result.task_arn])["tasks"][0]
    assert task["taskDefinitionArn"] == result.revisions[BACKEND_UPDATE]
    assert task["launchType"] == "FARGATE"
    assert task["lastStatus"] == "STOPPED"
    assert task["containers"][0]["exitCode"] == result.task_exit_code == 0
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    assert details["subnetId"] in layout.private_subnets
    started = ecs.list_tasks(
        cluster=layout.names.cluster, startedBy=app_update.STARTED_BY, desiredStatus="STOPPED"
    )
    assert started["taskArns"] == [result.task_arn]


def test_cli_runs_the_update(layout: Layout, capsys: pytest.CaptureFixture[str]) -> None:
    if layout.endpoint.url is None:
        pytest.skip("the CLI test passes --endpoint")
    argv = ["app-update", "--env", layout.env, "--base", layout.base, "--version", "v2"]
    code = main([*argv, "--endpoint", layout.endpoint.url, "--region", layout.endpoint.region])
    assert code == 0
    assert f"{layout.env}: v1 -> v2" in capsys.readouterr().out
    assert running_version(layout.endpoint, layout.env) == "v2"


def test_cli_runs_the_update_on_another_stack_s_names(
    other_layout: Layout, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--stack FILE``: the names come from the profile's [contract] (its components here are
    OTHER_STACK's; the rest is our Terraform profile)."""
    if other_layout.endpoint.url is None:
        pytest.skip("the CLI test passes --endpoint")
    text = profiles.BUILTIN[Tool.TERRAFORM].read_text()
    components = text.index("[contract.components]")
    text = text[:components] + (
        "[contract.components]\n"
        'web = { service = "{env}-gunicorn", family = "{env}-gunicorn", container = "gunicorn" }\n'
        'worker = { service = "{env}-default", family = "{env}-default", container = "default" }\n'
        'beat = { service = "{env}-beat", family = "{env}-beat", container = "beat" }\n'
        'backend-update = { family = "{env}-backend_update", container = "backend_update" }\n'
    )
    stack = tmp_path / "other.toml"
    stack.write_text(text)
    env, url = other_layout.env, other_layout.endpoint.url
    argv = ["app-update", "--env", env, "--base", other_layout.base, "--version", "v2"]
    assert main([*argv, "--endpoint", url, "--stack", str(stack)]) == 0
    assert f"{env}: v1 -> v2" in capsys.readouterr().out
    assert running_version(other_layout.endpoint, env, OTHER_STACK) == "v2"


def test_cli_fails_with_one_clear_line(layout: Layout, capsys: pytest.CaptureFixture[str]) -> None:
    if layout.endpoint.url is None:
        pytest.skip("the CLI test passes --endpoint")
    argv = ["app-update", "--env", "nosuchenv", "--base", layout.base, "--version", "v2"]
    code = main([*argv, "--endpoint", layout.endpoint.url])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert (
        err[-1]
        == "app-update failed: unknown environment 'nosuchenv': no ECS cluster nosuchenv-cluster"
    )


# refusals: nothing changes ------------------------------------------------------------------
def _assert_untouched(layout: Layout) -> None:
    for component in COMPONENTS:
        assert layout.latest(component)["taskDefinition"]["revision"] == 1, component
    for component in SERVICES:
        assert layout.service(component)["taskDefinition"].endswith(":1"), component
    assert running_version(layout.endpoint, layout.env) == "v1"


def test_unknown_env_is_refused(layout: Layout, fast: Waits) -> None:
    with pytest.raises(
        AppUpdateError, match="unknown environment 'ghost': no ECS cluster ghost-cluster"
    ):
        app_update.update(layout.endpoint, "ghost", layout.base, "v2", waits=fast)


def test_missing_service_is_refused(layout: Layout, fast: Waits) -> None:
    layout.ecs().delete_service(
        cluster=layout.names.cluster, service=layout.names.service("beat"), force=True
    )
    with pytest.raises(
        AppUpdateError, match=f"no service {layout.env}-beat in {layout.env}-cluster"
    ):
        app_update.update(layout.endpoint, layout.env, layout.base, "v2", waits=fast)
    for component in COMPONENTS:
        assert layout.latest(component)["taskDefinition"]["revision"] == 1


def test_missing_task_definition_family_is_refused(layout: Layout, fast: Waits) -> None:
    _deregister_family(layout.ecs(), layout.names.family(BACKEND_UPDATE))
    with pytest.raises(
        AppUpdateError, match=f"no ACTIVE task definition in family {layout.env}-backend-update"
    ):
        app_update.update(layout.endpoint, layout.env, layout.base, "v2", waits=fast)
    for component in SERVICES:
        assert layout.latest(component)["taskDefinition"]["revision"] == 1


def test_base_without_private_subnets_is_refused(layout: Layout, fast: Waits) -> None:
    with pytest.raises(AppUpdateError, match="base 'elsewhere' has no private subnets"):
        app_update.update(layout.endpoint, layout.env, "elsewhere", "v2", waits=fast)
    _assert_untouched(layout)


def test_image_tag_missing_from_ecr_is_refused(layout: Layout, fast: Waits) -> None:
    with pytest.raises(AppUpdateError, match=r"image .*:v9 is not in ECR .*push it first"):
        app_update.update(layout.endpoint, layout.env, layout.base, "v9", waits=fast)
    _assert_untouched(layout)


# a failing backend-update leaves the services alone ---------------------------------------
def test_failing_backend_update_leaves_services_on_the_old_version(
    layout: Layout, fast: Waits, reset_hooks: Emulator
) -> None:
    family = layout.names.family(BACKEND_UPDATE)
    reset_hooks.control("ecs/task-outcome", {"family": family, "exit_code": 1})

    with pytest.raises(AppUpdateError, match=rf"{family} task arn:\S+ failed: exit code 1"):
        app_update.update(layout.endpoint, layout.env, layout.base, "v2", waits=fast)

    _assert_untouched(layout)  # the failed revisions were withdrawn, services never touched


def test_backend_update_that_never_stops_times_out(layout: Layout, reset_hooks: Emulator) -> None:
    family = layout.names.family(BACKEND_UPDATE)
    reset_hooks.control("ecs/task-outcome", {"family": family, "never_stops": True})
    waits = Waits(delay_s=0.1, task_timeout_s=0.5, services_timeout_s=5.0)

    with pytest.raises(AppUpdateError, match=r"did not stop within 0.5s \(last status RUNNING\)"):
        app_update.update(layout.endpoint, layout.env, layout.base, "v2", waits=waits)

    _assert_untouched(layout)
    tasks = layout.ecs().list_tasks(cluster=layout.names.cluster, desiredStatus="STOPPED")
    assert len(tasks["taskArns"]) == 1  # the hung task was stopped, not left running


def test_post_deploy_backend_update_runs_the_latest_revision(layout: Layout, fast: Waits) -> None:
    run = app_update.run_backend_update(layout.endpoint, layout.env, layout.base, waits=fast)
    task = layout.ecs().describe_tasks(cluster=layout.names.cluster, tasks=[run.task_arn])["tasks"][
        0
    ]
    assert task["taskDefinitionArn"].endswith(f"{layout.names.family(BACKEND_UPDATE)}:1")
    assert run.exit_code == 0


# pure -----------------------------------------------------------------------------------------
def test_an_aws_error_no_check_foresaw_still_names_the_call() -> None:
    refusal = {"Error": {"Code": "InvalidParameterException", "Message": "no subnets"}}
    with (
        pytest.raises(
            AppUpdateError, match=r"^alpha: RunTask failed: InvalidParameterException: no subnets$"
        ),
        app_update._aws_refusals("alpha"),
    ):
        raise ClientError(refusal, "RunTask")  # type: ignore[arg-type]


def test_cli_endpoint_comes_from_the_flag_then_the_environment() -> None:
    from argparse import Namespace

    from harness.cli.app_update import endpoint_from

    flags = Namespace(endpoint="http://localhost:1234/", region=None)
    assert endpoint_from(flags, {}).url == "http://localhost:1234"
    assert endpoint_from(flags, {}).credentials == {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    environ = {"AWS_ENDPOINT_URL": "http://localhost:9", "AWS_REGION": "eu-west-1"}
    from_env = endpoint_from(Namespace(endpoint=None, region=None), environ)
    assert (from_env.url, from_env.region) == ("http://localhost:9", "eu-west-1")
    real = endpoint_from(
        Namespace(endpoint=None, region="eu-central-1"), {"AWS_ACCESS_KEY_ID": "AKIA"}
    )
    assert (real.target, real.url, real.region) == (Target.AWS, None, "eu-central-1")
    assert real.credentials == {"AWS_ACCESS_KEY_ID": "AKIA"}


def test_waits_are_bounded_and_fast_on_the_emulator() -> None:
    embedded = Waits.for_endpoint(Endpoint(Target.EMBEDDED, "http://localhost:1"))
    assert embedded.delay_s <= 1
    config = embedded.waiter_config(embedded.task_timeout_s)
    assert config["Delay"] * config["MaxAttempts"] >= embedded.task_timeout_s
    assert config["MaxAttempts"] < 10_000
    real = Waits.for_endpoint(Endpoint(Target.AWS, None))
    assert real.delay_s >= 5


def test_copy_with_tag_retags_only_the_app_container() -> None:
    described = {
        "taskDefinition": {
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/a-web:3",
            "family": "a-web",
            "revision": 3,
            "status": "ACTIVE",
            "compatibilities": ["EC2", "FARGATE"],
            "requiresAttributes": [{"name": "ecs.capability.task-eni"}],
            "registeredAt": "2026-01-01T00:00:00Z",
            "registeredBy": "arn:aws:iam::1:root",
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                {"name": "web", "image": "1.dkr.ecr.us-east-1.amazonaws.com/b-backend:v1"},
                {"name": "sidecar", "image": "sidecar:v1"},
            ],
        },
        "tags": [{"key": "env", "value": "a"}],
    }
    spec = copy_with_tag(described, "web", "v7")
    assert spec == {
        "family": "a-web",
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [
            {"name": "web", "image": "1.dkr.ecr.us-east-1.amazonaws.com/b-backend:v7"},
            {"name": "sidecar", "image": "sidecar:v1"},
        ],
        "tags": [{"key": "env", "value": "a"}],
    }
    assert image_tag(described["taskDefinition"]["containerDefinitions"][0]["image"]) == "v1"


def test_copy_with_tag_needs_the_contract_container() -> None:
    described = {
        "taskDefinition": {
            "family": "a-web",
            "containerDefinitions": [{"name": "app", "image": "x:v1"}],
        }
    }
    with pytest.raises(AppUpdateError, match="a-web has no container named 'web'"):
        copy_with_tag(described, "web", "v2")


def test_deregister_revisions_removes_every_active_revision_of_the_env(
    layout: Layout, fast: Waits
) -> None:
    app_update.update(layout.endpoint, layout.env, layout.base, "v2", waits=fast)
    ecs = layout.ecs()
    # 4 families x (v1 revision + v2 revision)
    assert app_update.deregister_revisions(layout.endpoint, layout.env) == 2 * len(COMPONENTS)
    for component in COMPONENTS:
        family = layout.names.family(component)
        active = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")
        assert active["taskDefinitionArns"] == []
    assert app_update.deregister_revisions(layout.endpoint, layout.env) == 0
