"""Synthetic records of whole cells, as the lifecycle writes them, for report tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from harness.contract import SERVICES, WEB
from harness.expectations import STRATEGIES, ChangeOutcome, VersionOutcome, expected
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool

START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
VERSIONS = {Tool.TERRAFORM: "terraform 1.15.5", Tool.CDK: "aws-cdk 2.1148.1"}
ENGINES = {Tool.TERRAFORM: "stand-in provider + moto 5.2.5", Tool.CDK: "moto 5.2.5 CloudFormation"}


@dataclass
class CellBuilder:
    """Records of one cell: each ``add`` appends one phase, ``duration_s`` after the last."""

    run_id: str
    tool: Tool
    strategy: Strategy
    kind: ChangeKind
    repetition: int = 0
    env_name: str = "c1"
    clock: datetime = START
    records: list[Record] = field(default_factory=list)

    def add(self, phase: Phase, duration_s: float, step: str = "", **values: object) -> CellBuilder:
        self.clock += timedelta(seconds=duration_s)
        fields: dict[str, object] = {
            "run_id": self.run_id,
            "tool": self.tool,
            "tool_version": VERSIONS[self.tool],
            "engine": ENGINES[self.tool],
            "target": "embedded",
            "strategy": self.strategy,
            "change_kind": self.kind,
            "phase": phase,
            "status": Status.OK,
            "duration_s": duration_s,
            "env_name": self.env_name,
            "repetition": self.repetition,
            "step": step,
            "git_commit": "abc1234",
            "machine": "ci-box x86_64 3.11.9",
            "timestamp": self.clock.isoformat(timespec="milliseconds"),
        }
        fields.update(values)
        self.records.append(Record(**fields))  # type: ignore[arg-type]
        return self


def full_cell(
    run_id: str,
    tool: Tool,
    strategy: Strategy,
    kind: ChangeKind,
    *,
    after_infra: str | dict[str, str],
    applied_now: bool | None,
    applied_next: bool | None = None,
    drift_after_app_update: bool = False,
    repetition: int = 0,
    env_name: str = "c1",
    start: datetime = START,
    scale: float = 1.0,
) -> list[Record]:
    """A cell that ran to the end: v1 deployed, v2 by the script, then the infra update.

    ``after_infra``: the tag every service ran after the infra update, or one per service.
    """
    infra = after_infra if isinstance(after_infra, dict) else dict.fromkeys(SERVICES, after_infra)
    cell = CellBuilder(run_id, tool, strategy, kind, repetition, env_name, start)
    cell.add(Phase.APP, 10 * scale, timings={"startup": 1.0, "aws": 4.0},
             api_calls={"ecs:CreateService": 3, "ecs:RegisterTaskDefinition": 4},
             version_expected="v1", version_after="v1", versions_after=_all("v1"))  # fmt: skip
    cell.add(Phase.POST_DEPLOY, 2 * scale, api_calls={"ecs:RunTask": 1})
    cell.add(
        Phase.DRIFT,
        3 * scale,
        "after-deploy",
        drift_detected=False,
        api_calls={"ecs:DescribeServices": 2},
    )
    cell.add(Phase.APP_UPDATE, 4 * scale, version_before="v1", version_expected="v2",
             version_after="v2", versions_after=_all("v2"),
             api_calls={"ecs:UpdateService": 3})  # fmt: skip
    drift_items = ("aws_ecs_service.web",) if drift_after_app_update else ()
    cell.add(Phase.DRIFT, 3 * scale, "after-app-update", drift_detected=drift_after_app_update,
             drift=drift_items, api_calls={"ecs:DescribeServices": 2})  # fmt: skip
    cell.add(Phase.INFRA_UPDATE, 8 * scale, timings={"startup": 1.0, "aws": 2.0},
             version_before="v2", version_after=infra[WEB], versions_after=infra,
             infra_change_applied=applied_now,
             api_calls={"ecs:UpdateService": 1, "logs:PutRetentionPolicy": 1})  # fmt: skip
    cell.add(Phase.DRIFT, 3 * scale, "after-infra-update", drift_detected=False)
    if applied_next is not None:
        cell.add(Phase.APP_UPDATE, 4 * scale, "next", version_before=infra[WEB],
                 version_expected="v3", version_after="v3", versions_after=_all("v3"),
                 infra_change_applied=applied_next)  # fmt: skip
    cell.add(Phase.DESTROY, 5 * scale, "app", api_calls={"ecs:DeleteService": 3})
    return cell.records


def _all(tag: str) -> dict[str, str]:
    return dict.fromkeys(SERVICES, tag)


def documented_cell(
    run_id: str,
    tool: Tool,
    strategy: Strategy,
    kind: ChangeKind,
    *,
    env_name: str,
    start: datetime,
    scale: float = 1.0,
    repetition: int = 0,
    version: VersionOutcome | None = None,
) -> list[Record]:
    """A cell that behaved as documented (or with ``version`` instead of the documented one)."""
    exp = expected(tool, strategy, kind)
    outcomes = dict.fromkeys(SERVICES, version) if version else dict(exp.services)
    applied_now = {ChangeOutcome.NOW: True, ChangeOutcome.DEFERRED: False,
                   ChangeOutcome.NOT_APPLIED: False}.get(exp.change)  # fmt: skip
    applied_next = {ChangeOutcome.DEFERRED: True, ChangeOutcome.NOT_APPLIED: False}.get(exp.change)
    return full_cell(
        run_id, tool, strategy, kind,
        after_infra={s: "v2" if o is VersionOutcome.KEPT else "v1" for s, o in outcomes.items()},
        applied_now=applied_now, applied_next=applied_next,
        drift_after_app_update=exp.drift_after_app_update,
        repetition=repetition, env_name=env_name, start=start, scale=scale,
    )  # fmt: skip


def base_records(run_id: str, tool: Tool, start: datetime, end: datetime) -> list[Record]:
    """The base deploy (30 s before ``start``) and its destroy (20 s after ``end``)."""
    name = f"{'tf' if tool is Tool.TERRAFORM else 'cdk'}-base"
    deploy = CellBuilder(
        run_id, tool, STRATEGIES[tool][0], ChangeKind.NONE, 0, name, start - timedelta(seconds=30)
    )
    deploy.add(Phase.BASE, 30.0, api_calls={"ec2:CreateVpc": 1})
    destroy = CellBuilder(run_id, tool, STRATEGIES[tool][0], ChangeKind.NONE, 0, name, end)
    destroy.add(Phase.DESTROY, 20.0, "base", api_calls={"ec2:DeleteVpc": 1})
    return deploy.records + destroy.records
