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
from harness.errors import ResultsError
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
    # Everything is rendered before anything is written: a failure leaves no partial report.
    files: dict[str, bytes] = {chart.name: chart.png for chart in document.charts}
    files["report.md"] = render_md(document).encode("utf-8")
    files["report.html"] = render_html(document).encode("utf-8")
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            path = out / name
            path.write_bytes(data)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise ResultsError(
            f"cannot write the report to {out} ({exc.strerror or exc}): choose another "
            "folder with -o DIR"
        ) from None
    log.info("report written to %s", out / "report.html")
    return written
