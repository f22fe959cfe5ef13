"""The configurations the differential suite applies with both providers, and their out-of-band
changes: the project's stack, the tfprovider behaviour configurations, the Fargate config."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from harness.endpoint import Endpoint
from tests.differential.runner import Config, HclSteps, ProjectSteps, Steps
from tests.tfprovider import test_behaviour_author_types as author
from tests.tfprovider import test_behaviour_resources as behaviour

FARGATE = Path(__file__).resolve().parents[1] / "tfprovider" / "configs" / "fargate"


def hcl(source: Path | str, name: str) -> Callable[[Endpoint, Path, str, str], Steps]:
    """Steps applying ``source`` with ``var.name`` set to ``name`` (the same for both providers:
    names are compared; each run has an emulator of its own)."""
    return lambda endpoint, workdir, provider, version: HclSteps(
        endpoint, workdir, provider, source, {"name": name}, version
    )


def _hcl(steps: Steps) -> HclSteps:
    assert isinstance(steps, HclSteps)
    return steps


def change_network(endpoint: Endpoint, steps: Steps) -> None:
    """A tag removed and a log group deleted in the console."""
    d = _hcl(steps)
    ec2 = endpoint.client("ec2")
    ec2.delete_tags(Resources=[d.state_of("aws_vpc.v")["id"]], Tags=[{"Key": "Name"}])
    endpoint.client("logs").delete_log_group(logGroupName=f"/test/{d.variables['name']}")


def change_iam(endpoint: Endpoint, steps: Steps) -> None:
    """A new default policy version with other actions; the attachment removed."""
    d = _hcl(steps)
    iam = endpoint.client("iam")
    arn = d.state_of("aws_iam_policy.p")["arn"]
    document = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}  # fmt: skip
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document), SetAsDefault=True)
    iam.detach_role_policy(RoleName=f"{d.variables['name']}-role", PolicyArn=arn)


def change_extras(endpoint: Endpoint, steps: Steps) -> None:
    d = _hcl(steps)
    endpoint.client("ecr").put_image_tag_mutability(
        repositoryName=f"{d.variables['name']}/web", imageTagMutability="IMMUTABLE"
    )


def change_fargate(endpoint: Endpoint, steps: Steps) -> None:
    """The service scaled and the log group's retention changed outside Terraform."""
    d = _hcl(steps)
    service = d.state_of("aws_ecs_service.web")
    endpoint.client("ecs").update_service(
        cluster=service["cluster"], service=service["name"], desiredCount=3
    )
    log_group = d.state_of("aws_cloudwatch_log_group.web")["name"]
    endpoint.client("logs").put_retention_policy(logGroupName=log_group, retentionInDays=30)


def change_project(endpoint: Endpoint, steps: Steps) -> None:
    """The web log group's retention and the assets bucket's tags changed outside Terraform."""
    assert isinstance(steps, ProjectSteps)
    endpoint.client("logs").put_retention_policy(logGroupName="/ecs/denv/web", retentionInDays=30)
    s3 = endpoint.client("s3")
    (bucket,) = [b["Name"] for b in s3.list_buckets()["Buckets"] if ProjectSteps.BASE in b["Name"]]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "owner", "Value": "console"}]})


def change_author(endpoint: Endpoint, steps: Steps) -> None:
    """An egress rule added to the VPC's default security group; the cluster's tags changed."""
    d = _hcl(steps)
    group = d.state_of("aws_default_security_group.d")["id"]
    endpoint.client("ec2").authorize_security_group_egress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    cluster = d.state_of("aws_elasticache_cluster.c")["arn"]
    endpoint.client("elasticache").add_tags_to_resource(
        ResourceName=cluster, Tags=[{"Key": "owner", "Value": "console"}]
    )


CONFIGS = (
    Config("project", ProjectSteps, change_project, deep=True),
    Config("network", hcl(behaviour.NETWORK, "dnet"), change_network),
    Config("iam", hcl(behaviour.IAM, "diam"), change_iam),
    Config("extras", hcl(behaviour.EXTRAS, "dext"), change_extras),
    Config("fargate", hcl(FARGATE, "dfg"), change_fargate, deep=True),
    Config("author", hcl(author.AUTHOR_TYPES, "dauth"), change_author, deep=True),
)
