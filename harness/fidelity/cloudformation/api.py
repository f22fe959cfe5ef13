"""CloudFormation's stack API, answered by our engine instead of moto's.

Each function takes moto's ``CloudFormationResponse`` (for the parsed request, account and
region) and returns what moto's serializer renders. Stack sets stay with moto.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult

from harness.fidelity.cloudformation import engine, requests, store, views
from harness.fidelity.cloudformation.errors import (
    AlreadyExists,
    ChangeSetNotFound,
    CloudFormationError,
    ValidationError,
)
from harness.fidelity.cloudformation.evaluation import Evaluation
from harness.fidelity.cloudformation.model import ChangeSet, Stack
from harness.fidelity.cloudformation.planner import plan

NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set."

Action = Callable[[Any], ActionResult]


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


def _where(resp: Any) -> tuple[str, str]:
    return str(resp.current_account), str(resp.region)


def _params(resp: Any) -> dict[str, Any]:
    return dict(resp.params or {})


# stacks ----------------------------------------------------------------------------------------
def create_stack(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    existing = store.find_stack(account, region, p["StackName"])
    if existing is not None:
        raise AlreadyExists(f"Stack [{p['StackName']}] already exists")
    body, template, values, resolved = requests.load(p, account, region, None)
    requests.check_capabilities(template, p.get("Capabilities") or [])
    stack = _new_stack(account, region, p)
    Evaluation(stack, template, resolved, {})  # conditions and rules fail the request itself
    stack.status = "CREATE_IN_PROGRESS"
    store.add_stack(stack)
    engine.deploy(stack, engine.Target(template, body, values, resolved))
    return ActionResult({"StackId": stack.stack_id})


def update_stack(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    _require_updatable(stack)
    body, template, values, resolved = requests.load(p, account, region, stack)
    requests.check_capabilities(template, p.get("Capabilities") or [])
    Evaluation(stack, template, resolved, stack.resources)  # rules fail the request itself
    if template == stack.template and values == stack.parameters and not _tags_change(stack, p):
        raise ValidationError("No updates are to be performed.")
    if "Tags" in p:
        stack.tags = requests.tags(p)
    engine.deploy(stack, engine.Target(template, body, values, resolved))
    return ActionResult({"StackId": stack.stack_id})


def delete_stack(resp: Any) -> ActionResult:
    account, region = _where(resp)
    stack = store.find_stack(account, region, _params(resp)["StackName"])
    if stack is None or stack.deleted is not None:
        return EmptyResult()
    if stack.termination_protection:
        raise ValidationError(
            f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
        )
    for change_set in store.change_sets_of(stack):
        store.remove_change_set(change_set)
    engine.delete(stack)
    return EmptyResult()


def describe_stacks(resp: Any) -> ActionResult:
    account, region = _where(resp)
    name = _params(resp).get("StackName")
    if name:
        found = [store.get_stack(account, region, name)]
    else:
        found = [s for s in store.stacks(account, region) if s.deleted is None]
    return ActionResult({"Stacks": [views.stack(s) for s in found]})


def list_stacks(resp: Any) -> ActionResult:
    account, region = _where(resp)
    wanted = set(_params(resp).get("StackStatusFilter") or [])
    found = [s for s in store.stacks(account, region) if not wanted or s.status in wanted]
    return ActionResult({"StackSummaries": [views.summary(s) for s in reversed(found)]})


def describe_stack_events(resp: Any) -> ActionResult:
    account, region = _where(resp)
    stack = store.get_stack(account, region, _params(resp)["StackName"])
    return ActionResult({"StackEvents": [e.to_api() for e in reversed(stack.events)]})


def describe_stack_resources(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    if p.get("PhysicalResourceId"):
        stack = _stack_owning(account, region, p["PhysicalResourceId"])
    else:
        stack = store.get_stack(account, region, p["StackName"])
    wanted = p.get("LogicalResourceId")
    resources = [r for r in stack.resources.values() if not wanted or r.logical_id == wanted]
    return ActionResult({"StackResources": [views.resource(stack, r) for r in resources]})


def describe_stack_resource(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    resource = stack.resources.get(p["LogicalResourceId"])
    if resource is None:
        raise ValidationError(
            f"Resource {p['LogicalResourceId']} does not exist for stack {stack.name}"
        )
    return ActionResult({"StackResourceDetail": views.resource(stack, resource, detail=True)})


def list_stack_resources(resp: Any) -> ActionResult:
    account, region = _where(resp)
    stack = store.get_stack(account, region, _params(resp)["StackName"])
    summaries = [views.resource_summary(r) for r in stack.resources.values()]
    return ActionResult({"StackResourceSummaries": summaries})


def get_template(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    body = stack.template_body
    if p.get("ChangeSetName"):
        body = store.find_change_set(stack, p["ChangeSetName"]).template_body
    return ActionResult({"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]})


def get_template_summary(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    if p.get("StackName"):
        template = store.get_stack(account, region, p["StackName"]).template
    else:
        _body, template, _v, _r = _parse_only(p, account, region)
    declared = template.get("Parameters", {})
    return ActionResult(
        {
            "Parameters": [_declared(k, v) for k, v in declared.items()],
            "Description": template.get("Description", ""),
            "ResourceTypes": sorted({r["Type"] for r in template["Resources"].values()}),
            "Version": template.get("AWSTemplateFormatVersion", "2010-09-09"),
            "Metadata": "{}",
        }
    )


def validate_template(resp: Any) -> ActionResult:
    account, region = _where(resp)
    _body, template, _v, _r = _parse_only(_params(resp), account, region)
    declared = template.get("Parameters", {})
    return ActionResult(
        {
            "Parameters": [
                {k: v for k, v in _declared(name, spec).items() if k != "ParameterType"}
                for name, spec in declared.items()
            ],
            "Description": template.get("Description", ""),
        }
    )


def list_exports(resp: Any) -> ActionResult:
    account, region = _where(resp)
    exported = store.exports(account, region)
    return ActionResult(
        {
            "Exports": [
                {"ExportingStackId": s.stack_id, "Name": name, "Value": value}
                for name, (s, value) in sorted(exported.items())
            ]
        }
    )


def list_imports(resp: Any) -> ActionResult:
    account, region = _where(resp)
    name = _params(resp)["ExportName"]
    if name not in store.exports(account, region):
        raise ValidationError(f"Export '{name}' does not exist.")
    return ActionResult({"Imports": [s.name for s in store.importers(account, region, name)]})


def update_termination_protection(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    stack.termination_protection = bool(p["EnableTerminationProtection"])
    return ActionResult({"StackId": stack.stack_id})


# change sets ---------------------------------------------------------------------------------
def create_change_set(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    kind = p.get("ChangeSetType") or "UPDATE"
    stack = store.find_stack(account, region, p["StackName"])
    if kind == "CREATE":
        if stack is not None and stack.status != "REVIEW_IN_PROGRESS":
            raise AlreadyExists(
                f"Stack [{p['StackName']}] already exists and cannot be created again with the changeSet [{p['ChangeSetName']}]."
            )
    elif stack is None:
        raise ValidationError(f"Stack [{p['StackName']}] does not exist")
    elif stack.status == "REVIEW_IN_PROGRESS":
        raise ValidationError(
            f"Stack:{stack.stack_id} is in REVIEW_IN_PROGRESS state and can not be updated."
        )
    if stack is not None and any(c.name == p["ChangeSetName"] for c in store.change_sets_of(stack)):
        raise AlreadyExists(f"ChangeSet {p['ChangeSetName']} already exists")
    body, template, values, resolved = requests.load(p, account, region, stack)
    requests.check_capabilities(template, p.get("Capabilities") or [])
    if stack is None:
        stack = _new_stack(account, region, p)
        Evaluation(stack, template, resolved, {})
        store.add_stack(stack)
        stack.stack_event("REVIEW_IN_PROGRESS", "User Initiated")
    change_set = ChangeSet(
        change_set_id=f"arn:aws:cloudformation:{region}:{account}:changeSet/{p['ChangeSetName']}/{uuid.uuid4()}",
        name=p["ChangeSetName"],
        stack_id=stack.stack_id,
        stack_name=stack.name,
        change_set_type=kind,
        template=template,
        template_body=body,
        parameters=values,
        resolved_parameters=resolved,
        description=p.get("Description"),
        tags=requests.tags(p) if "Tags" in p else list(stack.tags),
        capabilities=list(p.get("Capabilities") or []),
        notification_arns=list(p.get("NotificationARNs") or []),
        role_arn=p.get("RoleARN"),
    )
    _plan_into(change_set, stack)
    store.add_change_set(change_set)
    return ActionResult({"Id": change_set.change_set_id, "StackId": stack.stack_id})


def describe_change_set(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    stack = store.find_stack(account, region, p["StackName"]) if p.get("StackName") else None
    return ActionResult(views.change_set(store.find_change_set(stack, p["ChangeSetName"])))


def execute_change_set(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    stack = store.find_stack(account, region, p["StackName"]) if p.get("StackName") else None
    change_set = store.find_change_set(stack, p["ChangeSetName"])
    if change_set.status != "CREATE_COMPLETE" or change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(
            f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of [{change_set.status}]"
        )
    stack = store.get_stack(account, region, change_set.stack_id)
    if change_set.change_set_type != "CREATE":
        _require_updatable(stack)
    # Executing makes every change set of the stack obsolete: CloudFormation removes them all.
    for other in store.change_sets_of(stack):
        store.remove_change_set(other)
    stack.change_set_id = change_set.change_set_id
    stack.tags, stack.capabilities = change_set.tags, change_set.capabilities
    stack.notification_arns, stack.role_arn = change_set.notification_arns, change_set.role_arn
    if change_set.change_set_type == "CREATE":
        stack.disable_rollback = bool(p.get("DisableRollback"))
    target = engine.Target(
        change_set.template,
        change_set.template_body,
        change_set.parameters,
        change_set.resolved_parameters,
    )
    engine.deploy(stack, target)
    return EmptyResult()


def delete_change_set(resp: Any) -> ActionResult:
    account, region = _where(resp)
    p = _params(resp)
    stack = store.get_stack(account, region, p["StackName"]) if p.get("StackName") else None
    try:
        change_set = store.find_change_set(stack, p["ChangeSetName"])
    except ChangeSetNotFound:
        # By name within an existing stack, deleting succeeds even when no such change set
        # exists (the CDK CLI relies on this before every deploy: aws-cdk's cleanupOldChangeset).
        if stack is None:
            raise
        return EmptyResult()
    store.remove_change_set(change_set)
    return EmptyResult()


def list_change_sets(resp: Any) -> ActionResult:
    account, region = _where(resp)
    stack = store.get_stack(account, region, _params(resp)["StackName"])
    return ActionResult(
        {"Summaries": [views.change_set_summary(c) for c in store.change_sets_of(stack)]}
    )


# helpers -------------------------------------------------------------------------------------
def _new_stack(account: str, region: str, p: dict[str, Any]) -> Stack:
    name = p["StackName"]
    return Stack(
        stack_id=f"arn:aws:cloudformation:{region}:{account}:stack/{name}/{uuid.uuid4()}",
        name=name,
        account=account,
        region=region,
        tags=requests.tags(p),
        capabilities=list(p.get("Capabilities") or []),
        notification_arns=list(p.get("NotificationARNs") or []),
        role_arn=p.get("RoleARN"),
        disable_rollback=bool(p.get("DisableRollback")),
        termination_protection=bool(p.get("EnableTerminationProtection")),
    )


def _plan_into(change_set: ChangeSet, stack: Stack) -> None:
    """Fill ``change_set.changes``; FAILED with CloudFormation's reason when nothing changes."""
    try:
        evaluation = Evaluation(
            stack, change_set.template, change_set.resolved_parameters, stack.resources
        )
        planned = plan(evaluation, stack.template)
    except (ValidationError, KeyError) as exc:
        change_set.status, change_set.execution_status = "FAILED", "UNAVAILABLE"
        change_set.status_reason = str(exc)
        return
    change_set.changes = [c.to_api() for c in planned]
    unchanged = (
        change_set.change_set_type == "UPDATE"
        and not planned
        and change_set.template == stack.template
        and change_set.parameters == stack.parameters
        and change_set.tags == stack.tags
    )
    if unchanged:
        change_set.status, change_set.execution_status = "FAILED", "UNAVAILABLE"
        change_set.status_reason = NO_CHANGES


