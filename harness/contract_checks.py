"""Reading a deployment back through boto3 and listing where it breaks the naming and tagging contract.

Tool-independent (``managed_by`` is ``terraform`` or ``cdk``): each function returns the
violations it found, so a test can assert the list is empty and show all of them at once.
"""

from __future__ import annotations

from typing import Any

from harness.contract import (
    COMPONENTS,
    ROLE_ALB,
    ROLE_APP,
    SERVICES,
    TAG_ROLE,
    TAG_TIER,
    TIER_PRIVATE,
    TIER_PUBLIC,
    WEB,
    BaseNames,
    EnvNames,
    image_tag,
)
from harness.endpoint import Endpoint


def _tags(
    items: list[dict[str, str]] | None, key: str = "Key", value: str = "Value"
) -> dict[str, str]:
    return {t[key]: t[value] for t in items or ()}


def _missing(what: str, have: dict[str, str], want: dict[str, str]) -> list[str]:
    wrong = {k: v for k, v in want.items() if have.get(k) != v}
    return [f"{what}: tags {wrong} expected, has {have}"] if wrong else []


def base_violations(endpoint: Endpoint, base: str, managed_by: str) -> list[str]:
    """Where base ``base`` breaks the contract (empty: it follows it)."""
    names, found = BaseNames(base), []
    want = names.tags(managed_by)
    ec2 = endpoint.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [names.vpc]}])["Vpcs"]
    if len(vpcs) != 1:
        return [f"expected one VPC named {names.vpc}, found {len(vpcs)}"]
    vpc_id = vpcs[0]["VpcId"]
    found += _missing(f"VPC {names.vpc}", _tags(vpcs[0].get("Tags")), want)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    for tier in (TIER_PRIVATE, TIER_PUBLIC):
        tiered = [s for s in subnets if _tags(s.get("Tags")).get(TAG_TIER) == tier]
        zones = {s["AvailabilityZone"] for s in tiered}
        if len(tiered) != 2 or len(zones) != 2:
            found.append(f"expected 2 {tier} subnets in 2 AZs, found {len(tiered)} in {zones}")
        for subnet in tiered:
            found += _missing(f"subnet {subnet['SubnetId']}", _tags(subnet.get("Tags")), want)
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    by_name = {g["GroupName"]: g for g in groups["SecurityGroups"]}
    for name, role in ((names.app_security_group, ROLE_APP), (names.alb_security_group, ROLE_ALB)):
        if name not in by_name:
            found.append(f"no security group {name}")
            continue
        found += _missing(
            f"security group {name}", _tags(by_name[name].get("Tags")), {**want, TAG_ROLE: role}
        )
    found += _alb_violations(endpoint, names, want)
    found += _data_violations(endpoint, names, want)
    return found


def _alb_violations(endpoint: Endpoint, names: BaseNames, want: dict[str, str]) -> list[str]:
    elb = endpoint.client("elbv2")
    albs = elb.describe_load_balancers(Names=[names.alb])["LoadBalancers"]
    arn = albs[0]["LoadBalancerArn"]
    tags = elb.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"]
    found = _missing(f"ALB {names.alb}", _tags(tags), want)
    ports = {
        (li["Port"], li["Protocol"])
        for li in elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]
    }
    if (80, "HTTP") not in ports:
        found.append(f"ALB {names.alb} has no HTTP listener on port 80: {ports}")
    return found


def _data_violations(endpoint: Endpoint, names: BaseNames, want: dict[str, str]) -> list[str]:
    rds = endpoint.client("rds")
    db = rds.describe_db_instances(DBInstanceIdentifier=names.db_instance)["DBInstances"][0]
    found = []
    if db["Engine"] != "postgres":
        found.append(f"{names.db_instance} runs {db['Engine']}, not postgres")
    found += _missing(f"RDS {names.db_instance}", _tags(db.get("TagList")), want)
    account = endpoint.client("sts").get_caller_identity()["Account"]
    bucket = names.assets_bucket(account)
    s3 = endpoint.client("s3")
    tags = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    found += _missing(f"bucket {bucket}", _tags(tags), want)
    return found


def env_violations(endpoint: Endpoint, env: str, base: str, managed_by: str, tag: str) -> list[str]:
    """Where environment ``env`` (running image tag ``tag``) breaks the contract."""
    names, found = EnvNames(env, base), []
    want = names.tags(managed_by)
    ecs = endpoint.client("ecs")
    clusters = ecs.describe_clusters(clusters=[names.cluster], include=["TAGS"])["clusters"]
    if not clusters or clusters[0]["status"] != "ACTIVE":
        return [f"no active cluster {names.cluster}"]
    found += _missing(
        f"cluster {names.cluster}", _tags(clusters[0].get("tags"), "key", "value"), want
    )
    private, app_sg = _base_network(endpoint, base)
    services = ecs.describe_services(
        cluster=names.cluster, services=[names.service(s) for s in SERVICES], include=["TAGS"]
    )["services"]
    if sorted(s["serviceName"] for s in services) != sorted(names.service(s) for s in SERVICES):
        found.append(f"services {[s['serviceName'] for s in services]} do not match the contract")
    for service in services:
        found += _service_violations(service, want, private, app_sg)
    for component in COMPONENTS:
        found += _task_definition_violations(ecs, names, component, want, tag)
    found += _log_violations(endpoint, names, want)
    elb = endpoint.client("elbv2")
    groups = elb.describe_target_groups(Names=[names.target_group])["TargetGroups"]
    tg_tags = elb.describe_tags(ResourceArns=[groups[0]["TargetGroupArn"]])["TagDescriptions"]
    found += _missing(f"target group {names.target_group}", _tags(tg_tags[0]["Tags"]), want)
    return found


