"""The endpoints the deployment relies on: the running version and the health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
def version(request: HttpRequest) -> JsonResponse:
    """The version baked into the image, which the harness compares with the deployed tag."""
    return JsonResponse({"version": settings.APP_VERSION})


@require_GET
def health_check(request: HttpRequest) -> JsonResponse:
    """200 when the process serves requests and reaches its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
