"""Per cell: which app version ran after each phase, what the drift checks said, what failed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.contract import SERVICES
from harness.expectations import STRATEGIES
from harness.outcomes import NEXT_APP_UPDATE, find
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.report.model import CellKey, Table, Value, cells, documented, phase_label

TIMELINE_STEPS: tuple[tuple[str, Phase, str], ...] = (
    ("after app deploy", Phase.APP, ""),
    ("after app update", Phase.APP_UPDATE, ""),
    ("after infra update", Phase.INFRA_UPDATE, ""),
    ("after next app update", Phase.APP_UPDATE, NEXT_APP_UPDATE),
)
DRIFT_STEPS: tuple[tuple[str, str], ...] = (
    ("after deploy", "after-deploy"),
    ("after app update", "after-app-update"),
    ("after infra update", "after-infra-update"),
)
KEY_COLUMNS = ("tool", "strategy", "change kind", "run · repetition")


def _key_cells(key: CellKey) -> tuple[str, str, str, str]:
    return (
        str(key.tool),
        str(key.strategy),
        str(key.change_kind),
        f"{key.run_id} · {key.repetition}",
    )


def _ordered(records: Sequence[Record]) -> list[tuple[CellKey, list[Record]]]:
    """Cells in matrix order: tool and strategy as in ``STRATEGIES``, then change kind, run."""
    order = [(t, s) for t, strategies in STRATEGIES.items() for s in strategies]
    kinds = list(ChangeKind)

    def position(key: CellKey) -> tuple[int, int, str, int, str]:
        pair = (key.tool, key.strategy)
        row = order.index(pair) if pair in order else len(order)
        return row, kinds.index(key.change_kind), key.run_id, key.repetition, key.env_name

    return sorted(cells(records).items(), key=lambda kv: position(kv[0]))


def version_timeline(records: Sequence[Record]) -> Table:
    body = []
    for key, cell_records in _ordered(records):
        versions = [_version(cell_records, phase, step) for _, phase, step in TIMELINE_STEPS]
        body.append((*_key_cells(key), *versions))
    return Table(
        "Version timeline",
        "The image tag the services ran after each phase of each cell (one tag when they all "
        "agree, one per service when they do not): v1 is what the tool deployed, v2 what the "
        "shared script deployed outside the tool, v3 a second script run made only when the "
        "infrastructure change had not taken effect yet (— means not reached).",
        (*KEY_COLUMNS, *(label for label, _, _ in TIMELINE_STEPS)),
        tuple(body),
    )


@dataclass(frozen=True, slots=True)
class ServiceTimeline:
    """The image tag each service ran after each step of ``TIMELINE_STEPS``, for one cell."""

    tool: Tool
    strategy: Strategy
    change_kind: ChangeKind
    run_id: str
    repetition: int
    versions: dict[str, tuple[str | None, ...]]


def service_timelines(records: Sequence[Record]) -> list[ServiceTimeline]:
    found = []
    for key, cell_records in _ordered(records):
        steps = [find(cell_records, phase, step) for _, phase, step in TIMELINE_STEPS]
        seen = {s for r in steps if r is not None for s in r.versions_after}
        services = [s for s in SERVICES if s in seen] + sorted(seen - {*SERVICES})
        versions = {
            service: tuple(r.versions_after.get(service) if r else None for r in steps)
            for service in services
        }
        found.append(
            ServiceTimeline(
                key.tool, key.strategy, key.change_kind, key.run_id, key.repetition, versions
            )
        )
    return found


def _version(records: Sequence[Record], phase: Phase, step: str) -> str | None:
    record = find(records, phase, step)
    if record is None:
        return None
    tags = set(record.versions_after.values())
    if len(tags) > 1:
        return " · ".join(f"{s} {t}" for s, t in record.versions_after.items())
    return record.version_after


def drift_table(records: Sequence[Record]) -> Table:
    body = []
    for key, cell_records in _ordered(records):
        checks: list[Value] = []
        for _, step in DRIFT_STEPS:
            checks += [_drift(cell_records, step), _live_drift(cell_records, step)]
        exp = documented(key.tool, key.strategy, key.change_kind)
        want = None if exp is None else "drift" if exp.drift_after_app_update else "no drift"
        body.append((*_key_cells(key), *checks, want))
    columns = [f"{label}: {check}" for label, _ in DRIFT_STEPS for check in ("tool", "live")]
    return Table(
        "Drift reported by each tool's own check, and by the live state",
        "What terraform plan (-detailed-exitcode) or cdk diff listed as different (tool) after "
        "the tool's deploy, after the out-of-band app update, and after the tool's own update; "
        "beside it, for CDK, what CloudFormation drift detection (DetectStackDrift, as cdk drift "
        "runs it) found on the live resources (live), with the differing properties. Terraform's "
        "plan already refreshes from the live resources, so it has no separate live check (—). "
        "The last column is the documented expectation for the tool's check after the app update.",
        (*KEY_COLUMNS, *columns, "expected after app update"),
        tuple(body),
    )


def _drift(records: Sequence[Record], step: str) -> str | None:
    record = find(records, Phase.DRIFT, step)
    if record is None or record.drift_detected is None:
        return None
    if not record.drift_detected:
        return "no drift"
    return "drift: " + (", ".join(record.drift) if record.drift else "(no details)")


def _live_drift(records: Sequence[Record], step: str) -> str | None:
    record = find(records, Phase.DRIFT, step)
    if record is None or record.live_drift_detected is None:
        return None
    if not record.live_drift_detected:
        return "in sync"
    return "drift: " + ", ".join(
        f"{logical_id} ({', '.join(paths) or 'deleted'})"
        for logical_id, paths in record.live_drift.items()
    )


def drift_side_by_side(records: Sequence[Record]) -> Table:
    """Per tool · strategy: how many cells each check found drifted, step by step."""
    grouped: dict[tuple[Tool, Strategy], list[list[Record]]] = {}
    for key, cell_records in _ordered(records):
        grouped.setdefault((key.tool, key.strategy), []).append(cell_records)
    body = []
    for (tool, strategy), groups in grouped.items():
        counts: list[Value] = []
        for _, step in DRIFT_STEPS:
            found = [find(rs, Phase.DRIFT, step) for rs in groups]
            checked = [r for r in found if r is not None]
            counts.append(_share([r.drift_detected for r in checked]))
            counts.append(_share([r.live_drift_detected for r in checked]))
        body.append((f"{tool} · {strategy}", *counts))
    columns = [
        f"{label}: {check}"
        for label, _ in DRIFT_STEPS
        for check in ("plan / cdk diff", "live (drift detection)")
    ]
    return Table(
        "Drift: template, plan and live state side by side",
        "In how many cells each check reported drift. terraform plan refreshes the live "
        "resources before comparing them with the configuration; cdk diff compares the "
        "synthesized template with the deployed one and never reads the resources; "
        "CloudFormation drift detection (DetectStackDrift and DescribeStackResourceDrifts, what "
        "cdk drift calls) compares the deployed template with the live resources. — means not "
        "run (Terraform has no separate live check).",
        ("tool · strategy", *columns),
        tuple(body),
    )


def _share(values: Sequence[bool | None]) -> str | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return f"drift in {sum(known)} of {len(known)}"


HEALTH_STEPS: tuple[tuple[str, Phase, str], ...] = TIMELINE_STEPS[1:]
"""The phases sampled for healthy targets: after the first deploy, the app is meant to serve."""


def health_table(records: Sequence[Record]) -> Table:
    body = []
    for key, cell_records in _ordered(records):
        found = [find(cell_records, phase, step) for _, phase, step in HEALTH_STEPS]
        fewest = [r.min_healthy_targets if r is not None else None for r in found]
        sampled = [n for n in fewest if n is not None]
        verdict = ("downtime" if 0 in sampled else "served throughout") if sampled else None
        body.append((*_key_cells(key), *fewest, verdict))
    return Table(
        "Healthy web targets during each phase",
        "The fewest healthy targets the web service's target group had while each phase ran "
        "(ELB DescribeTargetHealth, sampled every 0.2 s; no container runs, the emulator's "
        "targets follow ECS's task lifecycle). Zero at any moment is downtime; — means not "
        "sampled.",
        (*KEY_COLUMNS, *(label.replace("after", "during") for label, _, _ in HEALTH_STEPS),
         "downtime"),
        tuple(body),
    )  # fmt: skip


def failures(records: Sequence[Record]) -> Table:
    """Every phase that did not finish, base layers included, with the error it ended with."""
    body = [
        (str(r.tool), str(r.strategy), str(r.change_kind), r.env_name or "(base layer)",
         phase_label(r.phase, r.step), str(r.status), r.error or "")
        for r in records
        if r.status is not Status.OK
    ]  # fmt: skip
    return Table(
        "Phases that did not finish",
        "Every phase that failed or was interrupted, with the error it ended with. A cell whose "
        "phase failed still destroyed its app layer; its outcome above reads 'failed in ...'.",
        ("tool", "strategy", "change kind", "environment", "phase", "status", "error"),
        tuple(body),
    )
