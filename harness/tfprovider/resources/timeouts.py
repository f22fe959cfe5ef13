"""``timeouts`` blocks: accepted as hashicorp/aws declares them per type.

A timeout bounds how long the real provider waits for an object to settle; the stand-in
waits only as long as the endpoint needs (each wait has its own bound), so the values are
kept in state and otherwise unused.
"""

from __future__ import annotations

from harness.tfprovider.schema import STRING, Nested, nested, opt


def timeouts(*operations: str) -> Nested:
    """The ``timeouts`` block with these operations (``create``, ``update``, ``delete``...)."""
    return nested("timeouts", "single", *(opt(op, STRING) for op in operations))