def _parse_only(
    p: dict[str, Any], account: str, region: str
) -> tuple[str, dict[str, Any], None, None]:
    from harness.fidelity.cloudformation import template as templates

    body = requests.template_body(p, account, region, None)
    return body, templates.parse(body), None, None


def _declared(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ParameterKey": name,
        "ParameterType": str(spec.get("Type", "String")),
        "NoEcho": bool(spec.get("NoEcho", False)),
        "Description": spec.get("Description", ""),
    }
    if "Default" in spec:
        item["DefaultValue"] = str(spec["Default"])
    return item


def _stack_owning(account: str, region: str, physical_id: str) -> Stack:
    for stack in store.stacks(account, region):
        if stack.deleted is None and any(
            r.physical_id == physical_id for r in stack.resources.values()
        ):
            return stack
    raise ValidationError(f"Stack for {physical_id} does not exist")


def _require_updatable(stack: Stack) -> None:
    if stack.status.endswith("_IN_PROGRESS") or stack.status in (
        "ROLLBACK_COMPLETE",
        "CREATE_FAILED",
    ):
        raise ValidationError(
            f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
        )


def _tags_change(stack: Stack, p: dict[str, Any]) -> bool:
    return "Tags" in p and requests.tags(p) != stack.tags


ACTIONS: dict[str, Action] = {
    name: globals()[name]
    for name in (
        "create_stack",
        "update_stack",
        "delete_stack",
        "describe_stacks",
        "list_stacks",
        "describe_stack_events",
        "describe_stack_resources",
        "describe_stack_resource",
        "list_stack_resources",
        "get_template",
        "get_template_summary",
        "validate_template",
        "list_exports",
        "list_imports",
        "update_termination_protection",
        "create_change_set",
        "describe_change_set",
        "execute_change_set",
        "delete_change_set",
        "list_change_sets",
    )
}
