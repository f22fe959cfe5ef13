"""The report's tables, computed from records alone: pure functions, no I/O, no plotting.

A :class:`Table` holds raw values (numbers stay numbers, a verdict is a :class:`Judged`); the
renderers format them. Records of several runs (CI jobs, machines) are grouped by cell, so
repetitions and merged runs count alike. What a cell showed and whether that is as documented
is :mod:`harness.outcomes`' reading, the same the comparison and the scenarios make. This
module covers what a cell did (outcomes, versions, drift); ``stats.py`` covers time and API
calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.expectations import STRATEGIES, ChangeOutcome, Expectation, VersionOutcome, expected
from harness.outcomes import NEXT_APP_UPDATE, Observed, judge, observe
from harness.records import ChangeKind, Phase, Record, Strategy, Tool


@dataclass(frozen=True, slots=True)
class Judged:
    """A table value that carries a verdict: renderers mark it from ``agrees``, not its text."""

    text: str
    agrees: bool

    def __str__(self) -> str:
        return self.text


Value = str | int | float | Judged | None


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table with a one- or two-sentence explanation for readers who never saw the code."""

    title: str
    explanation: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]

    def column(self, name: str) -> list[Value]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True, slots=True)
class CellKey:
    """One execution of one cell: a tool and strategy with one change kind, in one run."""

    run_id: str
    tool: Tool
    strategy: Strategy
    change_kind: ChangeKind
    repetition: int
    env_name: str


def observed_text(observed: Observed) -> str:
    """How one cell execution reads in the report: versions per fleet, then the change."""
    if observed.failed:
        return f"failed in {observed.failed}"
    if observed.version is None:
        return "incomplete"
    if observed.version is VersionOutcome.KEPT:
        version = f"{observed.version_after} kept"
    elif observed.version is VersionOutcome.ROLLED_BACK:
        version = f"rolled back to {observed.version_after}"
    else:
        by = {o: [s for s, v in observed.services.items() if v is o] for o in VersionOutcome}
        version = (
            f"mixed: {', '.join(by[VersionOutcome.ROLLED_BACK])} rolled back, "
            f"{', '.join(by[VersionOutcome.KEPT])} kept"
        )
    return f"{version} / {CHANGE_TEXT.get(observed.change, 'change unknown')}"


CHANGE_TEXT: dict[ChangeOutcome | None, str] = {
    ChangeOutcome.NOW: "change now",
    ChangeOutcome.DEFERRED: "change deferred to the next app update",
    ChangeOutcome.NOT_APPLIED: "change not applied",
    ChangeOutcome.NOT_APPLICABLE: "no change",
}

PHASE_ORDER: tuple[tuple[Phase, str], ...] = (
    (Phase.BASE, ""),
    (Phase.APP, ""),
    (Phase.POST_DEPLOY, ""),
    (Phase.DRIFT, "after-deploy"),
    (Phase.APP_UPDATE, ""),
    (Phase.DRIFT, "after-app-update"),
    (Phase.INFRA_UPDATE, ""),
    (Phase.DRIFT, "after-infra-update"),
    (Phase.APP_UPDATE, NEXT_APP_UPDATE),
    (Phase.DESTROY, "app"),
    (Phase.DESTROY, "base"),
)


def phase_label(phase: Phase, step: str) -> str:
    return f"{phase} ({step})" if step else str(phase)


def phase_sort_key(phase: Phase, step: str) -> tuple[int, str]:
    try:
        return PHASE_ORDER.index((phase, step)), ""
    except ValueError:
        return len(PHASE_ORDER), phase_label(phase, step)


def cell_key(record: Record) -> CellKey:
    return CellKey(
        record.run_id,
        record.tool,
        record.strategy,
        record.change_kind,
        record.repetition,
        record.env_name,
    )


def cells(records: Iterable[Record]) -> dict[CellKey, list[Record]]:
    """Records grouped by cell execution, base-layer records left out (they belong to no cell)."""
    grouped: dict[CellKey, list[Record]] = {}
    for record in records:
        if record.phase is Phase.BASE or (record.phase, record.step) == (Phase.DESTROY, "base"):
            continue
        grouped.setdefault(cell_key(record), []).append(record)
    return grouped


