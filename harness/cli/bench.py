"""``python -m harness bench``: run the matrix (as ``compare``) and say where its time went.

Per phase, its median next to its floor (AWS-call time plus one tool start, see
:mod:`harness.bench`) and the ratio; then the matrix's wall time, the CPU time the run used
(ours and the tools', from ``getrusage``) and the load average, since on a shared machine
wall time alone says little. ``--records DIR`` reads an earlier run's records instead.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
from pathlib import Path

from harness import bench, records
from harness.cli import compare as compare_cli
from harness.errors import HarnessError

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    compare_cli.add_arguments(parser)
    parser.add_argument(
        "--records",
        type=Path,
        default=None,
        help="a run folder (or records.jsonl) to read instead of running the matrix",
    )


def _cpu_s() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def run(args: argparse.Namespace) -> int:
    compare_cli._quiet(getattr(args, "verbose", False))
    starts = bench.probe_tool_starts()
    summary = ""
    if args.records is not None:
        folder = args.records if args.records.is_dir() else args.records.parent
    else:
        from harness.compare import run_comparison

        options = compare_cli.options_from(args)
        load_before, cpu_before = _load(), _cpu_s()
        try:
            result = run_comparison(options, build_report=False)
        except HarnessError as exc:
            log.error("%s", exc)
            return 1
        folder = result.folder
        summary = (
            f"matrix: {len(result.cells)} cells, {result.summary.wall_s:.1f} s wall, "
            f"{_cpu_s() - cpu_before:.1f} s CPU (harness and tools), "
            f"load average {load_before} before, {_load()} after; records: {folder}"
        )
    starts = bench.fastest(starts, bench.probe_tool_starts())  # the machine may be quieter now
    try:
        loaded = list(records.load([folder]))
    except HarnessError as exc:
        log.error("%s", exc)
        return 1
    print(bench.render(bench.phase_rows(loaded, starts), starts))
    # which engine ran (the CDK CLI, or toolkit-lib in one process; which hashicorp/aws: the
    # real one sleeps its waiters' fixed delays, seconds to minutes): floors depend on it
    for ran in sorted({_ran(r) for r in loaded}):
        print(f"ran: {ran}")
    if summary:
        print(summary)
    sys.stdout.flush()
    return 0


def _ran(record: records.Record) -> str:
    """``tool: version``, and for Terraform the provider that served it."""
    if record.tool is records.Tool.TERRAFORM and record.engine:
        return f"{record.tool}: {record.tool_version} with {record.engine.split(';')[0]}"
    return f"{record.tool}: {record.tool_version}"
