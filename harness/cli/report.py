"""``python -m harness report RESULTS... [-o OUT]``: rebuild the report from stored records.

Several results (run folders or records.jsonl files, e.g. the artifacts of CI matrix jobs)
merge into one report.
"""

from __future__ import annotations

import argparse
import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import HarnessError, RecordError

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "results",
        nargs="+",
        type=Path,
        help="results folders (holding records.jsonl) or records.jsonl files",
    )
    parser.add_argument(
        "-o",
        "--out",
        type=Path,
        default=None,
        help="where to write the report (default: the one results folder, "
        "or results/merged-<timestamp>/ for several)",
    )


def default_out(results: list[Path]) -> Path:
    """The single results folder, or a new ``results/merged-<UTC timestamp>`` folder."""
    if len(results) == 1:
        only = results[0]
        return only if only.is_dir() else only.parent
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("results") / f"merged-{stamp}-{secrets.token_hex(2)}"


def run(args: argparse.Namespace) -> int:
    from harness import records
    from harness.report import build_report

    out = args.out or default_out(args.results)
    try:
        if next(records.load(args.results), None) is None:
            named = ", ".join(map(str, args.results))
            raise RecordError(f"no records in {named}: the run wrote none (stopped before its "
                              "first phase ended?); nothing to report")  # fmt: skip
        written = build_report(args.results, out)
    except HarnessError as exc:
        log.error("%s", exc)
        return 1
    html = next(p for p in written if p.name == "report.html")
    print(f"report: {html}\n        {html.with_name('report.md')}")
    return 0
