"""The seed author's Terraform stack through the comparison, by its profile.

``python -m harness compare --tools terraform --stack profiles/author-terraform.toml
--stack-source ... --module-source terraform-aws-modules/vpc/aws=...`` as a test: the base and
every cell of the stack (its one strategy, ignore-changes, and its change kinds), on the
embedded emulator with the stand-in provider, judged against the documented expectations of
``harness/expectations.py``. Skipped, naming what to check out, without
``HARNESS_UPSTREAM_TERRAFORM_AWS_DJANGO`` / ``HARNESS_UPSTREAM_TERRAFORM_AWS_VPC``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import profiles, records
from harness.compare import CompareOptions, run_comparison
from harness.outcomes import CellStatus
from harness.records import Phase, Status, Tool
from tests.upstream.checkout import AUTHOR_TERRAFORM, VPC_MODULE, checkouts

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def test_the_author_s_stack_runs_its_cells_as_documented(tmp_path: Path) -> None:
    django, vpc = checkouts()
    profile = profiles.load(AUTHOR_TERRAFORM)
    options = CompareOptions(
        tools=(Tool.TERRAFORM,),
        profiles={Tool.TERRAFORM: profile},
        stack_source=django,
        module_sources={VPC_MODULE: vpc},
        terraform_provider="standin",
        results=tmp_path,
        workers=2,
    )
    result = run_comparison(options, build_report=False)
    found = list(records.load([result.folder]))
    assert {r.stack for r in found} == {
        "author-terraform (briancaffey/terraform-aws-django@0980129)"
    }
    base = [r for r in found if r.phase is Phase.BASE]
    assert [r.status for r in base] == [Status.OK], base[0].error if base else "no base record"
    by_kind = {c.cell.kind: c for c in result.cells}
    assert set(by_kind) == set(profile.changes)
    print(json.dumps({
        str(kind): {"status": str(c.status), "detail": c.detail,
                    "phases_s": {f"{r.phase}{'/' + r.step if r.step else ''}": round(r.duration_s, 1)
                                 for r in found if r.env_name == c.cell.env}}
        for kind, c in by_kind.items()
    }, indent=1))  # fmt: skip
    assert {k: c.status for k, c in by_kind.items()} == dict.fromkeys(
        by_kind, CellStatus.AS_DOCUMENTED
    ), {k: c.detail for k, c in by_kind.items()}
    assert all(r.status is Status.OK for r in found if r.phase is Phase.DESTROY)
