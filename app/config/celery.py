"""The Celery app: ``celery -A config worker`` and ``celery -A config beat`` load it.

Its configuration is the ``CELERY_*`` Django settings (broker, beat schedule), so the
worker, beat and the web process read one environment the same way.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
