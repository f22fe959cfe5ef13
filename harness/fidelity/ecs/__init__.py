"""The ECS part of the fidelity layer: task definitions, services with deployments, tasks.

Each module patches one area of moto's ECS backend; :mod:`.simulation` holds the simulated
timing and task outcomes, and the control routes (``/_harness/ecs/...``) that change them;
:mod:`.tasks` (with :mod:`.containers` and :mod:`.pulls`) gives tasks their lifecycle;
:mod:`.services` patches the service API, whose tasks :mod:`.scheduler` starts and stops
(rollouts and the circuit breaker in :mod:`.rollout`, the Deployment object and service
events in :mod:`.deployments`, load balancer targets in :mod:`.targets`);
:mod:`.awsvpc` completes network configurations with ECS's defaults;
:mod:`.network` releases stopped tasks' network interfaces (it also wraps EC2 calls that see them).
Conformance tests: ``tests/fidelity/test_ecs.py``, ``tests/fidelity/test_ecs_services.py``.
"""

from __future__ import annotations

from harness.fidelity.ecs import awsvpc, network, services, simulation, task_definitions, tasks

__all__ = ["install", "simulation"]


def install() -> None:
    """Patch moto's ECS in this process (the emulator server's)."""
    task_definitions.install()
    awsvpc.install()
    services.install()
    tasks.install()
    network.install()
