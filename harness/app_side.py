"""The application side of a cell: what the pipeline does to the app, and how we read it back.

The lifecycle talks to the tools through a driver and to the running application through an
:class:`AppSide`, passed in the way httpx takes a transport. :class:`ContractAppSide` is the
real one: the shared app-update script and boto3 reads through the naming contract, never a
tool's state. Tests pass a fake with the same methods instead of patching module globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from harness import app_update, changes
from harness.contract import HARNESS_CONTRACT, Contract, EnvNames
from harness.endpoint import Endpoint
from harness.health import Count, web_targets
from harness.records import ChangeKind


class AppSide(Protocol):
    """The running application of one endpoint, as a deploy pipeline sees it."""

    def running_versions(self, env: str) -> dict[str, str]:
        """Image tag each service of ``env`` runs: ``{"web": "v2", "worker": "v2", ...}``."""
        ...

    def update(self, env: str, base: str, version: str) -> None:
        """The shared app-update script: deploy image tag ``version`` to every service."""
        ...

    def run_backend_update(self, env: str, base: str) -> None:
        """Run the backend-update task once (post-deploy) and wait until it exits 0."""
        ...

    def change_in_effect(self, env: str, base: str, kind: ChangeKind) -> bool | None:
        """Whether the running deployment shows the infra change ``kind`` (None for ``none``)."""
        ...

    def deregister_revisions(self, env: str) -> int:
        """Deregister the task definition revisions left ACTIVE after ``env`` was destroyed."""
        ...

    def healthy_targets(self, env: str, base: str) -> Count:
        """A counter of the healthy targets of ``env``'s web target group (for downtime)."""
        ...


@dataclass(frozen=True, slots=True)
class ContractAppSide:
    """The real application side: the shared script and boto3, through the naming contract."""

    endpoint: Endpoint
    contract: Contract = HARNESS_CONTRACT
    """The stack's names (its profile's ``[contract]``)."""

    def running_versions(self, env: str) -> dict[str, str]:
        return app_update.running_versions(self.endpoint, env, self.contract)

    def update(self, env: str, base: str, version: str) -> None:
        app_update.update(self.endpoint, env, base, version, contract=self.contract)

    def run_backend_update(self, env: str, base: str) -> None:
        app_update.run_backend_update(self.endpoint, env, base, contract=self.contract)

    def change_in_effect(self, env: str, base: str, kind: ChangeKind) -> bool | None:
        return changes.change_in_effect(self.endpoint, EnvNames(env, base, self.contract), kind)

    def deregister_revisions(self, env: str) -> int:
        return app_update.deregister_revisions(self.endpoint, env, self.contract)

    def healthy_targets(self, env: str, base: str) -> Count:
        # A key of its own: the sampler's calls must not count as the cell's (embedded only).
        key = self.endpoint.credentials.get("AWS_ACCESS_KEY_ID", "")
        return web_targets(self.endpoint.with_access_key(f"{key}-health"), env, base, self.contract)
