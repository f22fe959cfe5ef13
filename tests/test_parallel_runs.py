"""Parallel runs are isolated: two ``python -m harness compare`` at once on one machine.

Each owns its emulator (its own free port), its results and working folders, the Terraform
data dir of each layer (``TF_DATA_DIR`` is set per layer: a user's shared one is not used)
and its CDK assemblies (``work/cdk/assemblies``); the stand-in provider's mirror is shared
by design and written atomically. Both get a ``TF_DATA_DIR`` of the user's, the same one,
to show the harness does not use it; both must succeed with their own records, and nothing
of the repository (tracked or ignored files) may be written by either.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import records
from harness.paths import REPO_ROOT
from harness.records import Status
from tests import procs

pytestmark = [pytest.mark.slow, pytest.mark.terraform]

IGNORED_ANYWAY = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis")


def repository_files() -> set[str]:
    """Every file git sees in the checkout, ignored ones too (a run must write none)."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
    )
    return {
        line for line in done.stdout.splitlines()
        if not any(part in line for part in IGNORED_ANYWAY) and "results/" not in line
    }  # fmt: skip


def test_two_comparisons_at_once_do_not_see_each_other(tmp_path: Path) -> None:
    shared_data_dir = tmp_path / "users-tf-data-dir"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CI": "1",
           "TF_DATA_DIR": str(shared_data_dir)}  # fmt: skip
    before = repository_files()
    runs = []
    for name in ("one", "two"):
        argv = [sys.executable, "-m", "harness", "compare", "--tools", "terraform"]
        argv += ["--strategies", "plain", "--changes", "none", "--workers", "1"]
        argv += ["--no-failure-scenarios"]  # their phases fail by design; one plain cell each
        argv += ["--terraform-provider", "standin", "--results", str(tmp_path / name)]
        log = (tmp_path / f"{name}.log").open("wb")
        runs.append((name, log, subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                                 env=env, cwd=tmp_path)))  # fmt: skip
    seen: dict[int, procs.Proc] = {}
    overlapped = False  # both running Terraform at one moment: the runs really were parallel
    try:
        while any(p.poll() is None for _, _, p in runs):
            trees = [procs.descendants(p.pid) for _, _, p in runs]
            seen.update({c.pid: c for tree in trees for c in tree})
            overlapped = overlapped or all(any("shim.py" in c.line for c in t) for t in trees)
            time.sleep(0.2)
    finally:
        for _, log, p in runs:
            if p.poll() is None:
                p.kill()
            p.wait()
            log.close()
    assert overlapped, "the two runs never ran Terraform at the same time"
    ports, run_ids = set(), set()
    for name, _, p in runs:
        output = (tmp_path / f"{name}.log").read_text()
        assert p.returncode == 0, output[-3000:]
        (folder,) = (tmp_path / name).iterdir()
        loaded = list(records.load([folder]))
        assert loaded
        assert {r.run_id for r in loaded} == {folder.name}
        assert {r.status for r in loaded} == {Status.OK}
        run_ids.add(folder.name)
        log_text = (folder / "emulator.log").read_text()
        ports.add(re.search(r"serving on 127\.0\.0\.1:(\d+)", log_text).group(1))  # type: ignore[union-attr]
        # every Terraform data dir of the run is inside its own working folder
        data_dirs = list((folder / "work").rglob(".terraform"))
        assert data_dirs
        assert all(d.is_relative_to(folder / "work") for d in data_dirs)
    assert len(run_ids) == 2
    assert len(ports) == 2, "the runs shared an emulator port"
    assert not shared_data_dir.exists(), "the user's TF_DATA_DIR was written"
    assert repository_files() == before
    left = [c.line for pid, c in seen.items() if procs.alive(pid)]
    assert left == []
