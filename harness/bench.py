"""Where a comparison's time goes: each phase's median next to its floor, from the records alone.

A phase's **floor** is the least it could take with the tools as they are: the time the AWS
side spent serving its calls (``api_busy_s``, measured at the emulator: seconds with at least
one of the cell's requests in flight, overlaps counted once) plus one start of the tool that
ran it (a trivial command of the tool, measured by :func:`probe_tool_starts`: Terraform's
``version``, the CDK CLI's ``--version``). Phases the shared script runs in-process
(``post-deploy``, ``app-update``) start no tool: their floor is the AWS time alone, and what
is above it is the script's polling and the emulator's compressed waits (deployments that
roll and settle). CDK phases that ran in the toolkit worker (``tool_version`` naming
``@aws-cdk/toolkit-lib``: :mod:`harness.cdk_toolkit`) start no tool either: the worker is
started once per run, so their floor is the AWS time alone too. The ratio median / floor says
how far each phase is from its floor.

    starts = fastest(probe_tool_starts(), ...)   # before and after the run
    rows = phase_rows(list(records.load([folder])), starts)
    print(render(rows, starts))
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from harness.records import Phase, Record, Status, Tool

SCRIPT_PHASES = frozenset({Phase.POST_DEPLOY, Phase.APP_UPDATE})
"""Phases run by the shared script (boto3, in-process): no tool starts in them."""
PROBES = 3
IN_PROCESS_ENGINES = ("@aws-cdk/toolkit-lib",)
"""``tool_version`` prefixes of engines that serve a phase in a long-lived process (no start)."""


@dataclass(frozen=True, slots=True)
class PhaseRow:
    """One phase (of one tool, at one step) over every cell that ran it."""

    tool: Tool
    phase: Phase
    step: str
    count: int
    median_s: float
    floor_s: float | None
    """Median of the records' floors; None when the records carry no AWS time."""
    aws_s: float | None
    """Median AWS-side seconds (``api_busy_s``)."""

    @property
    def label(self) -> str:
        return f"{self.tool} {self.phase}" + (f" ({self.step})" if self.step else "")

    @property
    def ratio(self) -> float | None:
        return self.median_s / self.floor_s if self.floor_s else None


def floor_s(record: Record, starts: Mapping[Tool, float]) -> float | None:
    """AWS-call time plus one tool start (none for the script's phases, nor for a long-lived
    worker's); None without AWS time."""
    if record.api_busy_s is None:
        return None
    in_process = record.tool_version.startswith(IN_PROCESS_ENGINES)
    start = 0.0 if record.phase in SCRIPT_PHASES or in_process else starts.get(record.tool, 0.0)
    return record.api_busy_s + start


def phase_rows(records: Sequence[Record], starts: Mapping[Tool, float]) -> list[PhaseRow]:
    """Median and floor per (tool, phase, step), over the phases that finished ok."""
    groups: dict[tuple[Tool, Phase, str], list[Record]] = defaultdict(list)
    for record in records:
        if record.status is Status.OK:
            groups[(record.tool, record.phase, record.step)].append(record)
    rows = []
    for (tool, phase, step), group in groups.items():
        floors = [f for r in group if (f := floor_s(r, starts)) is not None]
        aws = [r.api_busy_s for r in group if r.api_busy_s is not None]
        rows.append(
            PhaseRow(
                tool,
                phase,
                step,
                len(group),
                statistics.median(r.duration_s for r in group),
                statistics.median(floors) if floors else None,
                statistics.median(aws) if aws else None,
            )
        )
    order = list(Phase)
    return sorted(rows, key=lambda r: (r.tool, order.index(r.phase), r.step))


def probe_tool_starts(
    probes: Mapping[Tool, Callable[[], object]] | None = None, times: int = PROBES
) -> dict[Tool, float]:
    """The fastest of ``times`` runs of a trivial command of each tool: a floor is a lower
    bound, and on a shared machine the slow runs measure the machine, not the tool.

    ``probes`` replaces the commands (tests); by default Terraform ``version -json`` and
    ``cdk --version``, the pinned binaries the drivers run. A tool that is not installed is
    left out.
    """
    probes = probes if probes is not None else _default_probes()
    starts: dict[Tool, float] = {}
    for tool, probe in probes.items():
        seconds = []
        for _ in range(times):
            began = time.perf_counter()
            probe()
            seconds.append(time.perf_counter() - began)
        starts[tool] = min(seconds)
    return starts


def _default_probes() -> dict[Tool, Callable[[], object]]:
    from harness import cdk_cli, process
    from harness.endpoint import Endpoint, Target
    from harness.terraform import binary

    probes: dict[Tool, Callable[[], object]] = {}
    terraform = binary.locate()
    env = process.child_env({"CHECKPOINT_DISABLE": "1"})
    probes[Tool.TERRAFORM] = lambda: process.run([*terraform.argv, "version", "-json"], env=env)
    if cdk_cli.installed():
        cli = cdk_cli.locate()
        nowhere = Endpoint(Target.EMBEDDED, "http://localhost:9")  # --version calls no AWS API
        probes[Tool.CDK] = lambda: cli.run(["--version"], nowhere, timeout=120)
    return probes


def fastest(*probed: Mapping[Tool, float]) -> dict[Tool, float]:
    """Each tool's fastest start over several probes (before and after a run)."""
    tools = {tool for starts in probed for tool in starts}
    return {tool: min(s[tool] for s in probed if tool in s) for tool in tools}


def render(rows: Sequence[PhaseRow], starts: Mapping[Tool, float]) -> str:
    """A plain-text table: phase, cells, median, floor (AWS + start), ratio."""
    lines = [
        "tool starts (fastest trivial command): "
        + ", ".join(f"{tool} {s:.2f} s" for tool, s in sorted(starts.items())),
        "",
        f"{'phase':<40} {'n':>3} {'median s':>9} {'aws s':>7} {'floor s':>8} {'ratio':>6}",
    ]
    for row in rows:
        aws = f"{row.aws_s:7.2f}" if row.aws_s is not None else f"{'-':>7}"
        floor = f"{row.floor_s:8.2f}" if row.floor_s is not None else f"{'-':>8}"
        ratio = f"{row.ratio:6.1f}" if row.ratio is not None else f"{'-':>6}"
        lines.append(f"{row.label:<40} {row.count:>3} {row.median_s:9.2f} {aws} {floor} {ratio}")
    return "\n".join(lines)
