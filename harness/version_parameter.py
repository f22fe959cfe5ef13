"""The SSM parameter the ``ssm-tag`` strategy reads the image tag from, which the pipeline owns.

``/ENV/image-tag``: the pipeline publishes the first version before the first deploy
(:func:`publish_first`, called by the drivers for ``ssm-tag``), the shared app-update script
writes every version it deploys (:func:`record`), and the environment's clean-up deletes it.
The stacks only read it: Terraform through ``data "aws_ssm_parameter"``, CloudFormation through
an ``AWS::SSM::Parameter::Value<String>`` parameter.
"""

from __future__ import annotations

import contextlib
from typing import Any

from harness.endpoint import Endpoint


def parameter_name(env: str) -> str:
    """Mirrors ``terraform/envs/app/main.tf`` and ``cdk/django_stacks/settings.py``."""
    return f"/{env}/image-tag"


def publish_first(endpoint: Endpoint, env: str, tag: str) -> bool:
    """Write ``tag`` unless the parameter exists (a later deploy must not undo an app update);
    True if it was written now."""
    ssm = endpoint.client("ssm")
    try:
        ssm.put_parameter(Name=parameter_name(env), Value=tag, Type="String", Overwrite=False)
    except ssm.exceptions.ParameterAlreadyExists:
        return False
    return True


def record(endpoint: Endpoint, env: str, tag: str, ssm: Any | None = None) -> bool:
    """Write ``tag`` where the environment has the parameter (an ``ssm-tag`` one); True if so."""
    ssm = ssm or endpoint.client("ssm")
    try:
        ssm.get_parameter(Name=parameter_name(env))
    except ssm.exceptions.ParameterNotFound:
        return False
    ssm.put_parameter(Name=parameter_name(env), Value=tag, Type="String", Overwrite=True)
    return True


def delete(endpoint: Endpoint, env: str) -> None:
    ssm = endpoint.client("ssm")
    with contextlib.suppress(ssm.exceptions.ParameterNotFound):
        ssm.delete_parameter(Name=parameter_name(env))
