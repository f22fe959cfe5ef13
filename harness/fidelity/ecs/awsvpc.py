"""The awsvpc network configuration ECS completes with its documented defaults.

moto 5.2.5 reads ``awsvpcConfiguration["securityGroups"]`` unconditionally, so CreateService,
UpdateService and RunTask without security groups fail with HTTP 500, and it reports the
configuration exactly as given. The ECS API reference (AwsVpcConfiguration) says otherwise:
"If you don't specify a security group, the default security group for the VPC is used", and
assignPublicIp "The default value is DISABLED". Here a configuration is completed before moto
sees it, so services, their deployments and task interfaces all carry the filled-in values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.ec2.exceptions import InvalidSubnetIdError
from moto.ec2.models import ec2_backends
from moto.ecs import models as moto_models

# moto's internals, patched at run time: typed as Any on purpose (they are not an API).
models: Any = moto_models

_KEY = "awsvpcConfiguration"


def install() -> None:
    service = models.Service
    service._validate_network = _completing(service._validate_network)


def completed(
    network_configuration: dict[str, Any] | None, account_id: str, region: str
) -> dict[str, Any] | None:
    """``network_configuration`` with ECS's defaults filled in; a new dict, the input untouched.

    A configuration without awsvpcConfiguration comes back unchanged, for moto to reject.
    """
    if not network_configuration or not isinstance(network_configuration.get(_KEY), dict):
        return network_configuration
    awsvpc = dict(network_configuration[_KEY])
    awsvpc.setdefault("assignPublicIp", "DISABLED")
    if not awsvpc.get("securityGroups"):
        # A VPC without a default group: none at all, as ECS then creates the service "without
        # any security group" (aws/containers-roadmap#1765). An unknown subnet: moto rejects it.
        group = _default_group(awsvpc.get("subnets") or [], account_id, region)
        awsvpc["securityGroups"] = [] if group is None else [group]
    return {**network_configuration, _KEY: awsvpc}


def _default_group(subnets: list[str], account_id: str, region: str) -> str | None:
    """The default security group of the first subnet's VPC (None if there is no such subnet)."""
    if not subnets:
        return None
    ec2 = ec2_backends[account_id][region]
    try:
        vpc_id = ec2.get_subnet(subnets[0]).vpc_id
    except InvalidSubnetIdError:
        return None
    group = ec2.get_default_security_group(vpc_id)
    return None if group is None else str(group.id)


def _completing(original: Callable[..., Any]) -> Callable[..., Any]:
    """Service._validate_network (CreateService, CloudFormation, our UpdateService) on the
    completed configuration; what it returns becomes the service's networkConfiguration."""

    def validate_network(self: Any, network_configuration: dict[str, Any]) -> Any:
        filled = completed(network_configuration, self._account_id, self.region_name)
        return original(self, filled)

    return validate_network
