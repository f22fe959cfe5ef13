"""``python -m harness compare``: the comparison matrix, with progress, then the report."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TypeVar

from harness.cli.tf import add_provider_argument
from harness.compare import CompareOptions, LogProgress, Progress, RunResult, run_comparison
from harness.endpoint import Target
from harness.errors import HarnessError
from harness.expectations import STRATEGIES
from harness.fidelity.faults import DEFAULT_DELAY_S, FaultPlan, FaultSpecError
from harness.outcomes import CellStatus
from harness.records import ChangeKind, Strategy, Tool

log = logging.getLogger(__name__)
E = TypeVar("E", Tool, Strategy, ChangeKind)


def _choices(kind: type[Tool] | type[Strategy] | type[ChangeKind]) -> str:
    return ",".join(m.value for m in kind)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        choices=[t.value for t in Target],
        default=Target.EMBEDDED.value,
        help="embedded emulator (default), an external LocalStack, or a sandbox AWS account "
        "(with --aws-account-id)",
    )
    parser.add_argument(
        "--aws-account-id", default=None, help="with --target aws: the sandbox account id"
    )
    parser.add_argument("--repeat", type=int, default=1, help="repetitions of every cell (spreads)")
    parser.add_argument(
        "--tools", default=_choices(Tool), help=f"comma-separated, of {_choices(Tool)}"
    )
    parser.add_argument(
        "--strategies", default="", help=f"comma-separated, of {_choices(Strategy)} (default: all)"
    )
    parser.add_argument(
        "--changes",
        default=_choices(ChangeKind),
        help=f"comma-separated, of {_choices(ChangeKind)}",
    )
    parser.add_argument("--workers", type=int, default=2, help="cells run in parallel (default 2)")
    parser.add_argument(
        "--no-failure-scenarios",
        dest="failure_scenarios",
        action="store_false",
        help="leave out the failure cells (a version that cannot start, then an infra update)",
    )
    parser.add_argument(
        "--results", type=Path, default=Path("results"), help="where run folders go"
    )
    add_provider_argument(parser)
    parser.add_argument(
        "--faults",
        default="",
        help="embedded emulator only: inject faults into a fraction of the calls, "
        "KIND:FRACTION[@SERVICE],... with KIND throttle, 5xx, slow or drop "
        "(e.g. throttle:0.1,5xx:0.05,slow:0.1,drop:0.02@ecs)",
    )
    parser.add_argument(
        "--fault-seed", type=int, default=0, help="seed of the fault sequence (default 0)"
    )
    parser.add_argument(
        "--fault-delay", type=float, default=DEFAULT_DELAY_S, help="seconds a slow answer waits"
    )


def _faults(args: argparse.Namespace) -> FaultPlan | None:
    if not args.faults:
        return None
    if args.target != Target.EMBEDDED.value:
        raise SystemExit("python -m harness compare: --faults needs the embedded emulator")
    try:
        return FaultPlan.parse(args.faults, seed=args.fault_seed, delay_s=args.fault_delay)
    except FaultSpecError as exc:
        raise SystemExit(f"python -m harness compare: --faults: {exc}") from None


def _parse(kind: type[E], text: str) -> tuple[E, ...]:
    try:
        return tuple(kind(part.strip()) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise SystemExit(
            f"python -m harness compare: {exc}; choose from {_choices(kind)}"
        ) from None


def options_from(args: argparse.Namespace) -> CompareOptions:
    tools = _parse(Tool, args.tools)
    strategies = _parse(Strategy, args.strategies)
    for strategy in strategies:
        if not any(strategy in STRATEGIES[t] for t in tools):
            raise SystemExit(
                f"python -m harness compare: strategy {strategy} belongs to none of {args.tools}"
            )
    if args.repeat < 1 or args.workers < 1:
        raise SystemExit("python -m harness compare: --repeat and --workers must be at least 1")
    return CompareOptions(
        target=Target(args.target),
        aws_account_id=args.aws_account_id,
        repeat=args.repeat,
        tools=tools,
        strategies=strategies,
        changes=_parse(ChangeKind, args.changes),
        workers=args.workers,
        results=args.results,
        terraform_provider=args.terraform_provider,
        failure_scenarios=args.failure_scenarios,
        faults=_faults(args),
    )


def closing_line(result: RunResult) -> str:
    """Cells by outcome, wall time and harness overhead, e.g. for the closing note of a run."""
    from harness import records
    from harness.report.stats import busy_seconds

    counts = Counter(c.status for c in result.cells)
    outcomes = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no cells"
    wall = result.summary.wall_s
    try:
        busy = busy_seconds(records.load([result.folder]))
    except HarnessError:
        return f"{outcomes}; {wall:.0f} s wall time"
    overhead = 100 * max(wall - busy, 0.0) / wall if wall else 0.0
    return f"{outcomes}; {wall:.0f} s wall time, harness overhead {overhead:.1f}%"


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _quiet(verbose: bool) -> None:
    """Only the comparison's own progress lines, unless -v: tools and the script log a lot."""
    if not verbose:
        logging.getLogger("harness").setLevel(logging.WARNING)
        logging.getLogger("harness.compare").setLevel(logging.INFO)


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    _quiet(getattr(args, "verbose", False))
    try:
        if _interactive():
            from harness.compare.terminal import RichProgress

            with RichProgress() as display:
                result = run_comparison(options, progress=display)
        else:
            progress: Progress = LogProgress()
            result = run_comparison(options, progress=progress)
    except HarnessError as exc:
        log.error("%s", exc)
        return 1
    for note in result.summary.notes:
        print(f"note: {note}", file=sys.stderr)
    print(closing_line(result))
    print(f"records: {result.folder / 'records.jsonl'}")
    for path in result.report:
        if path.suffix in {".md", ".html"}:
            print(f"report:  {path}")
    failed = [c for c in result.cells if c.status is CellStatus.FAILED]
    if result.summary.interrupted:
        return 130
    return 1 if failed or not result.cells else 0
