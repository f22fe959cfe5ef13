"""What the CloudFormation layer stores: stacks, their resources, change sets and events."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any


def now() -> datetime:
    return datetime.now(UTC)


_clock_lock = threading.Lock()
_last_event = datetime.min.replace(tzinfo=UTC)


def event_time() -> datetime:
    """Now, but at least 1 ms after the previous event: clients sort events by a timestamp
    they read with millisecond precision (the CDK CLI does), so ties would scramble them."""
    global _last_event
    with _clock_lock:
        _last_event = max(now(), _last_event + timedelta(milliseconds=1))
        return _last_event


@dataclass(slots=True)
class Resource:
    """One resource of a stack, as CloudFormation tracks it."""

    logical_id: str
    type: str
    physical_id: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    """The resolved properties last applied: what the next update diffs against."""
    status: str = "CREATE_IN_PROGRESS"
    status_reason: str = ""
    state: Any = None
    """Whatever the type's handler needs to find the resource again (a moto model, an ARN)."""
    attributes: dict[str, Any] = field(default_factory=dict)
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    metadata: dict[str, Any] = field(default_factory=dict)
    updated: datetime = field(default_factory=now)


@dataclass(slots=True)
class Event:
    stack_id: str
    stack_name: str
    logical_id: str
    physical_id: str
    type: str
    status: str
    reason: str = ""
    properties: str | None = None
    timestamp: datetime = field(default_factory=event_time)
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def to_api(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "StackId": self.stack_id,
            "EventId": self.event_id,
            "StackName": self.stack_name,
            "LogicalResourceId": self.logical_id,
            "PhysicalResourceId": self.physical_id,
            "ResourceType": self.type,
            "Timestamp": self.timestamp,
            "ResourceStatus": self.status,
        }
        if self.reason:
            answer["ResourceStatusReason"] = self.reason
        if self.properties is not None:
            answer["ResourceProperties"] = self.properties
        return answer


@dataclass(slots=True)
class Stack:
    """A stack: its current template, parameters, resources, outputs and history."""

    stack_id: str
    name: str
    account: str
    region: str
    status: str = "REVIEW_IN_PROGRESS"
    status_reason: str = ""
    template: dict[str, Any] = field(default_factory=dict)
    template_body: str = "{}"
    parameters: dict[str, str] = field(default_factory=dict)
    """Parameter values as given (before SSM resolution): what UsePreviousValue reuses."""
    resolved_parameters: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    """Export names this stack's current template imports (Fn::ImportValue)."""
    events: list[Event] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)
    notification_arns: list[str] = field(default_factory=list)
    role_arn: str | None = None
    description: str | None = None
    disable_rollback: bool = False
    termination_protection: bool = False
    created: datetime = field(default_factory=now)
    last_updated: datetime | None = None
    deleted: datetime | None = None
    change_set_id: str | None = None
    drift_status: str = "NOT_CHECKED"
    drift_checked: datetime | None = None
    resource_drift: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The last drift detection's StackResourceDrift of each resource."""

    def event(self, logical_id: str, physical_id: str, type_: str, status: str, **kw: Any) -> None:
        self.events.append(
            Event(self.stack_id, self.name, logical_id, physical_id, type_, status, **kw)
        )

    def stack_event(self, status: str, reason: str = "") -> None:
        self.status, self.status_reason = status, reason
        self.event(self.name, self.stack_id, "AWS::CloudFormation::Stack", status, reason=reason)

    @property
    def exports(self) -> dict[str, str]:
        return {o["ExportName"]: o["OutputValue"] for o in self.outputs if o.get("ExportName")}


@dataclass(slots=True)
class ChangeSet:
    change_set_id: str
    name: str
    stack_id: str
    stack_name: str
    change_set_type: str
    template: dict[str, Any]
    template_body: str
    parameters: dict[str, str]
    resolved_parameters: dict[str, Any]
    changes: list[dict[str, Any]] = field(default_factory=list)
    status: str = "CREATE_COMPLETE"
    execution_status: str = "AVAILABLE"
    status_reason: str = ""
    description: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)
    notification_arns: list[str] = field(default_factory=list)
    role_arn: str | None = None
    created: datetime = field(default_factory=now)
