"""The CDK app synthesized in-process (no CLI, no AWS): what its templates say.

Each test reads the templates through ``aws_cdk.assertions.Template`` and checks one promise
of the app: the naming and tagging contract, the inputs from context used verbatim, no
Lambda-backed custom resource, a base template that no app environment changes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from harness import cdk_cli
from harness.paths import CDK_DIR

COMMANDS = json.loads((CDK_DIR.parent / "app" / "commands.json").read_text())["commands"]
REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-backend"
ACCOUNT = "123456789012"

pytest.importorskip("aws_cdk", reason="aws-cdk-lib is not installed (dependency group cdk)")

from aws_cdk import App  # noqa: E402
from aws_cdk.assertions import Match, Template  # noqa: E402

Synth = Callable[..., dict[str, Template]]


@pytest.fixture(scope="module")
def cdk_app() -> ModuleType:
    """``cdk/app.py`` loaded as a module (the Django app owns the name ``app``)."""
    if cdk_cli.installed():  # jsii runs on the pinned Node, as it does under the CLI
        os.environ.setdefault("JSII_NODE", str(cdk_cli.locate().node))
    sys.path.insert(0, str(CDK_DIR))
    spec = importlib.util.spec_from_file_location("cdk_app", CDK_DIR / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synth(cdk_app: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Synth:
    defaults = json.loads((CDK_DIR / "cdk.json").read_text())["context"]

    def run(**context: Any) -> dict[str, Template]:
        app = App(context={**defaults, **context}, outdir=str(tmp_path_factory.mktemp("cdk.out")))
        base, env = cdk_app.build(app)
        stacks = {"base": Template.from_stack(base)}
        if env is not None:
            stacks["app"] = Template.from_stack(env)
        return stacks

    return run


APP_CONTEXT = {"env": "alpha", "image_repository": REPO, "image_tag": "v1"}


@pytest.fixture(scope="module")
def templates(synth: Synth) -> dict[str, Template]:
    return synth(**APP_CONTEXT)


def resources(template: Template, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = template.find_resources(kind)
    return found


def props(template: Template, kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources(template, kind).values()]


def tags(properties: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in properties.get("Tags", [])}


# -- base ------------------------------------------------------------------------------------
def test_base_follows_the_contract(templates: dict[str, Template]) -> None:
    base = templates["base"]
    assert [tags(p)["Name"] for p in props(base, "AWS::EC2::VPC")] == ["dev-vpc"]
    tiers = sorted(tags(p)["tier"] for p in props(base, "AWS::EC2::Subnet"))
    assert tiers == ["private", "private", "public", "public"]
    groups = {p["GroupName"]: tags(p) for p in props(base, "AWS::EC2::SecurityGroup")}
    assert groups["dev-app-sg"]["role"] == "app"
    assert groups["dev-alb-sg"]["role"] == "alb"
    base.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {"Name": "dev-alb", "Scheme": "internet-facing"},
    )
    base.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {"Port": 80, "DefaultActions": [Match.object_like({"Type": "fixed-response"})]},
    )
    base.has_resource_properties("AWS::S3::Bucket", {"BucketName": f"dev-assets-{ACCOUNT}"})
    base.has_resource(
        "AWS::RDS::DBInstance",
        {
            "Properties": Match.object_like(
                {"DBInstanceIdentifier": "dev-db", "Engine": "postgres"}
            ),
            "DeletionPolicy": "Delete",
        },
    )
    base.has_resource_properties("AWS::RDS::DBSubnetGroup", {"DBSubnetGroupName": "dev-db"})
    for kind in ("AWS::EC2::VPC", "AWS::S3::Bucket", "AWS::RDS::DBInstance"):
        for properties in props(base, kind):
            assert {"base": "dev", "managed-by": "cdk"}.items() <= tags(properties).items()


def test_the_database_password_is_generated_in_secrets_manager_never_written(
    templates: dict[str, Template],
) -> None:
    """Generated credentials (``rds.Credentials.from_generated_secret``): an
    AWS::SecretsManager::Secret whose GenerateSecretString makes the password at deploy time
    (JSON ``{"username": ..., "password": ...}``), resolved for RDS with a
    ``{{resolve:secretsmanager:ARN:SecretString:password::}}`` dynamic reference
    (CloudFormation User Guide, "Get values stored in other services using dynamic
    references"); tagged like everything else in the base."""
    base = templates["base"].to_json()["Resources"]
    (secret_id,) = [k for k, r in base.items() if r["Type"] == "AWS::SecretsManager::Secret"]
    secret = base[secret_id]["Properties"]
    assert secret["Name"] == "dev/db-credentials"
    assert "SecretString" not in secret
    generate = secret["GenerateSecretString"]
    assert json.loads(generate["SecretStringTemplate"]) == {"username": "django"}
    assert generate["GenerateStringKey"] == "password"
    assert {"base": "dev", "managed-by": "cdk"}.items() <= tags(secret).items()
    (db,) = props(templates["base"], "AWS::RDS::DBInstance")
    assert db["MasterUserPassword"] == {
        "Fn::Join": [
            "",
            ["{{resolve:secretsmanager:", {"Ref": secret_id}, ":SecretString:password::}}"],
        ]
    }


def test_containers_get_the_password_from_the_secret_not_their_environment(
    templates: dict[str, Template],
) -> None:
    """ECS ``secrets``: ``valueFrom`` is the secret's ARN with a JSON key,
    ``ARN:json-key:version-stage:version-id`` ("Pass Secrets Manager secrets through Amazon ECS
    environment variables", Amazon ECS Developer Guide), and the task execution role needs
    ``secretsmanager:GetSecretValue`` on it ("Required IAM permissions for Amazon ECS
    secrets")."""
    app = templates["app"]
    for task in props(app, "AWS::ECS::TaskDefinition"):
        (container,) = task["ContainerDefinitions"]
        assert "POSTGRES_PASSWORD" not in {e["Name"] for e in container["Environment"]}
        (secret,) = container["Secrets"]
        assert secret["Name"] == "POSTGRES_PASSWORD"
        joined = secret["ValueFrom"]["Fn::Join"][1]
        assert "Fn::ImportValue" in joined[0]
        assert joined[1] == ":password::"
    statements = [
        s
        for p in props(app, "AWS::IAM::Policy")
        if "ExecutionRole" in json.dumps(p["Roles"])
        for s in p["PolicyDocument"]["Statement"]
    ]
    reads = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
    assert len(reads) == 1
    assert "Fn::ImportValue" in reads[0]["Resource"]


def test_base_template_does_not_depend_on_the_app_environments(synth: Synth) -> None:
    alone = synth()["base"].to_json()
    with_app = synth(**APP_CONTEXT)["base"].to_json()
    with_other = synth(env="beta", image_repository=REPO, image_tag="v9")["base"].to_json()
    assert alone == with_app == with_other
    exports = [o for o in alone["Outputs"].values() if "Export" in o]
    assert len(exports) == 12  # the secret's ARN among them


def test_the_security_group_rule_is_the_base_s_own_resource(
    synth: Synth, templates: dict[str, Template]
) -> None:
    """A base-layer change: one AWS::EC2::SecurityGroupIngress more in the base; its group, its
    exports and the app stack's template stay as they were."""
    after = synth(**APP_CONTEXT, app_ingress_cidr="100.64.1.2/32")
    before_base, after_base = templates["base"].to_json(), after["base"].to_json()
    added = sorted(set(after_base["Resources"]) - set(before_base["Resources"]))
    assert [after_base["Resources"][k]["Type"] for k in added] == ["AWS::EC2::SecurityGroupIngress"]
    rule = after_base["Resources"][added[0]]["Properties"]
    assert (rule["CidrIp"], rule["FromPort"], rule["ToPort"]) == ("100.64.1.2/32", 8000, 8000)
    kept = {k: v for k, v in after_base["Resources"].items() if k not in added}
    assert kept == before_base["Resources"]
    assert after_base["Outputs"] == before_base["Outputs"]
    assert after["app"].to_json() == templates["app"].to_json()


def test_no_lambda_backed_custom_resources(templates: dict[str, Template]) -> None:
    for template in templates.values():
        types = {r["Type"] for r in template.to_json()["Resources"].values()}
        assert not {t for t in types if t.startswith("Custom::") or t.startswith("AWS::Lambda")}
        assert "AWS::CloudFormation::CustomResource" not in types


# -- app -------------------------------------------------------------------------------------
def test_app_follows_the_contract(templates: dict[str, Template]) -> None:
    app = templates["app"]
    app.has_resource_properties("AWS::ECS::Cluster", {"ClusterName": "alpha-cluster"})
    families = {p["Family"]: p for p in props(app, "AWS::ECS::TaskDefinition")}
    assert sorted(families) == ["alpha-backend-update", "alpha-beat", "alpha-web", "alpha-worker"]
    for family, task in families.items():
        component = family.removeprefix("alpha-")
        (container,) = task["ContainerDefinitions"]
        assert container["Name"] == component
        assert container["Image"] == f"{REPO}:v1"
        assert container["Command"] == COMMANDS[component]
        assert task["RequiresCompatibilities"] == ["FARGATE"]
        assert tags(task) == {"env": "alpha", "base": "dev", "managed-by": "cdk"}
    services = {p["ServiceName"]: p for p in props(app, "AWS::ECS::Service")}
    assert sorted(services) == ["alpha-beat", "alpha-web", "alpha-worker"]
    assert all(s["LaunchType"] == "FARGATE" for s in services.values())
    groups = sorted(p["LogGroupName"] for p in props(app, "AWS::Logs::LogGroup"))
    assert groups == [f"/ecs/alpha/{c}" for c in ("backend-update", "beat", "web", "worker")]
    app.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {"Name": "alpha-web-tg", "TargetType": "ip", "Port": 8000},
    )


