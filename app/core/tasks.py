"""Celery tasks. ``heartbeat`` is scheduled by beat (``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from core.models import Heartbeat

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> int:
    """Record that the heartbeat ran now; return how many times it has run."""
    now = timezone.now()
    row, created = Heartbeat.objects.get_or_create(
        name="heartbeat", defaults={"last_run": now, "runs": 1}
    )
    if not created:
        # F() so two workers running it at once both count.
        Heartbeat.objects.filter(pk=row.pk).update(last_run=now, runs=F("runs") + 1)
        row.refresh_from_db()
    logger.info("heartbeat %d at %s", row.runs, now.isoformat())
    return row.runs
