"""``--target aws`` end to end, against ``python -m harness emulator`` used as if it were an account.

The harness is given nothing but what a sandbox user has: credentials and, here, the SDK's own
``AWS_ENDPOINT_URL`` (the target itself knows no URL, as on AWS). It must refuse the wrong
account, missing credentials and an endpoint that does not answer, one clear error each; tag
all it deploys with the run id; destroy only what carries that tag; count no calls.
"""

from __future__ import annotations

import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness import app_update, cdk_cli, images, process, sweep
from harness.app_side import ContractAppSide
from harness.drivers import terraform
from harness.drivers.base import AppSettings, StackDriver
from harness.drivers.cdk import CdkDriver
from harness.endpoint import DUMMY_ACCOUNT_ID, RUN_TAG, Endpoint, Target
from harness.errors import TargetError
from harness.external_targets import aws_sandbox
from harness.localstack_runtime import free_port
from harness.paths import REPO_ROOT
from harness.records import Strategy

ROOT = REPO_ROOT
SERVING = re.compile(r"serving at (http://\S+)")


@pytest.fixture(scope="module")
def account_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL ``python -m harness emulator`` prints, while it runs; stopped afterwards."""
    log = tmp_path_factory.mktemp("account") / "emulator.log"
    env = process.child_env({"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    proc = process.spawn([sys.executable, "-m", "harness", "emulator"], env=env, log_path=log)
    try:
        deadline = time.monotonic() + 60
        while not (found := SERVING.search(log.read_text() if log.exists() else "")):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the emulator printed no URL"
            time.sleep(0.1)
        yield found.group(1)
    finally:
        process.stop(proc)


def as_account(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, *, credentials: bool = True
) -> None:
    """This process's environment as a sandbox user's: no profile files, the SDK's endpoint."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookup
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    if credentials:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASANDBOXUSER00001")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "sandbox-secret")


