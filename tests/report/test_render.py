"""report.md and report.html from the fixture runs: content, self-containment, merging."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest

from harness import process
from harness.paths import REPO_ROOT
from harness.records import Record
from harness.report import build_report, document
from harness.report.render_html import render_html
from harness.report.render_md import render_md
from harness.report.runinfo import RunSummary

from .conftest import RUN_A, RUN_B

PNG = b"\x89PNG\r\n\x1a\n"
ROOT = REPO_ROOT


@pytest.fixture(scope="module")
def doc(merged: list[Record], summaries: list[RunSummary]) -> document.Document:
    return document.assemble(merged, summaries)


def test_markdown_holds_the_outcome_matrix_rows_and_the_reasons(doc: document.Document) -> None:
    text = render_md(doc)
    assert (
        "| tool · strategy | none | unrelated-resource | service-property | task-definition-property | to stay safe |"
        in text
    )
    assert (
        "| terraform · ignore-changes | v2 kept / no change (2 runs) (expected: kept/no change) ✓ |"
        in text
    )
    assert "✗ differs from documented behaviour" in text
    assert "hashicorp/terraform-provider-aws#632" in text  # a 'why' text
    assert "pin the image tag to the running version before every deploy" in text  # an 'advice'
    assert "![Version timeline: cdk · unpinned](timeline-cdk-unpinned.png)" in text


def test_markdown_states_agreement_overhead_and_what_was_not_run(doc: document.Document) -> None:
    text = render_md(doc)
    assert "- 19 of 20 cell executions behaved as the tools' documentation says (" in text
    assert "- Run 20261126T080000Z-bbbb: cdk: not run: driver not available" in text
    assert (
        "harness overhead 1.4% of 722.0 s wall time (no phase running for 10.0 s). Summed over "
        "phases: tool steps 128.0 s, driver work 160.0 s, untimed phases 424.0 s." in text
    )


def test_every_table_is_explained(doc: document.Document) -> None:
    assert all(len(s.table.explanation) > 40 for s in doc.sections)
    text = render_md(doc)
    for section in doc.sections:
        assert f"## {section.table.title}\n\n{section.table.explanation}" in text


def test_html_is_self_contained_with_the_charts_embedded(doc: document.Document) -> None:
    html = render_html(doc)
    assert "href=" not in html
    sources = re.findall(r'src="([^"]*)"', html)
    assert len(sources) == len(doc.charts) == 7  # heatmap, 4 timelines, timings, API calls
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]).startswith(PNG)
    assert not re.search(r"<(script|link|iframe)\b", html)
    assert '<table id="outcome-matrix">' in html
    assert "<td>terraform · plain</td>" in html


def test_html_escapes_text_from_records() -> None:
    from harness.records import ChangeKind, Phase, Status, Strategy, Tool

    from .records_builder import CellBuilder

    cell = CellBuilder("<b>run</b>", Tool.CDK, Strategy.PINNED, ChangeKind.NONE)
    cell.add(Phase.APP, 1.0, status=Status.FAILED, error="<script>alert(1)</script>")
    html = render_html(document.assemble(cell.records))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_merge_of_two_runs_makes_one_report_naming_both(tmp_path: Path) -> None:
    written = build_report([RUN_A / "records.jsonl", RUN_B], tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(
        ["report.md", "report.html", "outcomes-heatmap.png", "timings.png", "api-calls.png"]
        + [
            f"timeline-{n}.png"
            for n in ("terraform-plain", "terraform-ignore-changes", "cdk-unpinned", "cdk-pinned")
        ]
    )
    text = (tmp_path / "report.md").read_text()
    assert "| runs | 20261126T060000Z-aaaa, 20261126T080000Z-bbbb |" in text
    assert (tmp_path / "timings.png").read_bytes().startswith(PNG)


def test_cli_report_end_to_end_on_the_fixtures(tmp_path: Path) -> None:
    out = tmp_path / "merged"
    done = process.run(
        [sys.executable, "-m", "harness", "report", str(RUN_A), str(RUN_B), "-o", str(out)],
        cwd=ROOT,
        env=process.child_env(),
        timeout=120,
    )
    assert f"report: {out / 'report.html'}" in done.stdout
    assert "| terraform · plain |" in (out / "report.md").read_text()
    assert (out / "report.html").stat().st_size > 50_000  # tables plus six embedded charts


def test_cli_report_refuses_a_folder_without_records(tmp_path: Path) -> None:
    done = process.run(
        [sys.executable, "-m", "harness", "report", str(tmp_path)],
        cwd=ROOT,
        env=process.child_env(),
        timeout=120,
        ok_codes={1},
    )
    assert "no records at" in done.stderr


def test_cli_report_default_output_is_the_single_results_folder(tmp_path: Path) -> None:
    from harness.cli.report import default_out

    assert default_out([RUN_A]) == RUN_A
    assert default_out([RUN_A / "records.jsonl"]) == RUN_A
    merged = default_out([RUN_A, RUN_B])
    assert merged.parent == Path("results")
    assert merged.name.startswith("merged-")


def test_a_run_without_records_still_reports_why(tmp_path: Path) -> None:
    from harness.report import write_report

    summary = RunSummary("run-x", "embedded", 3.0, notes=("cdk: not run: driver not available",))
    written = write_report([], [summary], tmp_path)
    assert sorted(p.name for p in written) == ["report.html", "report.md"]  # no data, no charts
    text = (tmp_path / "report.md").read_text()
    assert "- No records: nothing was run." in text
    assert "- Run run-x: cdk: not run: driver not available" in text
    assert "| (no data) |" in text
