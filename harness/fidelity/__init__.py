"""The emulator's fidelity layer: where moto falls short of AWS, we make it behave as AWS does.

Each submodule fixes one service and has an ``install()`` that patches moto in the
emulator's own process (never in the test process). Every behaviour it reproduces is
stated, with its source, by a conformance test under ``tests/fidelity/``.
"""

from __future__ import annotations

import importlib

# Submodules that patch moto, in install order; ``installed_layers()`` says which ran.
LAYERS: tuple[str, ...] = (
    "ecs",
    "cloudformation",
    "stack_recovery",
    "iam",
    "ec2",
    "elbv2",
    "s3",
    "elasticache",
    "rds",
    "lambda_runtime",
)

_installed: list[str] = []


def install(only: tuple[str, ...] | None = None) -> list[str]:
    """Install the layers (all of ``LAYERS``, or ``only`` those) into the running moto.

    Returns the names installed. ``only=()`` runs stock moto, to show what the layer fixes.
    """
    unknown = set(only or ()) - set(LAYERS)
    if unknown:
        raise ValueError(f"unknown fidelity layers {sorted(unknown)}; known: {', '.join(LAYERS)}")
    for name in LAYERS if only is None else [n for n in LAYERS if n in only]:
        if name in _installed:
            continue
        importlib.import_module(f"harness.fidelity.{name}").install()
        _installed.append(name)
    return list(_installed)


def installed_layers() -> list[str]:
    """Names of the layers installed in this process."""
    return list(_installed)
