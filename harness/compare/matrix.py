"""The comparison matrix: which cells a run has, and what each cell is called and deployed with."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.drivers.base import AppSettings
from harness.endpoint import Target
from harness.expectations import STRATEGIES
from harness.fidelity.faults import FaultPlan
from harness.lifecycle import V1
from harness.outcomes import CellStatus
from harness.profiles import Profile, builtin
from harness.records import ChangeKind, Strategy, Tool

DEFAULT_WORKERS = 4
"""Cells run side by side. A cell's phases wait on compressed AWS time and polls half the time,
so on 2 cores the 16 cells took 55.8 s with 2 workers, 47.4 s with 3, 42.6 s with 4, 40.2 s
with 6 (``python -m harness bench``, stand-in provider, 2026-12-01)."""


@dataclass(frozen=True, slots=True)
class CompareOptions:
    target: Target = Target.EMBEDDED
    aws_account_id: str | None = None
    repeat: int = 1
    tools: tuple[Tool, ...] = tuple(STRATEGIES)
    strategies: tuple[Strategy, ...] = ()
    """Empty: every strategy of each tool."""
    changes: tuple[ChangeKind, ...] = tuple(ChangeKind)
    workers: int = DEFAULT_WORKERS
    results: Path = Path("results")
    terraform_provider: str = "auto"
    """hashicorp/aws for Terraform: auto, real or standin (:mod:`harness.terraform.providers`)."""
    failure_scenarios: bool = True
    """Also run the failure cells (:mod:`harness.compare.failure_cells`; embedded emulator)."""
    faults: FaultPlan | None = None
    """Faults the embedded emulator injects during the whole run (:mod:`harness.fidelity.faults`)."""
    endpoint: str | None = None
    """With the embedded target: an emulator already running (``python -m harness emulator``)
    to use, and leave running, instead of starting one for the run."""
    profiles: Mapping[Tool, Profile] = field(default_factory=dict)
    """The stack each tool runs (``--stack FILE``); a tool not in it runs our own."""
    stack_source: Path | None = None
    """The local checkout of an upstream stack's repository (``--stack-source DIR``)."""
    module_sources: Mapping[str, Path] = field(default_factory=dict)
    """Registry module -> local checkout (``--module-source NAME=DIR``)."""

    def profile(self, tool: Tool) -> Profile:
        """The stack profile ``tool`` runs."""
        return self.profiles.get(tool) or builtin(tool)


@dataclass(frozen=True, slots=True)
class CellSpec:
    number: int
    tool: Tool
    strategy: Strategy
    kind: ChangeKind
    repetition: int
    env: str
    base: str
    image_repository: str

    @property
    def label(self) -> str:
        return f"{self.tool}·{self.strategy}·{self.kind} #{self.repetition} ({self.env})"

    def settings(self) -> AppSettings:
        return AppSettings(self.env, self.base, self.strategy, self.image_repository, V1)


@dataclass(frozen=True, slots=True)
class CellResult:
    cell: CellSpec
    status: CellStatus
    detail: str = ""


@dataclass(frozen=True, slots=True)
class DeployedBase:
    """A base layer cells can run on: its tool, name and image repository ("" if it failed)."""

    tool: Tool
    name: str
    image_repository: str


def plan_cells(
    options: CompareOptions, suffix: str, bases: Sequence[DeployedBase]
) -> list[CellSpec]:
    """The matrix in running order: repetition by repetition, the tools taking turns.

    Taking turns keeps two cells of one tool (one base, one load balancer) from running side
    by side where the other tool has cells left, and a run cut short has results for both.
    """
    cells: list[CellSpec] = []
    for repetition in range(options.repeat):
        per_tool = [_tool_cells(options, base) for base in bases if base.image_repository]
        for turn in itertools.zip_longest(*per_tool):
            for strategy, kind, base in (c for c in turn if c is not None):
                n = len(cells) + 1
                cells.append(CellSpec(n, base.tool, strategy, kind, repetition,
                                      f"c{n}-{suffix}", base.name, base.image_repository))  # fmt: skip
    return cells


def _tool_cells(
    options: CompareOptions, base: DeployedBase
) -> list[tuple[Strategy, ChangeKind, DeployedBase]]:
    # the stack's own strategies and change kinds (ours have all of their tool's)
    profile = options.profile(base.tool)
    strategies = [
        s
        for s in STRATEGIES[base.tool]
        if s in profile.strategies and (not options.strategies or s in options.strategies)
    ]
    kinds = [k for k in options.changes if k in profile.changes]
    return [(strategy, kind, base) for strategy in strategies for kind in kinds]
