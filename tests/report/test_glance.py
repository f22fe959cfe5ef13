"""The report at a glance (``harness.report.glance``), the per-service timelines and the drift
side by side, on synthetic records of whole cells (``records_builder``)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from harness.expectations import ChangeOutcome, VersionOutcome
from harness.records import ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.report import document, glance, timeline
from harness.report.render_html import render_html
from harness.report.render_md import render_md

from .records_builder import ENGINES, START, documented_cell, full_cell

KEPT, ROLLED_BACK, MIXED = VersionOutcome.KEPT, VersionOutcome.ROLLED_BACK, VersionOutcome.MIXED
TF, CDK = Tool.TERRAFORM, Tool.CDK


def matrix(
    pairs: list[tuple[Tool, Strategy]], kinds: list[ChangeKind], repetitions: int = 1
) -> list[Record]:
    """Every cell of ``pairs`` x ``kinds`` as documented, ``repetitions`` times."""
    found: list[Record] = []
    for n, (tool, strategy) in enumerate(pairs):
        for m, kind in enumerate(kinds):
            for rep in range(repetitions):
                start = START + timedelta(minutes=10 * (n * 10 + m) + rep)
                found += documented_cell("run", tool, strategy, kind, env_name=f"e{n}{m}",
                                         start=start, repetition=rep)  # fmt: skip
    return found


def test_each_cell_holds_a_band_per_service_and_the_verdict() -> None:
    """CDK unpinned, a service property: CloudFormation updates the web service only (the
    documented mixed fleet): web rolled back, worker and beat kept."""
    records = matrix([(CDK, Strategy.UNPINNED)], [ChangeKind.NONE, ChangeKind.SERVICE])
    found = glance.heatmap(records)
    assert found.rows == ((CDK, Strategy.UNPINNED, ""),)
    assert found.kinds == (ChangeKind.NONE, ChangeKind.SERVICE)
    assert found.services == ("web", "worker", "beat")
    cell = found.cells[(CDK, Strategy.UNPINNED, ""), ChangeKind.SERVICE]
    assert cell.services == {"web": ROLLED_BACK, "worker": KEPT, "beat": KEPT}
    assert (cell.changes, cell.runs, cell.failed, cell.agrees) == (
        (ChangeOutcome.NOW,), 1, 0, True,
    )  # fmt: skip
    table = glance.heatmap_table(found)
    assert table.columns == ("tool · strategy", "none", "service-property")
    assert [str(v) for v in table.rows[0]] == [
        "cdk · unpinned",
        "all kept · no change ✓",
        "web rolled back; worker, beat kept · change now ✓",
    ]


def test_repetitions_that_disagree_read_mixed_and_differ_from_the_docs() -> None:
    records = documented_cell("run", TF, Strategy.PLAIN, ChangeKind.NONE, env_name="a", start=START)
    records += full_cell("run", TF, Strategy.PLAIN, ChangeKind.NONE, env_name="b",
                         start=START + timedelta(hours=1), repetition=1,
                         after_infra={"web": "v1", "worker": "v2", "beat": "v1"},
                         applied_now=None, drift_after_app_update=True)  # fmt: skip
    cell = glance.heatmap(records).cells[(TF, Strategy.PLAIN, ""), ChangeKind.NONE]
    assert cell.services == {"web": ROLLED_BACK, "worker": MIXED, "beat": ROLLED_BACK}
    assert (cell.runs, cell.agrees) == (2, False)
    value = glance.heatmap_table(glance.heatmap(records)).rows[0][1]
    assert str(value).endswith("✗ differs from the docs")


def test_rows_follow_the_strategies_and_keep_a_pair_without_documented_outcome() -> None:
    """Generic over strategies: a pair the expectations do not cover (here a CDK strategy under
    Terraform) still gets its row, after the listed ones, marked as having no documented
    outcome rather than judged."""
    records = matrix([(CDK, Strategy.PINNED), (TF, Strategy.PLAIN)], [ChangeKind.NONE])
    odd = documented_cell("run", CDK, Strategy.PINNED, ChangeKind.NONE, env_name="odd",
                          start=START + timedelta(hours=5))  # fmt: skip
    records += [replace(r, tool=TF, env_name="odd", engine=ENGINES[TF]) for r in odd]
    found = glance.heatmap(records)
    assert found.rows == (
        (TF, Strategy.PLAIN, ""), (CDK, Strategy.PINNED, ""), (TF, Strategy.PINNED, ""),
    )  # fmt: skip
    assert found.cells[(TF, Strategy.PINNED, ""), ChangeKind.NONE].agrees is None
    assert glance.heatmap_table(found).rows[2][1] == "all kept · no change (no documented outcome)"


def test_which_strategy_is_safe_what_it_defers_and_costs() -> None:
    """Safe = every service kept in every change kind run. Costs from the builder's phases:
    a cell is app 10 + post-deploy 2 + 3 drift checks of 3 + app update 4 + infra update 8 +
    destroy 5 = 38 s (42 s with the second app update of a deferred change), 7 + 1 + 2 + 3 + 2
    + 2 + 3 = 20 API calls; its infra update 8 s and 2 calls."""
    kinds = [ChangeKind.NONE, ChangeKind.TASK_DEFINITION]
    records = matrix([(TF, Strategy.PLAIN), (TF, Strategy.IGNORE_CHANGES)], kinds, repetitions=2)
    plain, ignore = glance.advice(records)
    assert (plain.strategy, plain.safe, plain.rolls_back) == (Strategy.PLAIN, False, tuple(kinds))
    assert plain.defers == ()
    assert (ignore.safe, ignore.rolls_back, ignore.failed) == (True, (), 0)
    assert ignore.defers == ((ChangeKind.TASK_DEFINITION, ChangeOutcome.DEFERRED),)
    assert (plain.cell_s, plain.infra_update_s) == (38.0, 8.0)
    assert ignore.cell_s == 40.0  # median of 38, 38, 42, 42
    assert (plain.cell_calls, plain.infra_update_calls) == (20, 2)
    table = glance.strategy_table([plain, ignore])
    assert table.rows[0][2] == "not safe: rolls back in none, task-definition-property"
    assert table.rows[1][2:4] == (
        "safe: kept every service's version in all 2 change kinds",
        "task-definition-property (deferred)",
    )
    assert glance.recommendations([plain, ignore]) == [
        "terraform: safe strategies (kept every service's version in every change kind run): "
        "ignore-changes (defers: task-definition-property deferred)."
    ]


def test_a_failed_cell_makes_a_strategy_not_safe() -> None:
    records = matrix([(CDK, Strategy.PINNED)], [ChangeKind.NONE, ChangeKind.UNRELATED])
    records = [
        replace(r, status=Status.FAILED, error="boom")
        if (r.change_kind, r.phase) == (ChangeKind.UNRELATED, Phase.INFRA_UPDATE)
        else r
        for r in records
    ]
    (pinned,) = glance.advice(records)
    assert (pinned.safe, pinned.failed, pinned.rolls_back) == (False, 1, ())
    assert glance.recommendations([pinned]) == [
        "cdk: no strategy kept every service's version in every change kind."
    ]


def test_service_timelines_follow_each_service() -> None:
    records = matrix([(CDK, Strategy.UNPINNED)], [ChangeKind.SERVICE])
    (found,) = timeline.service_timelines(records)
    assert found.versions == {
        "web": ("v1", "v2", "v1", None),
        "worker": ("v1", "v2", "v2", None),
        "beat": ("v1", "v2", "v2", None),
    }


def with_live_drift(records: list[Record], step: str, resources: dict[str, list[str]]) -> None:
    for i, r in enumerate(records):
        if (r.phase, r.step) == (Phase.DRIFT, step):
            records[i] = replace(r, live_drift_detected=bool(resources), live_drift=resources)


def test_drift_of_template_and_live_state_side_by_side() -> None:
    """cdk diff compares templates (no drift after the app update, as documented for unpinned);
    drift detection sees the services the script changed. Terraform has no live column."""
    cdk = matrix([(CDK, Strategy.UNPINNED)], [ChangeKind.NONE])
    for step in ("after-deploy", "after-infra-update"):
        with_live_drift(cdk, step, {})
    with_live_drift(cdk, "after-app-update", {"WebService1": ["/TaskDefinition"]})
    records = matrix([(TF, Strategy.PLAIN)], [ChangeKind.NONE]) + cdk
    table = timeline.drift_side_by_side(records)
    assert table.rows == (
        ("terraform · plain", "drift in 0 of 1", None, "drift in 1 of 1", None,
         "drift in 0 of 1", None),
        ("cdk · unpinned", "drift in 0 of 1", "drift in 0 of 1", "drift in 0 of 1",
         "drift in 1 of 1", "drift in 0 of 1", "drift in 0 of 1"),
    )  # fmt: skip
    detail = timeline.drift_table(records)
    cdk_row = next(r for r in detail.rows if r[0] == "cdk")
    assert cdk_row[4:10] == (
        "no drift", "in sync", "no drift", "drift: WebService1 (/TaskDefinition)",
        "no drift", "in sync",
    )  # fmt: skip


def test_the_heatmap_is_the_first_figure_in_markdown_and_html() -> None:
    records = matrix([(TF, Strategy.PLAIN), (CDK, Strategy.PINNED)], [ChangeKind.NONE])
    doc = document.assemble(records)
    assert doc.sections[0].table.title == "Outcomes at a glance"
    assert doc.sections[1].table.title == "Which strategy should I use"
    first = doc.charts[0]
    assert (first.name, first.png[:4]) == ("outcomes-heatmap.png", b"\x89PNG")
    text = render_md(doc)
    assert re.findall(r"!\[[^]]*\]\(([^)]+)\)", text)[0] == "outcomes-heatmap.png"
    assert text.index("## Outcomes at a glance") < text.index("## Which strategy should I use")
    assert (
        "- cdk: safe strategies (kept every service's version in every change kind run): pinned."
        in text
    )
    html = render_html(doc)
    images = re.findall(r'<img class="chart" alt="([^"]*)" src="data:image/png;base64,', html)
    assert images[0] == "Outcomes at a glance"
    assert len(images) == len(doc.charts)


STANDIN = (
    "stand-in harness provider v4 (hashicorp/aws 6.25.0 schema), stand-in hashicorp/random "
    "3.7.2; moto 5.2.5 + harness fidelity [ecs, cloudformation]"
)
REAL = "hashicorp/aws 5.100.0 (real provider, from /mirror); moto 5.2.5 + harness fidelity [ecs]"


def test_rows_split_by_provider_when_a_tool_ran_with_more_than_one() -> None:
    """Merged runs: Terraform plain with the stand-in (rolled back, as documented) and with
    the real provider (here made to keep v2: not as documented). Folded, the cell would read
    "varies between runs"; split, each provider has its row and only the real one is marked.
    CDK ran with one engine: one row, no provider in its label."""
    standin = [
        replace(r, engine=STANDIN) for r in matrix([(TF, Strategy.PLAIN)], [ChangeKind.NONE])
    ]
    real = documented_cell("real", TF, Strategy.PLAIN, ChangeKind.NONE, env_name="r",
                           start=START + timedelta(hours=2), version=KEPT)  # fmt: skip
    real = [replace(r, engine=REAL) for r in real]
    cdk = matrix([(CDK, Strategy.PINNED)], [ChangeKind.NONE])
    found = glance.heatmap(standin + real + cdk)
    tf_standin = (TF, Strategy.PLAIN, "stand-in hashicorp/aws 6.25.0")
    tf_real = (TF, Strategy.PLAIN, "real hashicorp/aws 5.100.0")
    assert found.rows == (tf_real, tf_standin, (CDK, Strategy.PINNED, ""))  # providers by name
    assert found.cells[tf_standin, ChangeKind.NONE].services == dict.fromkeys(
        ("web", "worker", "beat"), ROLLED_BACK
    )
    assert found.cells[tf_standin, ChangeKind.NONE].agrees is True
    assert found.cells[tf_real, ChangeKind.NONE].services == dict.fromkeys(
        ("web", "worker", "beat"), KEPT
    )
    assert found.cells[tf_real, ChangeKind.NONE].agrees is False
    table = glance.heatmap_table(found)
    assert table.columns[0] == "tool · strategy · provider"
    assert [row[0] for row in table.rows] == [
        "terraform · plain · real hashicorp/aws 5.100.0",
        "terraform · plain · stand-in hashicorp/aws 6.25.0",
        "cdk · pinned",
    ]
    # The advice judges the strategy over every provider: one row per tool · strategy.
    assert [(a.tool, a.strategy) for a in glance.advice(standin + real + cdk)] == [
        (TF, Strategy.PLAIN), (CDK, Strategy.PINNED),
    ]  # fmt: skip
    doc = document.assemble(standin + real + cdk)
    text = render_md(doc)
    assert "| terraform · plain · real hashicorp/aws 5.100.0 | all kept · no change ✗" in text
    html = render_html(doc)
    assert "terraform · plain · stand-in hashicorp/aws 6.25.0" in html
    assert re.search(r'<td class="differs">all kept · no change ✗', html), "real row not marked"
    # One provider: no split, whatever its name.
    assert glance.heatmap(standin).rows == ((TF, Strategy.PLAIN, ""),)


def test_provider_labels_are_short() -> None:
    assert glance.provider_label(STANDIN.split(";")[0]) == "stand-in hashicorp/aws 6.25.0"
    assert glance.provider_label(REAL.split(";")[0]) == "real hashicorp/aws 5.100.0"
    assert (
        glance.provider_label("CloudFormation on moto 5.2.5 + harness fidelity [ecs, iam]")
        == "CloudFormation on moto 5.2.5 + harness fidelity"
    )
    assert glance.provider_label("AWS CloudFormation") == "AWS CloudFormation"