def documented(tool: Tool, strategy: Strategy, kind: ChangeKind) -> Expectation | None:
    """The documented outcome, or None for a cell the expectations do not cover yet."""
    try:
        return expected(tool, strategy, kind)
    except ValueError:
        return None


def expected_text(expectation: Expectation) -> str:
    change = (
        "no change" if expectation.change is ChangeOutcome.NOT_APPLICABLE else expectation.change
    )
    version = str(expectation.version)
    if expectation.version is VersionOutcome.MIXED:
        rolled = [s for s, o in expectation.services.items() if o is VersionOutcome.ROLLED_BACK]
        version = f"mixed, {', '.join(rolled)} rolled back"
    return f"{version}/{change}"


def summarize(observations: Sequence[Observed], expectation: Expectation) -> Value:
    """One matrix cell: what was seen (with counts when repetitions differ) against the docs."""
    if not observations:
        return "not run"
    counts = Counter(observed_text(o) for o in observations)
    seen = "; ".join(text if n == 1 else f"{text} ({n} runs)" for text, n in counts.items())
    verdicts = [judge(o, expectation) for o in observations]
    ok = all(v.agrees for v in verdicts)
    why = sorted({d for v in verdicts for d in v.disagreements})
    verdict = "✓" if ok else f"✗ differs from documented behaviour ({'; '.join(why)})"
    return Judged(f"{seen} (expected: {expected_text(expectation)}) {verdict}", ok)


def matrix_axes(
    present: Iterable[tuple[Tool, Strategy, ChangeKind]],
) -> tuple[list[tuple[Tool, Strategy]], list[ChangeKind]]:
    """The tool-strategy rows and change-kind columns of the cells present, in matrix order."""
    present = set(present)
    rows = [
        (tool, strategy)
        for tool, strategies in STRATEGIES.items()
        for strategy in strategies
        if any((tool, strategy) == (t, s) for t, s, _ in present)
    ]
    kinds = [kind for kind in ChangeKind if any(k is kind for _, _, k in present)]
    return rows, kinds


def observations(
    records: Iterable[Record],
) -> dict[tuple[Tool, Strategy, ChangeKind], list[Observed]]:
    grouped: dict[tuple[Tool, Strategy, ChangeKind], list[Observed]] = {}
    for key, cell_records in sorted(cells(records).items(), key=lambda kv: _cell_order(kv[0])):
        grouped.setdefault((key.tool, key.strategy, key.change_kind), []).append(
            observe(cell_records)
        )
    return grouped


def _cell_order(key: CellKey) -> tuple[str, int, str]:
    return key.run_id, key.repetition, key.env_name


def provider_of(record: Record) -> str:
    """Which provider served the tool: the part of ``engine`` before the endpoint's."""
    return record.engine.split(";", 1)[0].strip()


def by_provider(records: Sequence[Record], tool: Tool) -> list[tuple[str, list[Record]]]:
    """``tool``'s cell records split by provider when runs with several are merged (e.g. the
    real ``hashicorp/aws`` and the stand-in); one unnamed group otherwise."""
    mine = [r for r in records if r.tool is tool and r.env_name]
    providers = sorted({provider_of(r) for r in mine})
    if len(providers) < 2:
        return [("", mine)]
    return [(p, [r for r in mine if provider_of(r) == p]) for p in providers]


def outcome_matrix(records: Sequence[Record]) -> Table:
    seen = observations(records)
    rows, kinds = matrix_axes(seen)
    body = []
    for tool, strategy in rows:
        advice = expected(tool, strategy, ChangeKind.NONE).advice
        for provider, subset in by_provider(records, tool):
            mine = observations(subset)
            outcome = [
                summarize(mine.get((tool, strategy, k), []), expected(tool, strategy, k))
                for k in kinds
            ]
            label = f"{tool} · {strategy}" + (f" ({provider})" if provider else "")
            body.append((label, *outcome, advice))
    return Table(
        "Outcome matrix",
        "Each tool deployed app version v1, the shared script then deployed v2 outside the tool, "
        "and the tool applied its configuration again with one kind of infrastructure change "
        "(columns). Each cell says which version ran afterwards and when the change took effect, "
        "next to what the tool's documentation says (✓ agrees, ✗ differs); the last column says "
        "what a user must do to stay safe. Runs with different providers (Terraform's real "
        "hashicorp/aws and the stand-in) get a row each.",
        ("tool · strategy", *(str(k) for k in kinds), "to stay safe"),
        tuple(body),
    )


