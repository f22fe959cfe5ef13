"""The one app-update script both tools share (docs/design.md, "The lifecycle", phase 4).

It finds everything through the naming and tagging contract (:mod:`harness.contract`), never
through a tool's state, and changes nothing until every lookup has succeeded:

1. preflight: cluster ``ENV-cluster``, services ``ENV-web|worker|beat``, the latest ACTIVE
   revision of each family ``ENV-<component>``, the base's private subnets and app security
   group, and (for an image in this account's ECR) the new tag in its repository;
2. register a copy of each latest revision with the application container re-tagged;
3. run ``ENV-backend-update`` once with its new revision and wait until it stops: exit code 0
   or fail (the new revisions are then deregistered; the services keep the old version);
4. point each service at its new revision and wait until all of them are stable.

    result = update(endpoint, env="alpha", base="dev", version="v2")
    running_version(endpoint, "alpha")  # "v2"

:func:`run_backend_update` alone is the post-deploy phase: the task once, with the family's
latest ACTIVE revision.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError, WaiterError

from harness import version_parameter
from harness.contract import (
    BACKEND_UPDATE,
    COMPONENTS,
    HARNESS_CONTRACT,
    SERVICES,
    WEB,
    Contract,
    EnvNames,
    image_tag,
    with_tag,
)
from harness.endpoint import Endpoint, Target
from harness.errors import AppUpdateError

log = logging.getLogger(__name__)

STARTED_BY = "harness-app-update"
RETRIES: dict[str, Any] = {"mode": "standard", "total_max_attempts": 8}
"""The script retries what the AWS SDKs retry: botocore's ``standard`` mode (throttling codes,
HTTP 500/502/503/504, connection errors and timeouts, with jittered exponential back-off capped
at 20 s and a retry quota). 8 attempts in all, not standard's default 3: a deploy step of a
pipeline should ride out a burst of throttling rather than fail half-way (the CDK CLI makes up
to 7, the Terraform AWS provider up to 26)."""
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<repo>[^:@]+)"
)


@dataclass(frozen=True, slots=True)
class Waits:
    """How often to poll and how long to wait for the backend-update task and the services."""

    delay_s: float
    task_timeout_s: float
    services_timeout_s: float

    @classmethod
    def for_endpoint(cls, endpoint: Endpoint) -> Waits:
        """Real AWS takes minutes; the embedded emulator settles in well under a second."""
        if endpoint.target is Target.AWS:
            return cls(delay_s=6.0, task_timeout_s=1800.0, services_timeout_s=1800.0)
        if endpoint.target is Target.EMBEDDED:
            return cls(delay_s=0.1, task_timeout_s=60.0, services_timeout_s=60.0)
        return cls(delay_s=1.0, task_timeout_s=600.0, services_timeout_s=600.0)

    def waiter_config(self, timeout_s: float) -> dict[str, float]:
        return {"Delay": self.delay_s, "MaxAttempts": max(1, math.ceil(timeout_s / self.delay_s))}


@dataclass(frozen=True, slots=True)
class AppUpdateResult:
    """What one app update did."""

    env: str
    base: str
    old_version: str
    new_version: str
    revisions: dict[str, str]
    """Component -> ARN of the task definition revision registered for it."""
    task_arn: str
    task_exit_code: int
    timings: dict[str, float]
    """Seconds per step: preflight_s, register_s, backend_update_s, services_s, total_s."""


@dataclass(frozen=True, slots=True)
class TaskRun:
    """One run of the backend-update task that exited 0."""

    task_arn: str
    exit_code: int
    duration_s: float


def update(
    endpoint: Endpoint,
    env: str,
    base: str,
    version: str,
    *,
    waits: Waits | None = None,
    contract: Contract = HARNESS_CONTRACT,
) -> AppUpdateResult:
    """Deploy image tag ``version`` to environment ``env`` (on base ``base``); see the module doc.

    ``contract``: the stack's names (a stack profile's ``[contract]``; ours by default)."""
    with _aws_refusals(env):
        return _update(
            endpoint, EnvNames(env, base, contract), version, waits or Waits.for_endpoint(endpoint)
        )


def _update(endpoint: Endpoint, names: EnvNames, version: str, waits: Waits) -> AppUpdateResult:
    env, base = names.env, names.base
    began = step = time.perf_counter()
    ecs = _client(endpoint, "ecs")  # clients cost ~0.1-0.3 s each to build: one per service
    timings: dict[str, float] = {}

    _require_cluster(ecs, names)
    _require_services(ecs, names)
    old_version = _running_version(ecs, names)
    current = {c: _latest_revision(ecs, names.family(c)) for c in COMPONENTS}
    network = _private_network(_client(endpoint, "ec2"), names)
    images = {
        _app_container(d["taskDefinition"], names.container(c))["image"] for c, d in current.items()
    }
    _require_images(endpoint, sorted(with_tag(image, version) for image in images))
    step = _lap(timings, "preflight_s", step)

    log.info("%s: registering %s revisions with tag %s", env, len(current), version)
    revisions = {
        c: _register(ecs, copy_with_tag(d, names.container(c), version)) for c, d in current.items()
    }
    step = _lap(timings, "register_s", step)

    try:
        run = _run_task(ecs, names, revisions[BACKEND_UPDATE], network, waits)
    except (AppUpdateError, ClientError):
        _deregister(ecs, revisions.values())
        raise
    step = _lap(timings, "backend_update_s", step)

    _roll_services(ecs, names, revisions, waits)
    # Where the stack reads the tag from SSM (ssm-tag), the pipeline records what it deployed.
    version_parameter.record(endpoint, env, version)
    _lap(timings, "services_s", step)
    timings["total_s"] = time.perf_counter() - began
    log.info("%s: %s -> %s in %.2fs", env, old_version, version, timings["total_s"])
    return AppUpdateResult(
        env, base, old_version, version, revisions, run.task_arn, run.exit_code, timings
    )


def run_backend_update(
    endpoint: Endpoint,
    env: str,
    base: str,
    *,
    waits: Waits | None = None,
    contract: Contract = HARNESS_CONTRACT,
) -> TaskRun:
    """Run ``ENV-backend-update`` (latest ACTIVE revision) once; AppUpdateError unless it exits 0."""
    names = EnvNames(env, base, contract)
    ecs = _client(endpoint, "ecs")
    with _aws_refusals(env):
        _require_cluster(ecs, names)
        revision = _latest_revision(ecs, names.family(BACKEND_UPDATE))["taskDefinition"]
        network = _private_network(_client(endpoint, "ec2"), names)
        waits = waits or Waits.for_endpoint(endpoint)
        return _run_task(ecs, names, revision["taskDefinitionArn"], network, waits)


def running_version(endpoint: Endpoint, env: str, contract: Contract = HARNESS_CONTRACT) -> str:
    """The image tag of the ``web`` container in the task definition ``ENV-web`` runs."""
    return _running_version(_client(endpoint, "ecs"), EnvNames(env, "", contract))


def running_versions(
    endpoint: Endpoint, env: str, contract: Contract = HARNESS_CONTRACT
) -> dict[str, str]:
    """The image tag each service (``web``, ``worker``, ``beat``) runs, by component name."""
    ecs, names = _client(endpoint, "ecs"), EnvNames(env, "", contract)
    described = _services(ecs, names, SERVICES)
    versions = {}
    for component in SERVICES:
        arn = described[component]["taskDefinition"]
        definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        container = _app_container(definition, names.container(component))
        versions[component] = image_tag(container["image"])
    return versions


def _running_version(ecs: Any, names: EnvNames) -> str:
    # names.base is unused here: cluster and service names do not involve the base
    service = _services(ecs, names, (WEB,))[WEB]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    return image_tag(_app_container(definition["taskDefinition"], names.container(WEB))["image"])


def copy_with_tag(described: Mapping[str, Any], container: str, tag: str) -> dict[str, Any]:
    """RegisterTaskDefinition arguments copying ``described`` with the image of its app
    container (named ``container``: the contract's) re-tagged.

    ``described`` is a DescribeTaskDefinition answer (with ``include=["TAGS"]``). Every field
    RegisterTaskDefinition accepts is kept; the read-only ones ECS adds are dropped.
    """
    definition = described["taskDefinition"]
    spec = {k: v for k, v in definition.items() if k not in _READ_ONLY_FIELDS}
    spec["containerDefinitions"] = [dict(c) for c in definition["containerDefinitions"]]
    app = _app_container(spec, container)
    app["image"] = with_tag(app["image"], tag)
    if described.get("tags"):
        spec["tags"] = list(described["tags"])
    return spec


# TaskDefinition members that RegisterTaskDefinition does not accept (botocore's ECS model).
_READ_ONLY_FIELDS = frozenset(
    {
        "taskDefinitionArn",
        "revision",
        "status",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "registeredBy",
        "deregisteredAt",
        "deleteRequestedAt",
    }
)


# preflight -------------------------------------------------------------------------------
def _require_cluster(ecs: Any, names: EnvNames) -> None:
    clusters = ecs.describe_clusters(clusters=[names.cluster])["clusters"]
    if not any(c["status"] == "ACTIVE" for c in clusters):
        raise AppUpdateError(f"unknown environment {names.env!r}: no ECS cluster {names.cluster}")


def _require_services(ecs: Any, names: EnvNames) -> None:
    _services(ecs, names, SERVICES)


def _services(ecs: Any, names: EnvNames, components: Sequence[str]) -> dict[str, Any]:
    """The ACTIVE service of each component, under its name or its renamed one (one call)."""
    wanted = [n for c in components for n in (names.service(c), names.renamed_service(c))]
    found = _describe_services(ecs, names, wanted, require=False)
    out = {}
    for component in components:
        service = found.get(names.service(component)) or found.get(names.renamed_service(component))
        if service is None:
            raise AppUpdateError(
                f"environment {names.env!r} has no service {names.service(component)} in {names.cluster}"
            )
        out[component] = service
    return out


def _describe_services(
    ecs: Any, names: EnvNames, wanted: list[str], *, require: bool = True
) -> dict[str, Any]:
    try:
        answer = ecs.describe_services(cluster=names.cluster, services=wanted)
    except ClientError as exc:
        if _code(exc) == "ClusterNotFoundException":
            raise AppUpdateError(
                f"unknown environment {names.env!r}: no ECS cluster {names.cluster}"
            ) from exc
        raise
    found = {s["serviceName"]: s for s in answer["services"] if s["status"] == "ACTIVE"}
    missing = [name for name in wanted if name not in found]
    if missing and require:
        raise AppUpdateError(
            f"environment {names.env!r} has no service {', '.join(missing)} in {names.cluster}"
        )
    return found


def _latest_revision(ecs: Any, family: str) -> dict[str, Any]:
    try:
        described: dict[str, Any] = ecs.describe_task_definition(
            taskDefinition=family, include=["TAGS"]
        )
    except ClientError as exc:
        raise AppUpdateError(
            f"no ACTIVE task definition in family {family}: {_message(exc)}"
        ) from exc
    return described


def _app_container(definition: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The application container: named as the contract says (ours: after its component)."""
    for container in definition["containerDefinitions"]:
        if container["name"] == name:
            found: dict[str, Any] = container
            return found
    family = definition.get("family", "?")
    raise AppUpdateError(f"task definition {family} has no container named {name!r}")


def _private_network(ec2: Any, names: EnvNames) -> dict[str, Any]:
    """awsvpc configuration: the base's private subnets and app security group, no public IP
    (found as the contract says: ours by their tags)."""
    base = names.base
    subnets = ec2.describe_subnets(Filters=names.subnet_filters())["Subnets"]
    if not subnets:
        raise AppUpdateError(
            f"base {base!r} has no private subnets ({_described(names.subnet_filters())})"
        )
    groups = ec2.describe_security_groups(Filters=names.security_group_filters())["SecurityGroups"]
    if len(groups) != 1:
        found = ", ".join(g["GroupId"] for g in groups) or "none"
        raise AppUpdateError(
            f"base {base!r} needs exactly one app security group "
            f"({_described(names.security_group_filters())}); found {found}"
        )
    return {
        "awsvpcConfiguration": {
            "subnets": sorted(s["SubnetId"] for s in subnets),
            "securityGroups": [groups[0]["GroupId"]],
            "assignPublicIp": "DISABLED",
        }
    }


def _described(filters: list[dict[str, Any]]) -> str:
    """EC2 filters as the user reads them: ``tagged base=dev, tier=private``."""
    if all(f["Name"].startswith("tag:") for f in filters):
        return "tagged " + ", ".join(f"{f['Name'][4:]}={f['Values'][0]}" for f in filters)
    return ", ".join(f"{f['Name']}={f['Values'][0]}" for f in filters)


def _require_images(endpoint: Endpoint, images: list[str]) -> None:
    """Fail unless each image in an ECR repository of this account has its tag there."""
    in_ecr = [(image, m) for image in images if (m := _ECR_IMAGE.match(image))]
    if not in_ecr:
        return  # other registries: nothing we can check
    account = _client(endpoint, "sts").get_caller_identity()["Account"]
    for image, match in in_ecr:
        if match["account"] != account:
            log.info("not checking %s: ECR of account %s, not ours", image, match["account"])
            continue
        _require_image(_client(endpoint, "ecr", region_name=match["region"]), image, match)


def _require_image(ecr: Any, image: str, match: re.Match[str]) -> None:
    tag = image_tag(image)
    try:
        ecr.describe_images(repositoryName=match["repo"], imageIds=[{"imageTag": tag}])
    except ClientError as exc:
        if _code(exc) not in {"ImageNotFoundException", "RepositoryNotFoundException"}:
            raise
        raise AppUpdateError(
            f"image {image} is not in ECR (repository {match['repo']}): {_message(exc)}; push it first"
        ) from exc


# changes ---------------------------------------------------------------------------------
def _register(ecs: Any, spec: dict[str, Any]) -> str:
    arn: str = ecs.register_task_definition(**spec)["taskDefinition"]["taskDefinitionArn"]
    log.info("registered %s", arn)
    return arn


def _deregister(ecs: Any, arns: Iterable[str]) -> None:
    """Withdraw revisions of a failed update, so "latest ACTIVE" stays what the services run."""
    for arn in arns:
        try:
            ecs.deregister_task_definition(taskDefinition=arn)
        except ClientError as exc:
            log.warning("could not deregister %s: %s", arn, _message(exc))


def _run_task(
    ecs: Any, names: EnvNames, revision: str, network: dict[str, Any], waits: Waits
) -> TaskRun:
    """Run the backend-update task once and wait for it; AppUpdateError unless it exits 0."""
    family = names.family(BACKEND_UPDATE)
    began = time.perf_counter()
    answer = ecs.run_task(
        cluster=names.cluster,
        taskDefinition=revision,
        launchType="FARGATE",
        count=1,
        networkConfiguration=network,
        startedBy=STARTED_BY,
    )
    if answer.get("failures") or not answer.get("tasks"):
        raise AppUpdateError(f"could not start {family}: {answer.get('failures')}")
    task_arn: str = answer["tasks"][0]["taskArn"]
    log.info("%s: started %s, waiting for it to stop", names.env, task_arn)
    try:
        ecs.get_waiter("tasks_stopped").wait(
            cluster=names.cluster,
            tasks=[task_arn],
            WaiterConfig=waits.waiter_config(waits.task_timeout_s),
        )
    except WaiterError as exc:
        task = _describe_task(ecs, names.cluster, task_arn)
        ecs.stop_task(cluster=names.cluster, task=task_arn, reason="app update timed out")
        raise AppUpdateError(
            f"{family} task {task_arn} did not stop within {waits.task_timeout_s:g}s "
            f"(last status {task.get('lastStatus')}); stopped it"
        ) from exc
    task = _describe_task(ecs, names.cluster, task_arn)
    exit_code = _app_container(
        {"containerDefinitions": task["containers"], "family": family},
        names.container(BACKEND_UPDATE),
    ).get("exitCode")
    if exit_code != 0:
        raise AppUpdateError(
            f"{family} task {task_arn} failed: exit code {exit_code}, stop code "
            f"{task.get('stopCode')}, reason {task.get('stoppedReason')!r}"
        )
    return TaskRun(task_arn, exit_code, time.perf_counter() - began)


def _describe_task(ecs: Any, cluster: str, task_arn: str) -> dict[str, Any]:
    tasks = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"]
    return dict(tasks[0]) if tasks else {}


def _roll_services(ecs: Any, names: EnvNames, revisions: Mapping[str, str], waits: Waits) -> None:
    by_component = {c: s["serviceName"] for c, s in _services(ecs, names, SERVICES).items()}
    services = list(by_component.values())
    for component in SERVICES:
        ecs.update_service(
            cluster=names.cluster,
            service=by_component[component],
            taskDefinition=revisions[component],
        )
    log.info("%s: services updated, waiting for them to be stable", names.env)
    try:
        ecs.get_waiter("services_stable").wait(
            cluster=names.cluster,
            services=services,
            WaiterConfig=waits.waiter_config(waits.services_timeout_s),
        )
    except WaiterError as exc:
        state = _describe_services(ecs, names, services)
        summary = "; ".join(
            f"{name}: {s['runningCount']}/{s['desiredCount']} running, deployments "
            + ", ".join(
                f"{d['status']} {d['taskDefinition'].rsplit('/', 1)[-1]}" for d in s["deployments"]
            )
            for name, s in state.items()
        )
        raise AppUpdateError(
            f"services of {names.env!r} not stable within {waits.services_timeout_s:g}s: {summary}"
        ) from exc


# helpers ---------------------------------------------------------------------------------
def _client(endpoint: Endpoint, service: str, **kwargs: Any) -> Any:
    """A client of ``endpoint`` that retries as :data:`RETRIES` says."""
    return endpoint.client(service, config=Config(retries=RETRIES), **kwargs)


@contextmanager
def _aws_refusals(env: str) -> Iterator[None]:
    """An AWS error no check foresaw still ends as an AppUpdateError naming the call."""
    try:
        yield
    except ClientError as exc:
        raise AppUpdateError(f"{env}: {exc.operation_name} failed: {_message(exc)}") from exc


def _tags(tags: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"Name": f"tag:{k}", "Values": [v]} for k, v in tags.items()]