def test_app_takes_the_base_through_imports(templates: dict[str, Template]) -> None:
    (web,) = [
        p for p in props(templates["app"], "AWS::ECS::Service") if p["ServiceName"] == "alpha-web"
    ]
    network = web["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    for value in (*network["Subnets"], *network["SecurityGroups"]):
        assert value["Fn::ImportValue"].startswith("dev-base:")
    (rule,) = props(templates["app"], "AWS::ElasticLoadBalancingV2::ListenerRule")
    assert rule["ListenerArn"]["Fn::ImportValue"].startswith("dev-base:")
    # Attaching the web service adds no rule to the base's (imported) security groups.
    assert resources(templates["app"], "AWS::EC2::SecurityGroupIngress") == {}


def test_knobs_from_context(synth: Synth) -> None:
    app = synth(
        **APP_CONTEXT,
        log_retention_days="14",
        web_health_check_grace_s="120",
        web_environment='{"DJANGO_LOG_LEVEL": "DEBUG", "EXTRA": "1"}',
    )["app"]
    assert {p["RetentionInDays"] for p in props(app, "AWS::Logs::LogGroup")} == {14}
    graces = {
        p["ServiceName"]: p.get("HealthCheckGracePeriodSeconds")
        for p in props(app, "AWS::ECS::Service")
    }
    assert graces == {"alpha-web": 120, "alpha-worker": None, "alpha-beat": None}
    for task in props(app, "AWS::ECS::TaskDefinition"):
        env = {e["Name"]: e["Value"] for e in task["ContainerDefinitions"][0]["Environment"]}
        assert env["DJANGO_LOG_LEVEL"] == "DEBUG"
        assert env["EXTRA"] == "1"
        assert "POSTGRES_HOST" in env
        names = [e["Name"] for e in task["ContainerDefinitions"][0]["Environment"]]
        assert names == sorted(names)


def test_a_task_definition_change_touches_only_task_definitions(synth: Synth) -> None:
    before = synth(**APP_CONTEXT)["app"].to_json()["Resources"]
    after = synth(**APP_CONTEXT, web_environment='{"DJANGO_LOG_LEVEL": "DEBUG"}')["app"].to_json()[
        "Resources"
    ]
    changed = {k for k in before if before[k] != after.get(k)}
    assert {before[k]["Type"] for k in changed} == {"AWS::ECS::TaskDefinition"}
    assert len(changed) == 4


def test_image_tag_is_used_verbatim_whatever_the_strategy(synth: Synth) -> None:
    pinned = synth(**{**APP_CONTEXT, "image_tag": "v2"}, strategy="pinned")["app"].to_json()
    unpinned = synth(**{**APP_CONTEXT, "image_tag": "v2"}, strategy="unpinned")["app"].to_json()
    assert pinned["Resources"] == unpinned["Resources"]
    images = {
        t["Properties"]["ContainerDefinitions"][0]["Image"]
        for t in pinned["Resources"].values()
        if t["Type"] == "AWS::ECS::TaskDefinition"
    }
    assert images == {f"{REPO}:v2"}


def test_unpinned_default_tag_comes_from_cdk_json(synth: Synth) -> None:
    app = synth(env="alpha", image_repository=REPO)["app"]
    default = json.loads((CDK_DIR / "cdk.json").read_text())["context"]["image_tag"]
    for task in props(app, "AWS::ECS::TaskDefinition"):
        assert task["ContainerDefinitions"][0]["Image"] == f"{REPO}:{default}"


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"log_retention_days": "8"}, "log_retention_days=8"),
        ({"strategy": "latest"}, "strategy='latest'"),
        ({"env": "Alpha_1"}, "context env="),
        ({"web_environment": "[1]"}, "JSON object"),
    ],
)
def test_bad_inputs_are_refused_with_the_reason(
    synth: Synth, context: dict[str, str], message: str
) -> None:
    with pytest.raises(Exception, match=message):
        synth(**{**APP_CONTEXT, **context})
