"""Records of the two fixture runs (see ``make_fixtures.py``), loaded as the report loads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import records
from harness.records import Record
from harness.report import runinfo
from harness.report.runinfo import RunSummary

FIXTURES = Path(__file__).parent / "fixtures"
RUN_A, RUN_B = FIXTURES / "run-a", FIXTURES / "run-b"


@pytest.fixture(scope="session")
def run_a() -> list[Record]:
    return list(records.load([RUN_A]))


@pytest.fixture(scope="session")
def merged() -> list[Record]:
    return list(records.load([RUN_A, RUN_B]))


@pytest.fixture(scope="session")
def summaries() -> list[RunSummary]:
    return runinfo.load([RUN_A, RUN_B])
