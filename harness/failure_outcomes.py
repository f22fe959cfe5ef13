"""What one failure cell showed, read from its records alone (the scenarios' and the report's reading).

Pure: no AWS, no tools. The cell itself is :mod:`harness.failures`; what the documentation
says it shows is :mod:`harness.failure_expectations`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.contract import SERVICES
from harness.failure_expectations import BROKEN, GOOD, STUCK_STATES
from harness.records import FailureKind, Record, Status

GOOD_TAG = "v1"
BROKEN_TAG = "v1-broken"
"""The version that cannot start (its tag is in ECR: the script's preflight passes)."""


@dataclass(frozen=True, slots=True)
class FailureObserved:
    """What one failure cell showed, read from its records."""

    app_update_failed: bool
    after_app_update: dict[str, str]
    """Per service: ``good``, ``broken``, or the tag itself if neither."""
    infra_update_failed: bool
    after_infra_update: dict[str, str]
    tool_state: str
    stuck: bool
    min_healthy: dict[str, int | None]
    """Fewest healthy web targets per failure phase (``broken-app-update``, ...)."""
    give_up_s: dict[str, float | None]
    """Per failure phase: seconds until it failed (None: it succeeded)."""
    errors: dict[str, str]

    @property
    def serving(self) -> bool:
        return all(n is not None and n > 0 for n in self.min_healthy.values())


def observe_failure(records: Sequence[Record]) -> FailureObserved:
    """The observation of one failure cell, from its records alone (the report's reading)."""
    phases = {r.failure_kind: r for r in records if r.failure_kind is not None}
    broken = phases.get(FailureKind.BROKEN_APP_UPDATE)
    infra = phases.get(FailureKind.INFRA_UPDATE_WHILE_FAILING)
    state = (infra.tool_state if infra else None) or ""
    return FailureObserved(
        app_update_failed=broken is not None and broken.status is Status.FAILED,
        after_app_update=_classified(broken.versions_after if broken else {}),
        infra_update_failed=infra is not None and infra.status is Status.FAILED,
        after_infra_update=_classified(infra.versions_after if infra else {}),
        tool_state=state,
        stuck=state in STUCK_STATES,
        min_healthy={str(k): r.min_healthy_targets for k, r in phases.items()},
        give_up_s={
            str(k): r.duration_s if r.status is Status.FAILED else None for k, r in phases.items()
        },
        errors={str(k): r.error or "" for k, r in phases.items()},
    )


def _classified(versions: Mapping[str, str]) -> dict[str, str]:
    names = {GOOD_TAG: GOOD, BROKEN_TAG: BROKEN}
    return {s: names.get(versions[s], versions[s]) for s in SERVICES if s in versions}
