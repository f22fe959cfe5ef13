"""``aws_alb*``: hashicorp/aws's older names for the ``aws_lb*`` types, the same resources.

The real provider registers each under both names with one implementation and one schema;
so do we (a subclass differing only in its name).
"""

from __future__ import annotations

from harness.tfprovider.resource import Resource
from harness.tfprovider.resources.elbv2 import LoadBalancer, TargetGroup
from harness.tfprovider.resources.elbv2_listeners import Listener, ListenerRule


def alias(cls: type[Resource], name: str) -> type[Resource]:
    return type(cls.__name__ + "Alias", (cls,), {"type_name": name})


RESOURCES: list[type[Resource]] = [
    alias(LoadBalancer, "aws_alb"),
    alias(TargetGroup, "aws_alb_target_group"),
    alias(Listener, "aws_alb_listener"),
    alias(ListenerRule, "aws_alb_listener_rule"),
]