def _lap(timings: dict[str, float], name: str, since: float) -> float:
    now = time.perf_counter()
    timings[name] = now - since
    return now


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _message(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', '?')}: {error.get('Message', exc)}"


def deregister_revisions(
    endpoint: Endpoint, env: str, contract: Contract = HARNESS_CONTRACT
) -> int:
    """Deregister every ACTIVE revision of ``env``'s task definition families; return how many.

    Tools destroy only the revisions in their state; the ones this script registered are
    cleaned up with this when the environment is destroyed (``harness.lifecycle``). On an
    endpoint whose deployments carry tags (a sandbox account's run id) only revisions with
    those tags are touched.
    """
    ecs, names, count = _client(endpoint, "ecs"), EnvNames(env, "", contract), 0
    for component in COMPONENTS:
        family = names.family(component)
        pages = ecs.get_paginator("list_task_definitions").paginate(
            familyPrefix=family, status="ACTIVE"
        )
        for arn in (a for page in pages for a in page["taskDefinitionArns"]):
            if arn.rsplit("/", 1)[-1].rsplit(":", 1)[0] != family:  # ENV-web2's
                continue
            if endpoint.tags and not _carries(ecs, arn, endpoint.tags):
                continue
            ecs.deregister_task_definition(taskDefinition=arn)
            count += 1
    version_parameter.delete(endpoint, env)  # the pipeline's, like these revisions
    return count


def _carries(ecs: Any, arn: str, tags: Mapping[str, str]) -> bool:
    found = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"]).get("tags") or []
    have = {t["key"]: t["value"] for t in found}
    return all(have.get(k) == v for k, v in tags.items())
