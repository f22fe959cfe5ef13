"""CloudFormation's change-set actions: create (planned, not run), describe, execute, delete.

Change sets are found by ARN, or by name within their stack; executing one removes every
change set of the stack, as CloudFormation does.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.core.responses import ActionResult, EmptyResult

from harness.fidelity.cloudformation import engine, operations, requests, store, views
from harness.fidelity.cloudformation.errors import (
    AlreadyExists,
    ChangeSetNotFound,
    CloudFormationError,
    ValidationError,
)
from harness.fidelity.cloudformation.evaluation import Evaluation
from harness.fidelity.cloudformation.model import ChangeSet, Stack
from harness.fidelity.cloudformation.planner import plan

NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create"
    " a change set."
)


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


def create_change_set(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
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
        stack = requests.new_stack(account, region, p)
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
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.find_stack(account, region, p["StackName"]) if p.get("StackName") else None
    return ActionResult(views.change_set(store.find_change_set(stack, p["ChangeSetName"])))


def execute_change_set(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.find_stack(account, region, p["StackName"]) if p.get("StackName") else None
    change_set = store.find_change_set(stack, p["ChangeSetName"])
    if change_set.status != "CREATE_COMPLETE" or change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(
            f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of [{change_set.status}]"
        )
    stack = store.get_stack(account, region, change_set.stack_id)
    if change_set.change_set_type != "CREATE":
        requests.require_updatable(stack)
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
    # At once, as the call returns (an update of a stack with resources, or a first create).
    stack.status = (
        "CREATE_IN_PROGRESS" if change_set.change_set_type == "CREATE" else ("UPDATE_IN_PROGRESS")
    )
    operations.run(stack, lambda: engine.deploy(stack, target), "ExecuteChangeSet")
    return EmptyResult()


def delete_change_set(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
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
    account, region = requests.where(resp)
    stack = store.get_stack(account, region, requests.params(resp)["StackName"])
    return ActionResult(
        {"Summaries": [views.change_set_summary(c) for c in store.change_sets_of(stack)]}
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
