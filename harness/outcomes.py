"""What one cell showed, read from its records, and the verdict against the documentation.

One reading serves everyone: the lifecycle returns it, the comparison prints its verdict,
the scenarios assert it and the report tabulates it, so "as documented" means the same
everywhere. Pure functions of records; no I/O.

    seen = observe(records_of_one_cell)
    verdict = judge(seen, expected(tool, strategy, kind))
    verdict.agrees, verdict.disagreements
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from harness.expectations import ChangeOutcome, Expectation, VersionOutcome, overall
from harness.records import ChangeKind, Phase, Record, Status

NEXT_APP_UPDATE = "next"
"""Step of the second app update, run only when the infra change did not take effect at once."""
AFTER_APP_UPDATE = "after-app-update"
"""Step of the drift check that follows the shared script's app update."""


class CellStatus(StrEnum):
    """How one cell of a comparison ended."""

    AS_DOCUMENTED = "as documented"
    DIFFERS = "differs"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Observed:
    """What one cell execution showed, derived from its records."""

    services: dict[str, VersionOutcome] = field(default_factory=dict)
    """Per service: did the infra update keep the version the script deployed?"""
    version_after: str | None = None
    """The running version (web) after the infra update."""
    change: ChangeOutcome | None = None
    drift_after_app_update: bool | None = None
    app_updates_incomplete: tuple[str, ...] = ()
    """Services an app update left on another version than it deployed: ``"worker: v1, not v2"``."""
    failed: str | None = None
    """``"<phase>: <error>"`` of the first phase that did not finish, if any."""
    interrupted: bool = False

    @property
    def version(self) -> VersionOutcome | None:
        return overall(self.services)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Everything a cell was checked for; it agrees only if nothing disagrees."""

    disagreements: tuple[str, ...]

    @property
    def agrees(self) -> bool:
        return not self.disagreements


def find(records: Sequence[Record], phase: Phase, step: str = "") -> Record | None:
    return next((r for r in records if r.phase is phase and r.step == step), None)


def observe(records: Sequence[Record]) -> Observed:
    """The outcome of one cell execution, read from its records."""
    broken = next((r for r in records if r.status is not Status.OK), None)
    if broken is not None:
        where = f"{broken.phase} ({broken.step})" if broken.step else str(broken.phase)
        return Observed(
            failed=f"{where}: {broken.error or broken.status}",
            interrupted=broken.status is Status.INTERRUPTED,
        )
    app_update, infra = find(records, Phase.APP_UPDATE), find(records, Phase.INFRA_UPDATE)
    if app_update is None or infra is None:
        return Observed(app_updates_incomplete=_incomplete(records))
    deployed = app_update.versions_after
    services = {
        service: VersionOutcome.KEPT if tag == deployed.get(service) else VersionOutcome.ROLLED_BACK
        for service, tag in infra.versions_after.items()
    }
    drift = find(records, Phase.DRIFT, AFTER_APP_UPDATE)
    return Observed(
        services=services,
        version_after=infra.version_after,
        change=_change(records, infra),
        drift_after_app_update=drift.drift_detected if drift else None,
        app_updates_incomplete=_incomplete(records),
    )


def _incomplete(records: Sequence[Record]) -> tuple[str, ...]:
    """Services an app update did not bring to the version it deployed."""
    found = []
    for record in records:
        if record.phase is not Phase.APP_UPDATE or record.version_expected is None:
            continue
        for service, tag in sorted(record.versions_after.items()):
            if tag != record.version_expected:
                found.append(f"{service}: {tag}, not {record.version_expected}")
    return tuple(found)


def _change(records: Sequence[Record], infra: Record) -> ChangeOutcome | None:
    if infra.change_kind is ChangeKind.NONE:
        return ChangeOutcome.NOT_APPLICABLE
    if infra.infra_change_applied:
        return ChangeOutcome.NOW
    after = find(records, Phase.APP_UPDATE, NEXT_APP_UPDATE)
    if after is None or after.infra_change_applied is None:
        return None
    return ChangeOutcome.DEFERRED if after.infra_change_applied else ChangeOutcome.NOT_APPLIED


def judge(observed: Observed, expectation: Expectation) -> Verdict:
    """Every check of a cell: it finished, the app updates deployed what they said, each
    service's version, the infra change and the drift after the app update as documented."""
    if observed.failed:
        return Verdict((f"failed in {observed.failed}",))
    found = [f"app update left {text}" for text in observed.app_updates_incomplete]
    if not observed.services:
        found.append("no service versions were recorded after the infra update")
    for service, outcome in sorted(observed.services.items()):
        want = expectation.services.get(service)
        if want is not None and outcome is not want:
            found.append(f"{service}: {outcome} (expected {want})")
    if observed.change is not expectation.change:
        found.append(
            f"infra change: {observed.change or 'unknown'} (expected {expectation.change})"
        )
    if observed.drift_after_app_update is not expectation.drift_after_app_update:
        seen = _yes_no(observed.drift_after_app_update)
        want_drift = _yes_no(expectation.drift_after_app_update)
        found.append(f"drift after the app update: {seen} (expected {want_drift})")
    return Verdict(tuple(found))


def _yes_no(value: bool | None) -> str:
    return "not checked" if value is None else "yes" if value else "no"


def cell_status(observed: Observed, verdict: Verdict) -> CellStatus:
    if observed.interrupted:
        return CellStatus.INTERRUPTED
    if observed.failed:
        return CellStatus.FAILED
    return CellStatus.AS_DOCUMENTED if verdict.agrees else CellStatus.DIFFERS
