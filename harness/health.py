"""Healthy targets of an environment's web target group, sampled while a phase runs.

Downtime is measured without running containers: ELB's DescribeTargetHealth says how many
targets are ``healthy``; zero at any sample means nothing served the app. Any AWS endpoint
works (the emulator, LocalStack, AWS); nothing here knows which tool deployed.

    with HealthSampler(web_targets(endpoint, "alpha", "dev")) as sampler:
        run_the_phase()
    sampler.minimum  # fewest healthy targets seen (None: no target group was found)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from botocore.exceptions import ClientError

from harness.contract import HARNESS_CONTRACT, Contract, EnvNames
from harness.endpoint import Endpoint

Count = Callable[[], int | None]
"""Healthy targets now; None when there is nothing to count (no target group yet)."""


def healthy_targets(elbv2: Any, target_group_name: str) -> int | None:
    """Targets in state ``healthy`` in the named target group; None if the group does not exist."""
    try:
        groups = elbv2.describe_target_groups(Names=[target_group_name])["TargetGroups"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "TargetGroupNotFound":
            return None
        raise
    if not groups:
        return None
    answer = elbv2.describe_target_health(TargetGroupArn=groups[0]["TargetGroupArn"])
    states = [d["TargetHealth"]["State"] for d in answer["TargetHealthDescriptions"]]
    return states.count("healthy")


def web_targets(
    endpoint: Endpoint, env: str, base: str, contract: Contract = HARNESS_CONTRACT
) -> Count:
    """A :data:`Count` of the healthy targets of ``env``'s web target group (contract name;
    a contract without one: always None, "not measured")."""
    elbv2 = endpoint.client("elbv2")
    name = EnvNames(env, base, contract).target_group
    if not name:
        return lambda: None
    return lambda: healthy_targets(elbv2, name)


@dataclass(frozen=True, slots=True)
class Sample:
    at_s: float
    """Seconds since sampling began."""
    healthy: int | None


@dataclass
class HealthSampler:
    """Samples ``count`` every ``interval_s`` on a thread, from ``__enter__`` to ``__exit__``."""

    count: Count
    interval_s: float = 0.2
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _began: float = field(default=0.0, repr=False)

    def __enter__(self) -> HealthSampler:
        self._stop.clear()
        self._began = time.perf_counter()
        self._sample()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def _sample(self) -> None:
        try:
            healthy = self.count()
        except ClientError as exc:  # a sample lost to a throttle or a deleted group is no datum
            self.errors.append(str(exc))
            return
        self.samples.append(Sample(time.perf_counter() - self._began, healthy))

    @property
    def minimum(self) -> int | None:
        """Fewest healthy targets over the samples that found the group (None: none did)."""
        counted = [s.healthy for s in self.samples if s.healthy is not None]
        return min(counted) if counted else None

    @property
    def downtime(self) -> bool:
        """True if a sample found the group with no healthy target."""
        return self.minimum == 0
