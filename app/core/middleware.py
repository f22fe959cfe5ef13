"""Answers the load balancer's health check before Django validates the Host header.

The ALB sends health checks with ``Host: <task private IP>``, which no static
``ALLOWED_HOSTS`` can list, so the check would get a 400 and the target never turn healthy.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from core.views import health_check


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = reverse("health-check")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == self.path:
            return health_check(request)
        return self.get_response(request)
