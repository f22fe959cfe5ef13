"""CloudFormation drift detection of one stack's live resources, as ``cdk drift`` runs it.

``cdk diff`` compares templates; only drift detection reads the resources themselves
(CloudFormation User Guide, "Detect unmanaged configuration changes to stacks and resources
with drift detection"). The calls are those of the CDK CLI's ``cdk drift`` (aws-cdk 2.1148:
``DetectStackDrift``, ``DescribeStackDriftDetectionStatus`` until the detection ends, then
``DescribeStackResourceDrifts``), made here through boto3 to read the API's own answer rather
than the CLI's text, and to spare a CLI start per check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from harness.errors import HarnessError

DRIFTED = ("MODIFIED", "DELETED")
"""Resource drift statuses that count as drift; IN_SYNC, NOT_CHECKED and UNKNOWN do not."""
TIMEOUT_S = 300.0
DELAY_S = 1.0


class DriftDetectionError(HarnessError):
    """Drift detection did not end in time."""


@dataclass(frozen=True, slots=True)
class LiveDrift:
    """What drift detection found: the drifted resources and the property paths that differ."""

    drifted: bool
    resources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Logical id -> differing property paths (``/TaskDefinition``); empty for a deleted one."""
    duration_s: float = 0.0


def detect(
    cf: Any, stack_name: str, *, timeout_s: float = TIMEOUT_S, delay_s: float = DELAY_S
) -> LiveDrift:
    """Run drift detection on ``stack_name`` and wait for it (it is asynchronous on AWS)."""
    began = time.perf_counter()
    detection = cf.detect_stack_drift(StackName=stack_name)["StackDriftDetectionId"]
    while True:
        status = cf.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
        # DETECTION_FAILED still leaves the results of the resources it could check.
        if status["DetectionStatus"] != "DETECTION_IN_PROGRESS":
            break
        if time.perf_counter() - began > timeout_s:
            raise DriftDetectionError(f"drift detection of {stack_name} ran over {timeout_s} s")
        time.sleep(delay_s)
    resources = {
        d["LogicalResourceId"]: tuple(p["PropertyPath"] for p in d.get("PropertyDifferences", []))
        for d in _resource_drifts(cf, stack_name)
        if d["StackResourceDriftStatus"] in DRIFTED
    }
    return LiveDrift(bool(resources), dict(sorted(resources.items())), time.perf_counter() - began)


def _resource_drifts(cf: Any, stack_name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    token: dict[str, str] = {}
    while True:
        page = cf.describe_stack_resource_drifts(
            StackName=stack_name, StackResourceDriftStatusFilters=list(DRIFTED), **token
        )
        found += page.get("StackResourceDrifts", [])
        if not page.get("NextToken"):
            return found
        token = {"NextToken": page["NextToken"]}
