"""The seed author's CDK stack through the comparison, by its profile: one cell.

``python -m harness compare --tools cdk --stack profiles/author-cdk.toml --stack-source ...``
as a test, cut to one cell (its one strategy, unpinned, and the change kind it expresses,
task-definition-property through the app config's ``extraEnvVars``), on the embedded
emulator with the real CDK CLI, judged against the documented expectation of
``harness/expectations.py``. Skipped, naming what to check out, without
``HARNESS_UPSTREAM_CDK_DJANGO``. Prints the phase timings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import profiles, records
from harness.compare import CompareOptions, run_comparison
from harness.outcomes import CellStatus
from harness.records import ChangeKind, Phase, Status, Strategy, Tool
from tests.upstream.checkout_cdk import AUTHOR_CDK, cdk_django_checkout

pytestmark = [pytest.mark.cdk, pytest.mark.slow]


def test_one_cell_of_the_author_s_cdk_stack_runs_as_documented(tmp_path: Path) -> None:
    checkout = cdk_django_checkout()
    profile = profiles.load(AUTHOR_CDK)
    options = CompareOptions(
        tools=(Tool.CDK,),
        profiles={Tool.CDK: profile},
        stack_source=checkout,
        strategies=(Strategy.UNPINNED,),
        changes=(ChangeKind.TASK_DEFINITION,),
        failure_scenarios=False,
        results=tmp_path,
        workers=1,
    )
    result = run_comparison(options, build_report=False)
    found = list(records.load([result.folder]))
    assert {r.stack for r in found} == {"author-cdk (briancaffey/cdk-django@7decfee)"}
    base = [r for r in found if r.phase is Phase.BASE]
    assert [r.status for r in base] == [Status.OK], base[0].error if base else "no base record"
    [cell] = result.cells
    print(json.dumps({"status": str(cell.status), "detail": cell.detail,
                      "phases_s": {f"{r.phase}{'/' + r.step if r.step else ''}":
                                   round(r.duration_s, 1) for r in found}}, indent=1))  # fmt: skip
    assert cell.status is CellStatus.AS_DOCUMENTED, cell.detail
    assert all(r.status is Status.OK for r in found if r.phase is Phase.DESTROY)
