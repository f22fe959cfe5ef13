"""Application load balancers created with AWS's defaults: scheme and the full attribute set.

moto 5.2.5 stores ``Scheme`` as sent, so a CreateLoadBalancer without it (hashicorp/aws
omits it when ``internal = false``) describes a load balancer with no scheme; and
DescribeLoadBalancerAttributes answers only the attributes a client set, plus five. The ELB
API reference says otherwise: CreateLoadBalancer "Scheme ... The default is an
Internet-facing load balancer", and DescribeLoadBalancerAttributes returns every attribute
of the type (LoadBalancerAttribute lists each with its default). So the state a client leaves
no longer depends on which defaults it happened to send. Conformance:
``tests/fidelity/test_elbv2.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.elbv2 import models as moto_models

models: Any = moto_models  # moto's internals, patched at run time: not an API

APPLICATION_DEFAULTS = {
    "access_logs.s3.enabled": "false",
    "client_keep_alive.seconds": "3600",
    "connection_logs.s3.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
}
"""LoadBalancerAttribute defaults for an Application Load Balancer (ELB API reference)."""


def install() -> None:
    backend = models.ELBv2Backend
    backend.create_load_balancer = _with_defaults(backend.create_load_balancer)


def _with_defaults(create: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(create)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("scheme") is None:
            kwargs["scheme"] = "internet-facing"
        balancer = create(self, *args, **kwargs)
        if balancer.type == "application":
            for key, value in APPLICATION_DEFAULTS.items():
                balancer.attrs.setdefault(key, value)
        return balancer

    return wrapped
