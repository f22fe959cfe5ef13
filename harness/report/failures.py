"""The report's failure section: what each tool did with a version that cannot start.

One table per tool and strategy, a row per failure phase of each execution: whether the step
failed, what the documentation says it does, which revision each service's definition names
afterwards, the tool's state (stack status or state lock) and whether it is stuck, how long
until it gave up, and the fewest healthy web targets while the phase ran. From records alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.contract import SERVICES
from harness.expectations import STRATEGIES
from harness.failure_expectations import STUCK_STATES, FailureExpectation, expected_failure
from harness.failure_outcomes import observe_failure
from harness.records import FailureKind, Record, Status, Strategy, Tool
from harness.report.model import Table

COLUMNS = (
    "run",
    "phase",
    "outcome",
    "documented",
    *(f"{s} afterwards" for s in SERVICES),
    "tool state",
    "stuck",
    "gave up after (s)",
    "min healthy web targets",
    "as documented",
)


def regular(records: Sequence[Record]) -> list[Record]:
    """The records of the regular lifecycle (the other sections' input): none of a failure
    cell, whose first deploy and destroy carry no failure kind of their own."""
    failing = {(r.run_id, r.env_name, r.repetition) for r in records if r.failure_kind is not None}
    return [r for r in records if (r.run_id, r.env_name, r.repetition) not in failing]


def failure_tables(records: Sequence[Record]) -> list[Table]:
    """One table per tool and strategy that ran the failure scenarios (none if none did)."""
    cells: dict[tuple[Tool, Strategy], dict[tuple[str, str, int], list[Record]]] = {}
    for r in records:
        if r.failure_kind is not None:
            key = (r.run_id, r.env_name, r.repetition)
            cells.setdefault((r.tool, r.strategy), {}).setdefault(key, []).append(r)
    order = [(tool, s) for tool, strategies in STRATEGIES.items() for s in strategies]
    found = sorted(cells, key=lambda ts: order.index(ts) if ts in order else len(order))
    return [_table(tool, strategy, cells[(tool, strategy)]) for tool, strategy in found]


def _table(
    tool: Tool, strategy: Strategy, executions: dict[tuple[str, str, int], list[Record]]
) -> Table:
    expected = expected_failure(tool, strategy)
    rows = []
    for (run_id, _env, _rep), found in sorted(executions.items()):
        seen = observe_failure(found)
        for r in found:
            assert r.failure_kind is not None
            documented_fails, documented_versions = _documented(expected, r.failure_kind)
            versions = seen.after_app_update
            if r.failure_kind is FailureKind.INFRA_UPDATE_WHILE_FAILING:
                versions = seen.after_infra_update
            failed = r.status is Status.FAILED
            state = r.tool_state or "—"
            agrees = failed is documented_fails and versions == documented_versions
            if r.failure_kind is FailureKind.INFRA_UPDATE_WHILE_FAILING:
                agrees = agrees and state == expected.tool_state
            rows.append(
                (
                    run_id,
                    str(r.failure_kind),
                    _outcome(r),
                    "fails" if documented_fails else "succeeds",
                    *(versions.get(s, "—") for s in SERVICES),
                    state,
                    "yes" if state in STUCK_STATES else "no",
                    round(r.duration_s, 1) if failed else None,
                    r.min_healthy_targets,
                    "yes" if agrees else "no",
                )
            )
    return Table(
        f"Failure scenarios: {tool} · {strategy}",
        "The shared script deploys a version whose tasks cannot start (no deployment circuit "
        "breaker), then the tool applies a change to the web service while it fails. "
        "'afterwards' is the revision each service's definition names (good: the tool's v1; "
        "broken: the script's); 'gave up after' is how long the failed step ran (the script's and "
        "CloudFormation's waits compressed on the emulator). Documented: " + expected.why,
        COLUMNS,
        tuple(rows),
    )


def _documented(expected: FailureExpectation, kind: FailureKind) -> tuple[bool, dict[str, str]]:
    if kind is FailureKind.BROKEN_APP_UPDATE:
        return expected.app_update_fails, dict(expected.after_app_update)
    return expected.infra_update_fails, dict(expected.after_infra_update)


def _outcome(record: Record) -> str:
    if record.status is Status.OK:
        return "succeeded"
    error = (record.error or "").split(":", 1)[0]
    return f"{record.status} ({error})" if error else str(record.status)
