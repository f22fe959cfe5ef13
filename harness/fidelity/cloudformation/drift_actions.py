"""CloudFormation's drift-detection actions: DetectStackDrift and what reads its results.

Detection runs within the call (as everything here does), so the status answered next is
already DETECTION_COMPLETE.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.core.responses import ActionResult

from harness.fidelity.cloudformation import drift, requests, store
from harness.fidelity.cloudformation.errors import ValidationError
from harness.fidelity.cloudformation.model import now

_detections: dict[str, dict[str, Any]] = {}


def detect_stack_drift(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    wanted = set(p.get("LogicalResourceIds") or [])
    results = [
        drift.detect(stack, r)
        for r in stack.resources.values()
        if not wanted or r.logical_id in wanted
    ]
    drifted = sum(r["StackResourceDriftStatus"] in ("MODIFIED", "DELETED") for r in results)
    stack.drift_status = "DRIFTED" if drifted else "IN_SYNC"
    stack.drift_checked = now()
    stack.resource_drift = {r["LogicalResourceId"]: r for r in results}
    detection_id = str(uuid.uuid4())
    _detections[detection_id] = {
        "StackId": stack.stack_id,
        "StackDriftDetectionId": detection_id,
        "StackDriftStatus": stack.drift_status,
        "DetectionStatus": "DETECTION_COMPLETE",
        "DriftedStackResourceCount": drifted,
        "Timestamp": stack.drift_checked,
    }
    return ActionResult({"StackDriftDetectionId": detection_id})


def describe_stack_drift_detection_status(resp: Any) -> ActionResult:
    detection_id = requests.params(resp)["StackDriftDetectionId"]
    if detection_id not in _detections:
        raise ValidationError(f"Drift detection {detection_id} does not exist")
    return ActionResult(_detections[detection_id])


def describe_stack_resource_drifts(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    wanted = set(p.get("StackResourceDriftStatusFilters") or [])
    drifts = [
        d
        for d in stack.resource_drift.values()
        if not wanted or d["StackResourceDriftStatus"] in wanted
    ]
    return ActionResult({"StackResourceDrifts": drifts})


def detect_stack_resource_drift(resp: Any) -> ActionResult:
    account, region = requests.where(resp)
    p = requests.params(resp)
    stack = store.get_stack(account, region, p["StackName"])
    resource = stack.resources.get(p["LogicalResourceId"])
    if resource is None:
        raise ValidationError(
            f"Resource {p['LogicalResourceId']} does not exist for stack {stack.name}"
        )
    result = drift.detect(stack, resource)
    stack.resource_drift[resource.logical_id] = result
    return ActionResult({"StackResourceDrift": result})