def _base_network(endpoint: Endpoint, base: str) -> tuple[set[str], str]:
    ec2 = endpoint.client("ec2")
    subnets = ec2.describe_subnets(
        Filters=[
            {"Name": "tag:base", "Values": [base]},
            {"Name": f"tag:{TAG_TIER}", "Values": [TIER_PRIVATE]},
        ]
    )["Subnets"]
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "tag:base", "Values": [base]},
            {"Name": f"tag:{TAG_ROLE}", "Values": [ROLE_APP]},
        ]
    )["SecurityGroups"]
    return {s["SubnetId"] for s in subnets}, groups[0]["GroupId"] if groups else ""


def _service_violations(
    service: dict[str, Any], want: dict[str, str], private: set[str], app_sg: str
) -> list[str]:
    name, found = service["serviceName"], []
    found += _missing(f"service {name}", _tags(service.get("tags"), "key", "value"), want)
    if service.get("launchType") != "FARGATE":
        found.append(f"service {name} launch type {service.get('launchType')}, not FARGATE")
    vpc = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    if set(vpc.get("subnets", [])) != private or vpc.get("securityGroups") != [app_sg]:
        found.append(
            f"service {name} does not run in the private subnets with the app security group: {vpc}"
        )
    return found


def _task_definition_violations(
    ecs: Any, names: EnvNames, component: str, want: dict[str, str], tag: str
) -> list[str]:
    family = names.family(component)
    described = ecs.describe_task_definition(taskDefinition=family, include=["TAGS"])
    containers = {c["name"]: c for c in described["taskDefinition"]["containerDefinitions"]}
    found = _missing(
        f"task definition {family}", _tags(described.get("tags"), "key", "value"), want
    )
    if component not in containers:
        return [*found, f"task definition {family} has no container named {component}"]
    if image_tag(containers[component]["image"]) != tag:
        found.append(f"{family} runs {containers[component]['image']}, not tag {tag}")
    if component == WEB and not containers[component].get("portMappings"):
        found.append(f"{family}: the web container maps no port")
    return found


def _log_violations(endpoint: Endpoint, names: EnvNames, want: dict[str, str]) -> list[str]:
    logs, found = endpoint.client("logs"), []
    for component in COMPONENTS:
        group = names.log_group(component)
        listed = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
        match = [g for g in listed if g["logGroupName"] == group]
        if not match:
            found.append(f"no log group {group}")
            continue
        arn = match[0]["arn"].removesuffix(":*")
        found += _missing(
            f"log group {group}", logs.list_tags_for_resource(resourceArn=arn)["tags"], want
        )
    return found


def leftovers(endpoint: Endpoint, env: str) -> list[str]:
    """What of environment ``env`` is still there after its destroy (empty: nothing)."""
    names, left = EnvNames(env, ""), []
    ecs = endpoint.client("ecs")
    clusters = ecs.describe_clusters(clusters=[names.cluster])["clusters"]
    left += [
        f"cluster {c['clusterName']} {c['status']}" for c in clusters if c["status"] == "ACTIVE"
    ]
    for component in COMPONENTS:
        arns = ecs.list_task_definitions(familyPrefix=names.family(component), status="ACTIVE")
        left += [
            f"task definition {a}"
            for a in arns["taskDefinitionArns"]
            if f"/{names.family(component)}:" in a
        ]
    groups = endpoint.client("logs").describe_log_groups(logGroupNamePrefix=f"/ecs/{env}/")[
        "logGroups"
    ]
    left += [f"log group {g['logGroupName']}" for g in groups]
    elb = endpoint.client("elbv2")
    tgs = elb.describe_target_groups()["TargetGroups"]
    left += [
        f"target group {t['TargetGroupName']}"
        for t in tgs
        if t["TargetGroupName"] == names.target_group
    ]
    roles = endpoint.client("iam").list_roles()["Roles"]
    left += [f"IAM role {r['RoleName']}" for r in roles if r["RoleName"].startswith(f"{env}-")]
    return left


def base_leftovers(endpoint: Endpoint, base: str) -> list[str]:
    """What of base ``base`` is still there after its destroy (empty: nothing)."""
    names, left = BaseNames(base), []
    ec2 = endpoint.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [names.vpc]}])["Vpcs"]
    left += [f"VPC {v['VpcId']}" for v in vpcs]
    albs = endpoint.client("elbv2").describe_load_balancers()["LoadBalancers"]
    left += [f"ALB {a['LoadBalancerName']}" for a in albs if a["LoadBalancerName"] == names.alb]
    dbs = endpoint.client("rds").describe_db_instances()["DBInstances"]
    left += [
        f"RDS {d['DBInstanceIdentifier']}"
        for d in dbs
        if d["DBInstanceIdentifier"] == names.db_instance
    ]
    buckets = endpoint.client("s3").list_buckets()["Buckets"]
    left += [f"bucket {b['Name']}" for b in buckets if b["Name"].startswith(f"{base}-assets-")]
    return left
