"""Stack operations as CloudFormation runs them: create, update (diff-based), rollback, delete.

Resources are visited in dependency order and resolved with the values of what came before,
so a replaced resource's new Ref/GetAtt reaches everything that references it. A resource
whose resolved properties did not change is not touched. Old copies of replaced resources
and removed resources are deleted at cleanup, after every update succeeded. A failure rolls
back what was done, in reverse. Operations run within the API call or after it (:mod:`.operations`).
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from harness.fidelity.cloudformation import dynamic, operations, store
from harness.fidelity.cloudformation.errors import ResourceFailed, ValidationError
from harness.fidelity.cloudformation.evaluation import Evaluation, resource_context
from harness.fidelity.cloudformation.graph import creation_order, dependencies
from harness.fidelity.cloudformation.handlers import handler_for
from harness.fidelity.cloudformation.model import Resource, Stack, now
from harness.fidelity.cloudformation.planner import changed_properties
from harness.fidelity.cloudformation.schema import replacing_properties

log = logging.getLogger(__name__)

REPLACING = "Requested update requires the creation of a new physical resource; hence creating one."


@dataclass
class _Journal:
    """What an operation did so far, to roll it back or clean it up."""

    created: list[Resource] = field(default_factory=list)
    updated: list[tuple[Resource, Resource]] = field(default_factory=list)  # (before, after)
    replaced: list[tuple[Resource, Resource]] = field(default_factory=list)  # (old, new)


@dataclass(frozen=True)
class Target:
    """The state an operation moves a stack to."""

    template: dict[str, Any]
    template_body: str
    parameters: dict[str, str]
    resolved_parameters: dict[str, Any]


def deploy(stack: Stack, target: Target) -> None:
    """Create or update ``stack`` to ``target``; on failure roll back to where it was."""
    creating = not stack.resources and stack.status in ("REVIEW_IN_PROGRESS", "CREATE_IN_PROGRESS")
    verb = "CREATE" if creating else "UPDATE"
    before = _snapshot(stack)
    stack.stack_event(f"{verb}_IN_PROGRESS", "User Initiated")
    journal = _Journal()
    try:
        evaluation = Evaluation(stack, target.template, target.resolved_parameters, stack.resources)
        _apply_resources(stack, evaluation, journal, verb)
        active = set(evaluation.active_resources())
        outputs = evaluation.outputs()
        _check_exports(stack, outputs)
    except (ResourceFailed, ValidationError) as exc:
        _roll_back(stack, before, journal, creating, str(exc))
        return
    stack.template, stack.template_body = target.template, target.template_body
    stack.parameters, stack.resolved_parameters = target.parameters, target.resolved_parameters
    stack.outputs, stack.imports = outputs, set(evaluation.imported)
    if not creating:
        stack.last_updated = now()
        stack.stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    _clean_up(stack, journal, before, active)
    stack.stack_event(f"{verb}_COMPLETE")


def delete(stack: Stack) -> None:
    """Delete every resource in reverse dependency order (DeletionPolicy Retain is kept)."""
    for name in stack.exports:
        users = store.importers(stack.account, stack.region, name)
        if users:
            stack.stack_event(
                "DELETE_FAILED",
                f"Export {name} cannot be deleted as it is in use by {', '.join(u.name for u in users)}",
            )
            return
    stack.stack_event("DELETE_IN_PROGRESS", "User Initiated")
    try:
        for logical_id in reversed(_order_of(stack.template, stack.resources)):
            _delete_resource(stack, stack.resources[logical_id], retain_policy="deletion")
            del stack.resources[logical_id]  # a retried delete starts where this one failed
    except ResourceFailed as exc:
        stack.stack_event("DELETE_FAILED", str(exc))
        return
    stack.deleted = now()
    stack.stack_event("DELETE_COMPLETE")


# applying ----------------------------------------------------------------------------------
def _apply_resources(stack: Stack, evaluation: Evaluation, journal: _Journal, verb: str) -> None:
    active = evaluation.active_resources()
    for logical_id in creation_order(active):
        spec = active[logical_id]
        current = stack.resources.get(logical_id)
        try:
            properties = evaluation.properties(logical_id)
        except ValidationError as exc:
            raise ResourceFailed(f"{logical_id}: {exc}") from exc
        if current is None:
            try:
                new = _create(stack, evaluation, logical_id, spec, properties, verb)
            except ResourceFailed as exc:
                # A custom resource that answered FAILED with an id gets a Delete on rollback.
                failed_id = getattr(exc.__cause__, "physical_id", None)
                if failed_id:
                    left = Resource(logical_id, spec["Type"], properties=properties)
                    left.physical_id = failed_id
                    journal.created.append(left)
                raise
            journal.created.append(new)
            continue
        _refresh_policies(current, spec)
        changed = changed_properties(current.properties, properties)
        if current.type != spec["Type"] or replacing_properties(
            current.type, current.properties, properties, changed
        ):
            new = _create(stack, evaluation, logical_id, spec, properties, "UPDATE", REPLACING)
            journal.replaced.append((current, new))
        elif changed:
            previous = copy.copy(current)
            # Journal first: a failed update is rolled back too (it may be half applied).
            journal.updated.append((previous, current))
            _update(stack, evaluation, current, properties)
            if current.physical_id != previous.physical_id and getattr(
                handler_for(current.type), "replaces_on_new_physical_id", False
            ):  # a custom resource answered a new id: the old one is deleted at cleanup
                journal.updated.pop()
                journal.replaced.append((previous, current))


def _create(
    stack: Stack,
    evaluation: Evaluation,
    logical_id: str,
    spec: dict[str, Any],
    properties: dict[str, Any],
    verb: str,
    reason: str = "",
) -> Resource:
    resource = Resource(logical_id, spec["Type"], properties=properties)
    _refresh_policies(resource, spec)
    ctx = evaluation.context(logical_id, spec["Type"])
    stack.event(
        logical_id,
        "",
        spec["Type"],
        f"{verb}_IN_PROGRESS",
        reason=reason,
        properties=_json(properties),
    )
    operations.working()
    try:
        made = handler_for(spec["Type"]).create(
            ctx, dynamic.resolve(ctx, copy.deepcopy(properties))
        )
    except Exception as exc:
        message = _reason(exc)
        stack.event(logical_id, "", spec["Type"], f"{verb}_FAILED", reason=message)
        raise ResourceFailed(f"{logical_id}: {message}") from exc
    resource.physical_id, resource.attributes, resource.state = (
        made.physical_id,
        made.attributes,
        made.state,
    )
    resource.status, resource.updated = f"{verb}_COMPLETE", now()
    stack.resources[logical_id] = resource
    stack.event(logical_id, resource.physical_id, spec["Type"], f"{verb}_COMPLETE")
    return resource


def _update(
    stack: Stack, evaluation: Evaluation, resource: Resource, properties: dict[str, Any]
) -> Resource:
    ctx = evaluation.context(resource.logical_id, resource.type)
    stack.event(
        resource.logical_id,
        resource.physical_id,
        resource.type,
        "UPDATE_IN_PROGRESS",
        properties=_json(properties),
    )
    operations.working()
    try:
        made = handler_for(resource.type).update(
            ctx, resource, dynamic.resolve(ctx, copy.deepcopy(properties))
        )
    except Exception as exc:
        message = _reason(exc)
        stack.event(
            resource.logical_id,
            resource.physical_id,
            resource.type,
            "UPDATE_FAILED",
            reason=message,
        )
        raise ResourceFailed(f"{resource.logical_id}: {message}") from exc
    resource.physical_id, resource.attributes, resource.state = (
        made.physical_id,
        made.attributes,
        made.state,
    )
    resource.properties, resource.status, resource.updated = properties, "UPDATE_COMPLETE", now()
    stack.event(resource.logical_id, resource.physical_id, resource.type, "UPDATE_COMPLETE")
    return resource


def _delete_resource(stack: Stack, resource: Resource, retain_policy: str) -> None:
    policies = {"deletion": resource.deletion_policy, "replace": resource.update_replace_policy}
    policy = policies.get(retain_policy, "Delete")
    if policy in ("Retain", "RetainExceptOnCreate"):
        stack.event(resource.logical_id, resource.physical_id, resource.type, "DELETE_SKIPPED")
        return
    stack.event(resource.logical_id, resource.physical_id, resource.type, "DELETE_IN_PROGRESS")
    operations.working()
    ctx = resource_context(stack, resource.logical_id, resource.type)
    try:
        handler_for(resource.type).delete(ctx, resource)
    except Exception as exc:
        message = _reason(exc)
        if _already_gone(message):  # deleted outside CloudFormation: nothing left to do
            stack.event(resource.logical_id, resource.physical_id, resource.type, "DELETE_COMPLETE")
            return
        stack.event(
            resource.logical_id,
            resource.physical_id,
            resource.type,
            "DELETE_FAILED",
            reason=message,
        )
        raise ResourceFailed(f"{resource.logical_id}: {message}") from exc
    stack.event(resource.logical_id, resource.physical_id, resource.type, "DELETE_COMPLETE")


def _check_exports(stack: Stack, outputs: list[dict[str, Any]]) -> None:
    """An export another stack imports can be neither removed nor changed."""
    new = {o["ExportName"]: o["OutputValue"] for o in outputs if o.get("ExportName")}
    for name, value in stack.exports.items():
        if new.get(name) == value:
            continue
        users = [
            u.name for u in store.importers(stack.account, stack.region, name) if u is not stack
        ]
        if users:
            verb = "updated" if name in new else "deleted"
            raise ValidationError(
                f"Export {name} cannot be {verb} as it is in use by {', '.join(users)}"
            )
    taken = store.exports(stack.account, stack.region)
    for name in new:
        if name in taken and taken[name][0] is not stack:
            raise ValidationError(
                f"Export with name {name} is already exported by stack {taken[name][0].name}"
            )


# cleanup and rollback ------------------------------------------------------------------------
def _clean_up(stack: Stack, journal: _Journal, before: Stack, active: set[str]) -> None:
    """Delete the old copies of replaced resources, then resources the template no longer has."""
    for old, _new in journal.replaced:
        _best_effort_delete(stack, old, "replace")
    removed = [lid for lid in _order_of(before.template, before.resources) if lid not in active]
    for logical_id in reversed(removed):
        stack.resources.pop(logical_id, None)
        _best_effort_delete(stack, before.resources[logical_id], "deletion")


def _roll_back(stack: Stack, before: Stack, journal: _Journal, creating: bool, reason: str) -> None:
    if creating:
        if stack.disable_rollback:
            stack.stack_event("CREATE_FAILED", reason)
            return
        stack.stack_event("ROLLBACK_IN_PROGRESS", reason)
        for resource in reversed(journal.created):
            _best_effort_delete(stack, resource, "deletion")
        stack.resources.clear()
        stack.stack_event("ROLLBACK_COMPLETE")
        return
    stack.stack_event("UPDATE_ROLLBACK_IN_PROGRESS", reason)
    evaluation = Evaluation(stack, before.template, before.resolved_parameters, stack.resources)
    for old, _new in journal.replaced:
        stack.resources[old.logical_id] = old
    failed = []
    for previous, current in reversed(journal.updated):
        try:
            _update(stack, evaluation, current, previous.properties)
        except ResourceFailed as exc:
            failed.append(str(exc))
    if failed:
        # "Unsuccessful return of one or more stacks to a previous working state": the stack
        # can be neither updated nor rolled back further until ContinueUpdateRollback.
        stack.stack_event("UPDATE_ROLLBACK_FAILED", "; ".join(failed))
        return
    stack.stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    for _old, new in reversed(journal.replaced):
        _best_effort_delete(stack, new, "rollback")  # the new copy goes, whatever its policies
    for resource in reversed(journal.created):
        stack.resources.pop(resource.logical_id, None)
        _best_effort_delete(stack, resource, "deletion")
    stack.stack_event("UPDATE_ROLLBACK_COMPLETE")


def _best_effort_delete(stack: Stack, resource: Resource, policy: str) -> None:
    try:
        _delete_resource(stack, resource, policy)
    except ResourceFailed:
        log.exception("could not delete %s", resource.logical_id)


# helpers --------------------------------------------------------------------------------------
def _snapshot(stack: Stack) -> Stack:
    copied = copy.copy(stack)
    copied.resources = dict(stack.resources)
    return copied


def _order_of(template: dict[str, Any], resources: dict[str, Resource]) -> list[str]:
    """The stack's live resources in creation order (per the template that made them)."""
    specs = {lid: template.get("Resources", {}).get(lid, {}) for lid in resources}
    graph = {lid: deps & set(resources) for lid, deps in dependencies(specs).items()}
    from graphlib import TopologicalSorter

    return list(TopologicalSorter(graph).static_order())


def _refresh_policies(resource: Resource, spec: dict[str, Any]) -> None:
    resource.deletion_policy = spec.get("DeletionPolicy", "Delete")
    resource.update_replace_policy = spec.get("UpdateReplacePolicy", "Delete")
    resource.metadata = spec.get("Metadata", {})


def _json(properties: dict[str, Any]) -> str:
    return json.dumps(properties, default=str)


def _already_gone(message: str) -> bool:
    code = message.split(":", 1)[0]
    return "NotFound" in code or code.startswith("NoSuch")


def _reason(exc: Exception) -> str:
    if isinstance(exc, ResourceFailed):  # a handler's own words, as CloudFormation shows them
        return str(exc)
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        error = response["Error"]
        return f"{error.get('Code')}: {error.get('Message')}"
    return f"{type(exc).__name__}: {exc}"
