"""AWS managed policies that exist, as in every AWS account, for the IAM API too.

moto 5.2.5 loads AWS managed policies (``arn:aws:iam::aws:policy/...``) only with
``MOTO_IAM_LOAD_MANAGED_POLICIES``; without it AttachRolePolicy of
``service-role/AmazonECSTaskExecutionRolePolicy`` answers NoSuchEntity, which no AWS account
does. Loading all of them into every account would cost start-up time, so a policy is loaded
on demand, from moto's bundled copy, the first time a call names it: attach to a role, user or
group, GetPolicy, GetPolicyVersion. The CloudFormation layer's ``ManagedPolicyArns`` use the same
documents (:func:`ensure_aws_policy`). Conformance: ``tests/fidelity/test_iam.py``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from moto.iam import models as moto_models

models: Any = moto_models  # moto's internals, patched at run time: not an API

AWS_POLICY = "arn:aws:iam::aws:policy/"
_ATTACH = ("attach_role_policy", "attach_user_policy", "attach_group_policy")
_BY_ARN = ("get_policy", "get_policy_version", "list_policy_versions")


def install() -> None:
    backend = models.IAMBackend
    for name in (*_ATTACH, *_BY_ARN):
        setattr(backend, name, _loading(getattr(backend, name)))


def ensure_aws_policy(backend: Any, arn: str) -> None:
    """Load AWS managed policy ``arn`` into ``backend`` (an IAM backend) if moto knows it."""
    if not arn.startswith(AWS_POLICY) or arn in backend.managed_policies:
        return
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    name = arn.rsplit("/", 1)[-1]
    data = _bundled(aws_managed_policies_data).get(name)
    if data is None:
        return  # unknown to moto too: NoSuchEntity, as IAM would answer
    policy = models.AWSManagedPolicy.from_data(name, backend.account_id, "us-east-1", data)
    if policy.arn == arn:  # the same name under another path is another (unknown) policy
        backend.managed_policies[arn] = policy


@functools.cache
def _bundled(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _loading(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (whose first argument is ``policy_arn``) loading that policy first."""

    @functools.wraps(method)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        arn = kwargs.get("policy_arn", args[0] if args else None)
        if isinstance(arn, str):
            ensure_aws_policy(self, arn)
        return method(self, *args, **kwargs)

    return wrapped
