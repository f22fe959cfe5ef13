"""What a result is: one self-describing record per phase, stored as JSON lines.

The report is built from these files alone, so runs from several machines merge. A record
never changes once written; the writer flushes each line so a crash loses nothing finished.
Loaders upgrade old schemas (see ``_UPGRADES``) instead of refusing them.

What each field means is in ``docs/design.md`` ("Records"); the format belongs to this
module: readers (the report, the comparison) import nothing of the producers.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from harness.errors import RecordError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
"""2: ``versions_after`` (per service), ``api_calls_on_behalf`` (apart from ``api_calls``),
``min_healthy_targets``. 3: ``failure_kind`` and ``tool_state`` (the failure scenarios),
``live_drift_detected`` and ``live_drift`` (CloudFormation drift detection of the live
resources, beside the tool's own check). 4: ``stack`` (which stack profile ran)."""


class Tool(StrEnum):
    TERRAFORM = "terraform"
    CDK = "cdk"


class Phase(StrEnum):
    BASE = "base"
    APP = "app"
    POST_DEPLOY = "post-deploy"
    APP_UPDATE = "app-update"
    INFRA_UPDATE = "infra-update"
    DRIFT = "drift"
    DESTROY = "destroy"


class Strategy(StrEnum):
    PLAIN = "plain"
    IGNORE_CHANGES = "ignore-changes"
    UNPINNED = "unpinned"
    PINNED = "pinned"
    LATEST_REVISION = "latest-revision"
    """Terraform: ``max(resource, data source)`` revision; CDK: ``TaskDefinitionRevision.LATEST``."""
    TRACK_LATEST = "track-latest"
    """Terraform: ``track_latest = true`` on ``aws_ecs_task_definition`` (provider >= 5.37.0)."""
    SSM_TAG = "ssm-tag"
    """The pipeline writes the version to SSM; the stack reads it at apply/deploy time."""
    HOTSWAP = "hotswap"
    """CDK: the app update is ``cdk deploy --hotswap`` instead of the shared script."""


class ChangeKind(StrEnum):
    NONE = "none"
    UNRELATED = "unrelated-resource"
    SERVICE = "service-property"
    TASK_DEFINITION = "task-definition-property"
    DESIRED_COUNT = "desired-count"
    """Scaling: the web service's desired count."""
    SECURITY_GROUP_RULE = "security-group-rule"
    """A rule on the base layer's app security group, which the services run in."""
    SERVICE_REPLACEMENT = "service-replacement"
    """A create-only (CloudFormation) / ForceNew (Terraform) argument of the web service."""
    TASK_SIZE = "task-size"
    """The task's cpu and memory (task definition level, not container)."""


class FailureKind(StrEnum):
    """The failure scenarios (records of the regular matrix have none): an app update to a
    version that cannot start, and the tool's infra update applied while it fails."""

    BROKEN_APP_UPDATE = "broken-app-update"
    INFRA_UPDATE_WHILE_FAILING = "infra-update-while-failing"


class Status(StrEnum):
    OK = "ok"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CallCounts:
    """API calls counted at the emulator: a caller's own, and those services made for it."""

    own: dict[str, int] = field(default_factory=dict)
    on_behalf: dict[str, dict[str, int]] = field(default_factory=dict)
    """Service that made the calls (``cloudformation``) -> ``service:Action`` -> count."""
    faults_injected: dict[str, dict[str, int]] = field(default_factory=dict)
    """``service:Action`` -> fault kind -> how many of those calls the emulator faulted."""
    retries: dict[str, dict[str, int]] = field(default_factory=dict)
    """``service:Action`` -> what the attempt before met (fault kind or ``none``) -> requests
    that said they were a retry (``amz-sdk-request: attempt=N``)."""
    busy_s: float = 0.0
    """Seconds the emulator was serving at least one of these calls."""

    def since(self, before: CallCounts) -> CallCounts:
        """The calls made after the snapshot ``before``."""
        return CallCounts(
            own=_difference(self.own, before.own),
            on_behalf=_nested_difference(self.on_behalf, before.on_behalf),
            faults_injected=_nested_difference(self.faults_injected, before.faults_injected),
            retries=_nested_difference(self.retries, before.retries),
            busy_s=max(self.busy_s - before.busy_s, 0.0),
        )


def _nested_difference(
    now: dict[str, dict[str, int]], before: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    return {
        key: diff
        for key, counts in sorted(now.items())
        if (diff := _difference(counts, before.get(key, {})))
    }


def _difference(now: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: n - before.get(k, 0) for k, n in sorted(now.items()) if n - before.get(k, 0)}


@dataclass(frozen=True, slots=True)
class Record:
    """One phase of one cell (tool x strategy x change kind x repetition) of a run."""

    run_id: str
    tool: Tool
    tool_version: str
    engine: str
    """Which pieces served the tool: provider (real or stand-in), emulator and its layers."""
    target: str
    strategy: Strategy
    change_kind: ChangeKind
    phase: Phase
    status: Status
    duration_s: float
    env_name: str = ""
    repetition: int = 0
    step: str = ""
    """Sub-step within the phase when a phase is recorded in parts (e.g. ``synth``, ``drift-after``)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Split of ``duration_s`` where measured: ``startup``, ``synth``, ``aws``, ``tool``."""
    api_calls: dict[str, int] = field(default_factory=dict)
    """Calls the tool (or script) made itself, ``service:Action`` -> count, counted at the emulator."""
    api_calls_on_behalf: dict[str, dict[str, int]] = field(default_factory=dict)
    """Calls a service made to carry out the tool's requests, by that service:
    ``{"cloudformation": {"ecs:CreateService": 3}}``."""
    api_busy_s: float | None = None
    """Seconds during the phase that the emulator was serving at least one of these calls
    (the AWS side's share of ``duration_s``; None where calls are not counted)."""
    error: str | None = None
    version_before: str | None = None
    """The running version (the web service's image tag, as the contract defines it) before."""
    version_after: str | None = None
    versions_after: dict[str, str] = field(default_factory=dict)
    """Image tag each service ran after the phase, ``{"web": "v2", "worker": "v2", ...}``."""
    version_expected: str | None = None
    infra_change_applied: bool | None = None
    min_healthy_targets: int | None = None
    """Fewest healthy targets of the web target group seen while the phase ran (None: not
    sampled); 0 means nothing served the app at that moment: downtime."""
    drift_detected: bool | None = None
    drift: tuple[str, ...] = ()
    """What the tool's own check reported as differing (resource addresses / logical ids)."""
    failure_kind: FailureKind | None = None
    """Which failure scenario the record belongs to (None: the regular lifecycle)."""
    tool_state: str | None = None
    """What the tool was left in after the phase: the stack's status (CDK), ``lock held`` or
    ``unlocked`` (Terraform's state lock); None where not read."""
    live_drift_detected: bool | None = None
    """CloudFormation drift detection of the stack's live resources (CDK drift checks only;
    None: not run, e.g. Terraform, whose plan already refreshes from live state)."""
    live_drift: dict[str, list[str]] = field(default_factory=dict)
    """Logical id of each drifted resource -> the property paths that differ (empty: deleted)."""
    faults: str = ""
    """The emulator's fault plan during the run (``harness.fidelity.faults``), "" when off."""
    faults_injected: dict[str, dict[str, int]] = field(default_factory=dict)
    """Faults the emulator injected into this phase's calls: ``service:Action`` -> kind -> n."""
    retries_seen: dict[str, dict[str, int]] = field(default_factory=dict)
    """Requests of the phase that said they were a retry, ``service:Action`` -> what the
    attempt before met (a fault kind, or ``none``) -> n."""
    stack: str = ""
    """Which stack ran: its profile's name, and for upstream code ``(repository@commit)``,
    e.g. ``harness-terraform`` or ``author-terraform (briancaffey/terraform-aws-django@0980129)``."""
    git_commit: str = ""
    machine: str = ""
    timestamp: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds")
    )
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["drift"] = list(self.drift)
        return data

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Record:
        data = upgrade(dict(raw))
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise RecordError(f"record has unknown fields {sorted(unknown)}: {raw}")
        try:
            data["tool"] = Tool(data["tool"])
            data["strategy"] = Strategy(data["strategy"])
            data["change_kind"] = ChangeKind(data["change_kind"])
            data["phase"] = Phase(data["phase"])
            data["status"] = Status(data["status"])
            data["drift"] = tuple(data.get("drift") or ())
            if data.get("failure_kind") is not None:
                data["failure_kind"] = FailureKind(data["failure_kind"])
            return cls(**data)
        except (KeyError, ValueError, TypeError) as exc:
            raise RecordError(f"malformed record ({exc}): {raw}") from exc


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 measured the web service only, and kept CloudFormation's calls for the tool
    among its own as ``cloudformation>svc:Action``."""
    if data.get("version_after") is not None:
        data["versions_after"] = {"web": data["version_after"]}
    own: dict[str, int] = {}
    on_behalf: dict[str, dict[str, int]] = {}
    for call, n in (data.get("api_calls") or {}).items():
        via, sep, inner = call.partition(">")
        if sep:
            on_behalf.setdefault(via, {})[inner] = n
        else:
            own[call] = n
    data["api_calls"], data["api_calls_on_behalf"] = own, on_behalf
    return data


def _upgrade_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 had no failure scenarios (every record is of the regular lifecycle) and ran no
    drift detection on the live resources (not checked)."""
    data.setdefault("failure_kind", None)
    data.setdefault("tool_state", None)
    data.setdefault("live_drift_detected", None)
    data.setdefault("live_drift", {})
    return data


def _upgrade_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 had no stack profiles: every record is of our own stack of its tool."""
    data.setdefault("stack", f"harness-{data.get('tool', '')}")
    return data


# schema version -> function turning a record of that version into the next one
_UPGRADES: dict[int, Any] = {1: _upgrade_v1, 2: _upgrade_v2, 3: _upgrade_v3}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored record up to ``SCHEMA_VERSION``."""
    version = int(data.get("schema_version", 1))
    if version > SCHEMA_VERSION:
        raise RecordError(
            f"record schema {version} is newer than this harness ({SCHEMA_VERSION}): upgrade the harness"
        )
    while version < SCHEMA_VERSION:
        data = _UPGRADES[version](data)
        version += 1
        data["schema_version"] = version
    return data


class RecordWriter:
    """Append-only JSON-lines writer; each record is flushed and fsynced as it is written.

    Parallel cells share one writer: a lock keeps each line whole.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, record: Record) -> None:
        line = json.dumps(record.to_dict(), sort_keys=True) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def load(paths: Iterable[Path]) -> Iterator[Record]:
    """Every record in ``paths`` (files, or folders holding ``records.jsonl``), in order.

    A truncated last line (a run killed mid-write) is skipped; any other bad line raises.
    """
    for path in paths:
        file = path / "records.jsonl" if path.is_dir() else path
        if not file.exists():
            raise RecordError(
                f"no records at {path}: expected a records.jsonl file or a folder holding one"
            )
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RecordError(f"cannot read {file} ({exc}): is it a records.jsonl?") from None
        lines = text.splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                if number == len(lines) and not text.endswith("\n"):
                    log.warning("%s:%d: last line cut short (a run killed while writing it): "
                                "skipped", file, number)  # fmt: skip
                    continue
                raise RecordError(
                    f"{file}:{number}: not JSON ({exc}): the file is damaged; "
                    "remove that line or re-run"
                ) from exc
            try:
                yield Record.from_dict(raw)
            except RecordError as exc:
                raise RecordError(f"{file}:{number}: {exc}") from None
