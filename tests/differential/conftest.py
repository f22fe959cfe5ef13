"""The differential suite's runs: every configuration with the real provider and the stand-in,
each against a fresh emulator, all started at once at first use (the real provider's fixed
waits overlap), then compared test by test.

Skipped, saying why, where no real hashicorp/aws is installable. ``HARNESS_DIFFERENTIAL=deep``
(``nox -s differential``) adds the configurations too slow for ``nox -s tests``;
``HARNESS_DIFFERENTIAL_ONLY=a,b`` runs only those.
"""

from __future__ import annotations

import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import pytest

from harness.errors import ProviderUnavailable
from harness.terraform.providers import ProviderSelection, select
from harness.tfprovider.versions import VERSIONS
from tests.differential.configs import CONFIGS
from tests.differential.runner import Config, Outcome, run

log = logging.getLogger(__name__)

PROVIDERS = ("real", "standin")
DEEP = os.environ.get("HARNESS_DIFFERENTIAL") == "deep"
REPO = Path(__file__).resolve().parents[2]
WORKERS = int(os.environ.get("HARNESS_DIFFERENTIAL_WORKERS", "3"))

Outcomes = dict[tuple[str, str], Outcome]


ONLY = {n for n in os.environ.get("HARNESS_DIFFERENTIAL_ONLY", "").split(",") if n}
"""To debug one configuration: ``HARNESS_DIFFERENTIAL_ONLY=network``."""


def selected() -> list[Config]:
    return [c for c in CONFIGS if (DEEP or not c.deep) and (not ONLY or c.name in ONLY)]


@pytest.fixture(scope="session")
def real_provider() -> ProviderSelection:
    try:
        chosen = select("real")
    except ProviderUnavailable as exc:
        pytest.skip(f"differential suite needs a real hashicorp/aws: {exc}")
    if chosen.version not in VERSIONS:
        pytest.skip(f"the stand-in cannot answer as {chosen.description} ({', '.join(VERSIONS)})")
    return chosen


@pytest.fixture(scope="session")
def outcomes(
    real_provider: ProviderSelection, tmp_path_factory: pytest.TempPathFactory
) -> Outcomes:
    """(config, provider) -> what that run saw; the real runs start first (they wait longest).

    Both runs take the real provider's version (the stand-in answers as it), like for like.
    """
    root = tmp_path_factory.mktemp("differential")
    version = real_provider.version
    jobs = [(c, p) for p in PROVIDERS for c in selected()]
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="differential") as pool:
        futures = {
            (c.name, p): pool.submit(run, c, p, version, root / f"{c.name}-{p}") for c, p in jobs
        }
        found = {key: future.result() for key, future in futures.items()}
    out = Path(os.environ.get("HARNESS_RESULTS_DIR", REPO / "results")) / "differential.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({f"{c}/{p}": asdict(o) for (c, p), o in found.items()}, indent=1,
                              default=str))  # fmt: skip
    log.info("differential outcomes in %s", out)
    return found


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "outcomes" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.terraform)
            item.add_marker(pytest.mark.slow)
