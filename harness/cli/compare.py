"""``python -m harness compare``: the comparison matrix, with progress, then the report."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TypeVar

from harness import profiles, signals
from harness.cli.tf import add_provider_argument
from harness.compare import CompareOptions, LogProgress, Progress, RunResult, run_comparison
from harness.compare.matrix import DEFAULT_WORKERS
from harness.endpoint import Target
from harness.errors import HarnessError, UsageError
from harness.expectations import STRATEGIES
from harness.fidelity.faults import DEFAULT_DELAY_S, FaultPlan, FaultSpecError
from harness.outcomes import CellStatus
from harness.profiles import Profile
from harness.profiles.strategy import require_change, require_strategy
from harness.records import ChangeKind, Strategy, Tool

log = logging.getLogger(__name__)
INTERRUPTED = 130
"""Exit code of a run stopped by Ctrl-C (128 + SIGINT); SIGTERM gives 143 (128 + 15)."""
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
        default="",
        help=f"comma-separated, of {_choices(ChangeKind)} (default: all the stack has)",
    )
    parser.add_argument(
        "--stack",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a stack profile (TOML, docs/profiles.md) for its tool instead of our own stack; "
        "once per tool. Without --tools, only the tools of the profiles given run",
    )
    parser.add_argument(
        "--stack-source",
        type=Path,
        default=None,
        metavar="DIR",
        help="a git checkout of the upstream repository a --stack profile names (its commit is "
        "exported with git archive; the checkout is never changed)",
    )
    parser.add_argument(
        "--module-source",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="a git checkout of a registry module the profile maps, e.g. "
        "terraform-aws-modules/vpc/aws=~/src/terraform-aws-vpc",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"cells run in parallel (default {DEFAULT_WORKERS})",
    )
    parser.add_argument(
        "--no-failure-scenarios",
        dest="failure_scenarios",
        action="store_false",
        help="leave out the failure cells (a version that cannot start, then an infra update)",
    )
    parser.add_argument(
        "--results", type=Path, default=Path("results"), help="where run folders go"
    )
    parser.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="with the embedded target: use the emulator python -m harness emulator serves at "
        "URL (left running, to inspect what a run left) instead of starting one",
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


_OPTION = {Tool: "--tools", Strategy: "--strategies", ChangeKind: "--changes"}


def _parse(kind: type[E], text: str) -> tuple[E, ...]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [p for p in parts if p not in {m.value for m in kind}]
    if unknown:
        raise UsageError(
            f"{_OPTION[kind]}: unknown {', '.join(map(repr, unknown))}; choose from {_choices(kind)}"
        )
    return tuple(kind(p) for p in parts)


def _profiles(args: argparse.Namespace) -> dict[Tool, Profile]:
    found: dict[Tool, Profile] = {}
    for path in getattr(args, "stack", []):
        profile = profiles.load(path)  # ProfileError (a UsageError) listing its problems
        if profile.tool in found:
            raise UsageError(f"--stack: {found[profile.tool].path} and {path} are both "
                             f"{profile.tool} stacks; give one per tool")  # fmt: skip
        found[profile.tool] = profile
    return found


def _module_sources(values: list[str]) -> dict[str, Path]:
    found = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"--module-source: {value!r} is not NAME=DIR, e.g. "
                             "terraform-aws-modules/vpc/aws=~/src/terraform-aws-vpc")  # fmt: skip
        found[name] = Path(path)
    return found


def options_from(args: argparse.Namespace) -> CompareOptions:
    """The run ``args`` ask for; :class:`UsageError` naming the option that is wrong."""
    stacks = _profiles(args)
    tools_text = args.tools
    if stacks and tools_text == _choices(Tool):  # --tools not given: the profiles' tools
        tools_text = ",".join(t.value for t in Tool if t in stacks)
    tools = _parse(Tool, tools_text)
    if not tools:
        raise UsageError(f"--tools: name at least one of {_choices(Tool)}")
    for tool, profile in stacks.items():
        if tool not in tools:
            raise UsageError(f"--stack {profile.path} is a {tool} stack, and --tools is "
                             f"{args.tools}: add {tool} to --tools")  # fmt: skip
    strategies = _parse(Strategy, args.strategies)
    for strategy in strategies:
        if not any(strategy in STRATEGIES[t] for t in tools):
            owner = next(t for t in Tool if strategy in STRATEGIES[t])
            raise UsageError(
                f"--strategies: {strategy} is a {owner} strategy, and --tools is {args.tools}; "
                f"add {owner} to --tools or choose from "
                f"{','.join(s for t in tools for s in STRATEGIES[t])}"
            )
    changes = _parse(ChangeKind, args.changes) if args.changes else tuple(ChangeKind)
    for tool, profile in stacks.items():
        ours = [s for s in strategies if s in STRATEGIES[tool]]
        for strategy in ours:
            require_strategy(profile, strategy)
        if args.changes:
            for kind in changes:
                require_change(profile, kind)
    if args.repeat < 1 or args.workers < 1:
        raise UsageError("--repeat and --workers must be at least 1")
    if args.endpoint and args.target != Target.EMBEDDED.value:
        raise UsageError(f"--endpoint is for --target embedded, not {args.target}")
    return CompareOptions(
        target=Target(args.target),
        aws_account_id=args.aws_account_id,
        repeat=args.repeat,
        tools=tools,
        strategies=strategies,
        changes=changes,
        workers=args.workers,
        results=args.results,
        terraform_provider=args.terraform_provider,
        failure_scenarios=args.failure_scenarios,
        faults=_faults(args),
        endpoint=args.endpoint,
        profiles=stacks,
        stack_source=getattr(args, "stack_source", None),
        module_sources=_module_sources(getattr(args, "module_source", [])),
    )


def closing_line(result: RunResult) -> str:
    """Cells by outcome, wall time and harness overhead, e.g. for the closing note of a run."""
    from harness import records
    from harness.report.stats import overhead

    counts = Counter(c.status for c in result.cells)
    outcomes = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no cells"
    wall = result.summary.wall_s
    try:
        # The report's definition (``harness.report.stats.Overhead``), over the same records.
        share = overhead(records.load([result.folder]), result.summary).share
    except HarnessError:
        return f"{outcomes}; {wall:.0f} s wall time"
    return f"{outcomes}; {wall:.0f} s wall time, harness overhead {share or 0.0:.1f}%"


def _compare(options: CompareOptions) -> RunResult:
    if _interactive():
        from harness.compare.terminal import RichProgress

        with RichProgress() as display:
            return run_comparison(options, progress=display)
    progress: Progress = LogProgress()
    return run_comparison(options, progress=progress)


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
    # SIGTERM stops the run as Ctrl-C does (destroy, keep records); exit 128 + the signal.
    with signals.stop_on_signals() as received:
        try:
            result = _compare(options)
        except HarnessError as exc:
            log.error("%s", exc)
            return 1
        except KeyboardInterrupt:  # before the matrix ran (starting the emulator)
            log.error("interrupted before any cell ran")
            return received.exit_code() or INTERRUPTED
    for note in result.summary.notes:
        print(f"note: {note}", file=sys.stderr)
    print(closing_line(result))
    print(f"records: {result.folder / 'records.jsonl'}")
    for path in result.report:
        if path.suffix in {".md", ".html"}:
            print(f"report:  {path}")
    failed = [c for c in result.cells if c.status is CellStatus.FAILED]
    if result.summary.interrupted:
        return received.exit_code() or INTERRUPTED
    return 1 if failed or not result.cells else 0
