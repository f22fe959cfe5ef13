"""What a cell did, read from its records: outcomes, the matrix, the reasons."""

from __future__ import annotations

from harness.expectations import ChangeOutcome, VersionOutcome, expected
from harness.outcomes import Observed, observe
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.report import model
from harness.report.model import Judged, observed_text

from .records_builder import full_cell


def cell(kind: ChangeKind = ChangeKind.SERVICE, **kwargs: object) -> list[Record]:
    values: dict[str, object] = {"after_infra": "v2", "applied_now": True} | kwargs
    return full_cell("run", Tool.TERRAFORM, Strategy.IGNORE_CHANGES, kind, **values)  # type: ignore[arg-type]


def test_observe_kept_version_and_change_now() -> None:
    seen = observe(cell(drift_after_app_update=True))
    kept = dict.fromkeys(("web", "worker", "beat"), VersionOutcome.KEPT)
    assert seen == Observed(kept, "v2", ChangeOutcome.NOW, True)
    assert observed_text(seen) == "v2 kept / change now"


def test_observe_rollback_and_change_deferred_to_the_next_app_update() -> None:
    seen = observe(cell(after_infra="v1", applied_now=False, applied_next=True))
    assert (seen.version, seen.change) == (VersionOutcome.ROLLED_BACK, ChangeOutcome.DEFERRED)
    assert observed_text(seen) == "rolled back to v1 / change deferred to the next app update"


def test_observe_a_mixed_fleet() -> None:
    seen = observe(cell(after_infra={"web": "v1", "worker": "v2", "beat": "v2"}))
    assert seen.version is VersionOutcome.MIXED
    assert seen.services["web"] is VersionOutcome.ROLLED_BACK
    assert observed_text(seen) == "mixed: web rolled back, worker, beat kept / change now"


def test_observe_change_never_applied() -> None:
    seen = observe(cell(applied_now=False, applied_next=False))
    assert seen.change is ChangeOutcome.NOT_APPLIED


def test_observe_no_change_kind_is_not_applicable() -> None:
    seen = observe(cell(ChangeKind.NONE, applied_now=None))
    assert seen.change is ChangeOutcome.NOT_APPLICABLE
    assert observed_text(seen) == "v2 kept / no change"


def test_observe_a_failed_phase_names_it_and_its_error() -> None:
    records = cell()
    failed = [
        r
        if r.phase is not Phase.INFRA_UPDATE
        else _replace(r, status=Status.FAILED, error="CommandError: boom")
        for r in records
    ]
    assert observed_text(observe(failed)) == "failed in infra-update: CommandError: boom"


def _replace(record: Record, **values: object) -> Record:
    return Record.from_dict(record.to_dict() | values)


def test_summarize_counts_differing_repetitions_and_flags_the_difference() -> None:
    exp = expected(Tool.TERRAFORM, Strategy.IGNORE_CHANGES, ChangeKind.SERVICE)
    kept = observe(cell())
    rolled = observe(cell(after_infra="v1"))
    assert model.summarize([kept, kept], exp) == Judged(
        "v2 kept / change now (2 runs) (expected: kept/now) ✓", agrees=True
    )
    assert model.summarize([kept, rolled], exp) == Judged(
        "v2 kept / change now; rolled back to v1 / change now (expected: kept/now) "
        "✗ differs from documented behaviour (beat: rolled-back (expected kept); "
        "web: rolled-back (expected kept); worker: rolled-back (expected kept))",
        agrees=False,
    )
    assert model.summarize([], exp) == "not run"


def test_outcome_matrix_has_a_row_per_tool_and_strategy_and_a_column_per_change_kind(
    run_a: list[Record],
) -> None:
    table = model.outcome_matrix(run_a)
    assert table.columns == (
        "tool · strategy",
        "none",
        "unrelated-resource",
        "service-property",
        "task-definition-property",
        "to stay safe",
    )
    assert table.column("tool · strategy") == [
        "terraform · plain",
        "terraform · ignore-changes",
        "cdk · unpinned",
        "cdk · pinned",
    ]
    assert [str(v) for v in table.rows[1]] == [
        "terraform · ignore-changes",
        "v2 kept / no change (expected: kept/no change) ✓",
        "v2 kept / change now (expected: kept/now) ✓",
        "v2 kept / change now (expected: kept/now) ✓",
        "v2 kept / change deferred to the next app update (expected: kept/deferred) ✓",
        "safe for the version; task definition changes wait for the next app update",
    ]
    assert all(isinstance(v, Judged) and v.agrees for v in table.rows[1][1:5])


def test_outcome_matrix_flags_the_cell_that_differs_from_the_documentation(
    run_a: list[Record],
) -> None:
    table = model.outcome_matrix(run_a)
    unpinned = table.rows[2]
    assert unpinned[3] == Judged(
        "v2 kept / change now (expected: mixed, web rolled back/now) ✗ differs from documented "
        "behaviour (web: kept (expected rolled-back))",
        agrees=False,
    )
    judged = [v for row in table.rows for v in row if isinstance(v, Judged)]
    assert [v.agrees for v in judged].count(False) == 1


def test_outcome_matrix_merges_runs_as_repetitions(merged: list[Record]) -> None:
    plain = model.outcome_matrix(merged).rows[0]
    assert str(plain[1]) == (
        "rolled back to v1 / no change (2 runs) (expected: rolled-back/no change) ✓"
    )
    assert str(plain[2]) == "rolled back to v1 / change now (expected: rolled-back/now) ✓"


def test_outcome_details_carry_the_documented_why_and_drift(run_a: list[Record]) -> None:
    table = model.outcome_details(run_a)
    assert len(table.rows) == 16
    first = dict(zip(table.columns, table.rows[0], strict=True))
    assert first["tool"] == "terraform"
    assert first["strategy"] == "plain"
    assert first["change kind"] == "none"
    assert first["drift after app update"] == "yes"
    assert first["drift expected"] == "yes"
    assert first["why"] == expected(Tool.TERRAFORM, Strategy.PLAIN, ChangeKind.NONE).why


def test_base_layer_records_belong_to_no_cell(run_a: list[Record]) -> None:
    grouped = model.cells(run_a)
    assert len(grouped) == 16
    assert all(r.phase is not Phase.BASE for rs in grouped.values() for r in rs)


def test_glossary_explains_every_strategy_and_change_kind() -> None:
    names = model.glossary().column("name")
    assert set(names) == {str(s) for s in Strategy} | {str(k) for k in ChangeKind}


def test_runs_with_two_providers_get_a_row_each(run_a: list[Record]) -> None:
    """Merged runs of the real hashicorp/aws and the stand-in: outcomes side by side."""
    real = [
        Record.from_dict(
            r.to_dict() | {"engine": "hashicorp/aws 5.100.0 (real); moto", "run_id": "x"}
        )
        for r in run_a
        if r.tool is Tool.TERRAFORM
    ]
    table = model.outcome_matrix([*run_a, *real])
    labels = table.column("tool · strategy")
    assert labels[:4] == [
        "terraform · plain (hashicorp/aws 5.100.0 (real))",
        "terraform · plain (stand-in provider + moto 5.2.5)",
        "terraform · ignore-changes (hashicorp/aws 5.100.0 (real))",
        "terraform · ignore-changes (stand-in provider + moto 5.2.5)",
    ]
    assert labels[4:] == ["cdk · unpinned", "cdk · pinned"]
    assert table.rows[0][1:5] == table.rows[1][1:5]  # the same outcomes, per provider
