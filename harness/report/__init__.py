"""The comparison report, built from records alone (``records.jsonl`` of one or more runs).

    paths = build_report([Path("results/run-a"), Path("results/run-b")], out)

``model``, ``timeline`` and ``stats`` compute tables (pure functions), ``charts`` draws them
(the only place pandas and matplotlib are imported), ``render_md`` / ``render_html`` write
them out. Import cost matters: pandas and matplotlib load only when a report is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness import records as records_module
from harness.records import Record
from harness.report import runinfo


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
    from harness.report import document

    return document.write(document.assemble(records, runs), out)
