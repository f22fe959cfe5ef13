"""CloudFormation's stack actions (CreateStack, UpdateStack, DescribeStacks, ...) on our engine.

Each takes moto's ``CloudFormationResponse`` (parsed request, account, region) and returns
what moto's serializer renders.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult

from harness.fidelity.cloudformation import engine, operations, requests, store, views
from harness.fidelity.cloudformation.errors import AlreadyExists, ValidationError
from harness.fidelity.cloudformation.evaluation import Evaluation
from harness.fidelity.cloudformation.model import Stack


def create_stack(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    existing = store.find_stack(account, region, p["StackName"])
    if existing is not None:
        raise AlreadyExists(f"Stack [{p['StackName']}] already exists")
    body, template, values, resolved = requests.load(p, account, region, None)
    requests.check_capabilities(template, p.get("Capabilities") or [])
    stack = requests.new_stack(account, region, p)
    Evaluation(stack, template, resolved, {})  # conditions and rules fail the request itself
    stack.status = "CREATE_IN_PROGRESS"
    store.add_stack(stack)
    target = engine.Target(template, body, values, resolved)
    operations.run(stack, lambda: engine.deploy(stack, target), "CreateStack")
    return ActionResult({"StackId": stack.stack_id})


def update_stack(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    requests.require_updatable(stack)
    body, template, values, resolved = requests.load(p, account, region, stack)
    requests.check_capabilities(template, p.get("Capabilities") or [])
    Evaluation(stack, template, resolved, stack.resources)  # rules fail the request itself
    if template == stack.template and values == stack.parameters and not _tags_change(stack, p):
        raise ValidationError("No updates are to be performed.")
    if "Tags" in p:
        stack.tags = requests.tags(p)
    target = engine.Target(template, body, values, resolved)
    stack.status = "UPDATE_IN_PROGRESS"  # at once, as the call returns
    operations.run(stack, lambda: engine.deploy(stack, target), "UpdateStack")
    return ActionResult({"StackId": stack.stack_id})


def delete_stack(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    stack = store.find_stack(account, region, requests.params(resp)["StackName"])
    if stack is None or stack.deleted is not None:
        return EmptyResult()
    if stack.termination_protection:
        raise ValidationError(
            f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
        )
    for change_set in store.change_sets_of(stack):
        store.remove_change_set(change_set)
    if stack.status == "DELETE_IN_PROGRESS":
        return EmptyResult()  # already being deleted
    if operations.asynchronous():
        stack.status = "DELETE_IN_PROGRESS"  # at once, as the call returns
    operations.run(stack, lambda: engine.delete(stack), "DeleteStack")
    return EmptyResult()


def describe_stacks(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    name = requests.params(resp).get("StackName")
    if name:
        found = [store.get_stack(account, region, name)]
        operations.settle(found[0])  # compressed time: see operations
    else:
        found = [s for s in store.stacks(account, region) if s.deleted is None]
    return ActionResult({"Stacks": [views.stack(s) for s in found]})


def list_stacks(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    wanted = set(requests.params(resp).get("StackStatusFilter") or [])
    found = [s for s in store.stacks(account, region) if not wanted or s.status in wanted]
    return ActionResult({"StackSummaries": [views.summary(s) for s in reversed(found)]})


def describe_stack_events(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    stack = store.get_stack(account, region, requests.params(resp)["StackName"])
    return ActionResult({"StackEvents": [e.to_api() for e in reversed(stack.events)]})


def describe_stack_resources(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    if p.get("PhysicalResourceId"):
        stack = _stack_owning(account, region, p["PhysicalResourceId"])
    else:
        stack = store.get_stack(account, region, p["StackName"])
    wanted = p.get("LogicalResourceId")
    resources = [r for r in stack.resources.values() if not wanted or r.logical_id == wanted]
    return ActionResult({"StackResources": [views.resource(stack, r) for r in resources]})


def describe_stack_resource(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    resource = stack.resources.get(p["LogicalResourceId"])
    if resource is None:
        raise ValidationError(
            f"Resource {p['LogicalResourceId']} does not exist for stack {stack.name}"
        )
    return ActionResult({"StackResourceDetail": views.resource(stack, resource, detail=True)})


def list_stack_resources(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    stack = store.get_stack(account, region, requests.params(resp)["StackName"])
    summaries = [views.resource_summary(stack, r) for r in stack.resources.values()]
    return ActionResult({"StackResourceSummaries": summaries})


def get_template(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    body = stack.template_body
    if p.get("ChangeSetName"):
        body = store.find_change_set(stack, p["ChangeSetName"]).template_body
    return ActionResult({"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]})


def get_template_summary(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
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
    account, region = requests.where(resp)
    _body, template, _v, _r = _parse_only(requests.params(resp), account, region)
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
    account, region = requests.where(resp)
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
    account, region = requests.where(resp)
    name = requests.params(resp)["ExportName"]
    if name not in store.exports(account, region):
        raise ValidationError(f"Export '{name}' does not exist.")
    return ActionResult({"Imports": [s.name for s in store.importers(account, region, name)]})


def update_termination_protection(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    stack.termination_protection = bool(p["EnableTerminationProtection"])
    return ActionResult({"StackId": stack.stack_id})


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


def _tags_change(stack: Stack, p: dict[str, Any]) -> bool:
    return "Tags" in p and requests.tags(p) != stack.tags