def test_the_account_id_guard_refuses_another_account(
    account_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    as_account(monkeypatch, tmp_path, account_url)
    with pytest.raises(
        TargetError, match=f"does not match the credentials' account {DUMMY_ACCOUNT_ID}"
    ):
        aws_sandbox("111111111111")
    endpoint = aws_sandbox(DUMMY_ACCOUNT_ID, run_id="r-1")
    assert (endpoint.target, endpoint.url) == (Target.AWS, None)
    assert endpoint.tags == {RUN_TAG: "r-1"}
    assert endpoint.client("sts").get_caller_identity()["Account"] == DUMMY_ACCOUNT_ID


def test_missing_credentials_are_one_clear_error(
    account_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    as_account(monkeypatch, tmp_path, account_url, credentials=False)
    with pytest.raises(TargetError, match="no AWS credentials") as info:
        aws_sandbox(DUMMY_ACCOUNT_ID)
    assert "AWS_PROFILE" in str(info.value)


def test_an_endpoint_that_does_not_answer_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    as_account(monkeypatch, tmp_path, f"http://localhost:{free_port()}")
    began = time.perf_counter()
    with pytest.raises(TargetError, match="the AWS endpoint does not answer"):
        aws_sandbox(DUMMY_ACCOUNT_ID)
    assert time.perf_counter() - began < 30, "fails in seconds, not after the SDK's retries"


def test_without_an_account_id_nothing_is_asked() -> None:
    with pytest.raises(TargetError, match="--aws-account-id"):
        aws_sandbox(None)


def tags_of_task_definition(endpoint: Endpoint, arn: str) -> dict[str, str]:
    found = endpoint.client("ecs").describe_task_definition(taskDefinition=arn, include=["TAGS"])
    return {t["key"]: t["value"] for t in found.get("tags") or []}


def terraform_driver(endpoint: Endpoint, workdir: Path) -> StackDriver:
    return terraform.TerraformDriver(endpoint, workdir)


def cdk_driver(endpoint: Endpoint, workdir: Path) -> StackDriver:
    if not cdk_cli.installed():
        pytest.skip("the pinned CDK CLI is not installed (npm ci --prefix cdk)")
    return CdkDriver(workdir, endpoint)


@pytest.mark.slow
@pytest.mark.parametrize(
    "make_driver",
    [
        pytest.param(terraform_driver, id="terraform", marks=pytest.mark.terraform),
        pytest.param(cdk_driver, id="cdk", marks=pytest.mark.cdk),
    ],
)
def test_a_run_tags_all_it_deploys_and_destroys_only_that(
    make_driver: Callable[[Endpoint, Path], StackDriver],
    account_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    as_account(monkeypatch, tmp_path, account_url)
    monkeypatch.setenv("HARNESS_TF_PROVIDER", "standin")
    run_id = f"sandbox-{uuid.uuid4().hex[:6]}"
    endpoint = aws_sandbox(DUMMY_ACCOUNT_ID, run_id=run_id)
    # Calls are counted per cell by giving each its own dummy key; a real account keeps its own.
    assert endpoint.with_access_key("cell-1") is endpoint, "no call counts"
    suffix = run_id.rsplit("-", 1)[-1]
    base, env = f"sb{suffix}", f"sb{suffix}-a"
    ecs, ec2 = endpoint.client("ecs"), endpoint.client("ec2")
    # Someone else's, in the same account and families: never the run's to touch.
    theirs = ecs.register_task_definition(
        family=f"{env}-web",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    bystander = ecs.create_cluster(clusterName=f"bystander-{suffix}")["cluster"]["clusterArn"]

    driver = make_driver(endpoint, tmp_path / "work")
    repository = images.publish(endpoint, base, [])
    ecr = endpoint.client("ecr")
    for tag in ("v1", "v2"):  # a sandbox user pushes the app's images (docker push)
        ecr.put_image(
            repositoryName=repository.rsplit("/", 1)[-1], imageTag=tag, imageManifest=_manifest(tag)
        )
    strategy = Strategy.PLAIN if make_driver is terraform_driver else Strategy.UNPINNED
    settings = AppSettings(env, base, strategy, repository, "v1")
    try:
        driver.deploy_base(base)
        driver.deploy_app(settings)
        result = app_update.update(endpoint, env, base, "v2")
        cluster = ecs.describe_clusters(clusters=[f"{env}-cluster"], include=["TAGS"])["clusters"][
            0
        ]
        assert {"key": RUN_TAG, "value": run_id} in cluster["tags"]
        vpcs = ec2.describe_vpcs(Filters=[{"Name": f"tag:{RUN_TAG}", "Values": [run_id]}])["Vpcs"]
        assert len(vpcs) == 1
        for arn in result.revisions.values():  # the script's revisions carry it too
            assert tags_of_task_definition(endpoint, arn)[RUN_TAG] == run_id
        assert_everything_carries_the_run_tag(endpoint, run_id, base)
    finally:
        driver.destroy_app(settings)
        # What the lifecycle does after an app destroy: the script's revisions go too.
        ContractAppSide(endpoint).deregister_revisions(env)
        driver.destroy_base(base)
    web = ecs.list_task_definitions(familyPrefix=f"{env}-web", status="ACTIVE")[
        "taskDefinitionArns"
    ]
    assert web == [theirs], "only the untagged revision someone else registered stays"
    assert ecs.describe_clusters(clusters=[bystander])["clusters"][0]["status"] == "ACTIVE"
    left = ec2.describe_vpcs(Filters=[{"Name": f"tag:{RUN_TAG}", "Values": [run_id]}])["Vpcs"]
    assert left == []
    assert ecs.describe_clusters(clusters=[f"{env}-cluster"])["clusters"][0]["status"] == "INACTIVE"


def assert_everything_carries_the_run_tag(endpoint: Endpoint, run_id: str, base: str) -> None:
    """Every resource of the deployment the Tagging API knows by the contract's ``base`` tag
    also carries the run id (the database secret among them), and the sweeper finds them all
    by that id alone: what a killed run leaves can be swept (``python -m harness sweep``)."""
    found = sweep.find(endpoint, run_id)
    kinds = {item.kind for item in found}
    assert {
        "secretsmanager:secret",
        "rds:db",
        "ec2:vpc",
        "ec2:security-group",
        "elasticloadbalancing:loadbalancer",
        "elasticloadbalancing:targetgroup",
        "ecs:cluster",
        "ecs:service",
        "ecs:task-definition",
        "iam:role",
        "logs:log-group",
        "s3:bucket",
        "ecr:repository",
    } <= kinds, kinds
    api = endpoint.client("resourcegroupstaggingapi")
    pages = api.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": "base", "Values": [base]}]
    )
    by_base = {m["ResourceARN"] for page in pages for m in page["ResourceTagMappingList"]}
    arns = {item.arn or f"arn:aws:s3:::{item.id}" for item in found}
    # Tasks go with their services; automated RDS snapshots (``snapshot:rds:...``) with their
    # instance (moto 5.2.5 takes one even with BackupRetentionPeriod 0, which AWS does not).
    untagged = {a for a in by_base - arns if ":task/" not in a and ":snapshot:rds:" not in a}
    assert untagged == set(), "carry the contract's tags but not the run id"


def _manifest(tag: str) -> str:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 1,
                "digest": f"sha256:{tag:0>64}",
            },
            "layers": [],
        }
    )