def outcome_details(records: Sequence[Record]) -> Table:
    seen = observations(records)
    body = []
    for (tool, strategy, kind), observed in seen.items():
        exp = expected(tool, strategy, kind)
        body.append(
            (
                str(tool),
                str(strategy),
                str(kind),
                summarize(observed, exp),
                _drift_text([o.drift_after_app_update for o in observed]),
                "yes" if exp.drift_after_app_update else "no",
                exp.why,
            )
        )
    body.sort(key=lambda row: _matrix_position(row))
    return Table(
        "Why each outcome happens",
        "The documented reason behind each expected outcome, with the drift the tool's own check "
        "(terraform plan / cdk diff) reported after the out-of-band app update, observed and expected.",
        (
            "tool",
            "strategy",
            "change kind",
            "observed (expected)",
            "drift after app update",
            "drift expected",
            "why",
        ),
        tuple(body),
    )


def _matrix_position(row: tuple[Value, ...]) -> tuple[int, int]:
    order = [(str(t), str(s)) for t, ss in STRATEGIES.items() for s in ss]
    kinds = [str(k) for k in ChangeKind]
    return order.index((str(row[0]), str(row[1]))), kinds.index(str(row[2]))


def _drift_text(values: Sequence[bool | None]) -> str:
    counts = Counter("yes" if v else "no" if v is not None else "not checked" for v in values)
    return "; ".join(text if n == 1 else f"{text} ({n} runs)" for text, n in counts.items())


STRATEGY_TEXT: dict[Strategy, str] = {
    Strategy.PLAIN: "Terraform: the service points at the task definition resource, nothing ignored",
    Strategy.IGNORE_CHANGES: "Terraform: lifecycle { ignore_changes = [task_definition, desired_count] }",
    Strategy.UNPINNED: "CDK: the image tag comes from the CDK code or its config",
    Strategy.PINNED: "CDK: before each deploy the running image tag is read and passed in",
    Strategy.LATEST_REVISION: "Terraform: task_definition = family:max(resource, data source revision); "
    "CDK: taskDefinitionRevision LATEST (the service names the family)",
    Strategy.TRACK_LATEST: "Terraform: track_latest = true on the task definitions",
    Strategy.SSM_TAG: "both: the pipeline writes the version to SSM, the stack reads it at apply/deploy",
    Strategy.HOTSWAP: "CDK: the app update is cdk deploy --hotswap of the new tag, then normal deploys",
}
CHANGE_KIND_TEXT: dict[ChangeKind, str] = {
    ChangeKind.NONE: "the same configuration applied again",
    ChangeKind.UNRELATED: "log retention of the app's log groups (a resource the service does not use)",
    ChangeKind.SERVICE: "health check grace period of the web service (a property of the ECS service)",
    ChangeKind.TASK_DEFINITION: "an environment variable of the containers (a task definition property)",
    ChangeKind.DESIRED_COUNT: "desired count of the web service, 1 -> 2 (scaling)",
    ChangeKind.SECURITY_GROUP_RULE: "an ingress rule of the base's app security group (base layer)",
    ChangeKind.SERVICE_REPLACEMENT: "the web service renamed (create-only ServiceName / ForceNew name)",
    ChangeKind.TASK_SIZE: "cpu and memory of the task definitions, 256/512 -> 512/1024",
}


def glossary() -> Table:
    rows = [("strategy", str(s), text) for s, text in STRATEGY_TEXT.items()]
    rows += [("change kind", str(k), text) for k, text in CHANGE_KIND_TEXT.items()]
    return Table(
        "What the rows and columns mean",
        "The strategies are the ways users configure each tool around a deploy made outside it; "
        "the change kinds are the infrastructure changes applied after that deploy.",
        ("", "name", "meaning"),
        tuple(rows),
    )
