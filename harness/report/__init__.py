"""The comparison report, built from records alone (``records.jsonl`` of one or more runs).

    paths = build_report([Path("results/run-a"), Path("results/run-b")], out)

``model``, ``glance`` (the outcome heatmap, which strategy to use), ``timeline`` and ``stats``
compute tables (pure functions), ``charts`` draws them (the only place pandas and matplotlib
are imported), ``render_md`` / ``render_html`` write them out. Import cost matters: pandas and matplotlib load only when a report is built.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from harness import records as records_module
from harness.records import Record
from harness.report import runinfo

log = logging.getLogger(__name__)


def build_report(
    results: Sequence[Path], out: Path, extra_runs: Sequence[runinfo.RunSummary] = ()
) -> list[Path]:
    """Load and merge the records (and run summaries) of ``results``; write the report to ``out``."""
    records = list(records_module.load(results))
    runs = [*runinfo.load(list(results)), *extra_runs]
    return write_report(records, runs, out)


def write_report(
    records: Sequence[Record], runs: Sequence[runinfo.RunSummary], out: Path
) -> list[Path]:
    """Write report.md, report.html and one PNG per chart into ``out``; the paths written."""
    from harness.report.document import assemble
    from harness.report.render_html import render_html
    from harness.report.render_md import render_md

    document = assemble(records, runs)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in document.charts:
        path = out / chart.name
        path.write_bytes(chart.png)
        written.append(path)
    for name, text in (("report.md", render_md(document)), ("report.html", render_html(document))):
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    log.info("report written to %s", out / "report.html")
    return written
