"""Lambda functions run as local processes, for Invoke and for CloudFormation custom resources.

moto stores functions faithfully but runs them in Docker, which this emulator does not have.
``install()`` serves Invoke by running the function with the machine's interpreter of its
runtime (:mod:`.runtimes`; the table is in ``docs/lambda.md``) through a small shim per
language (``python_shim.py``, ``node_shim.js``) that loads the handler and calls it with the
event and a context object (:mod:`.runner`, :mod:`.invoke`). What it does not cover (layers,
container images, VPC networking, EFS, SnapStart) CreateFunction refuses, naming it
(:mod:`.refusals`). Conformance: ``tests/fidelity/test_lambda*.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from harness.fidelity.lambda_runtime import inline, invoke, refusals


def install() -> None:
    from moto.awslambda import models
    from moto.awslambda.responses import LambdaResponse

    LambdaResponse.invoke = invoke.served_invoke  # type: ignore[method-assign]
    backend: Any = models.LambdaBackend
    backend.create_function = _refusing(backend.create_function, "spec", 0)
    backend.update_function_configuration = _refusing(
        backend.update_function_configuration, "body", 2
    )
    inline.install()


def _refusing(method: Callable[..., Any], name: str, position: int) -> Any:
    """``method`` refusing a spec (its argument ``name``, or positional ``position``)."""

    @functools.wraps(method)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        from moto.awslambda.exceptions import InvalidParameterValueException

        spec = kwargs[name] if name in kwargs else args[position] if len(args) > position else {}
        why = refusals.refusal(spec or {})
        if why:
            raise InvalidParameterValueException(why)
        return method(self, *args, **kwargs)

    return wrapped
