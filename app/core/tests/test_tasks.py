from __future__ import annotations

from celery.app.utils import find_app
from django.conf import settings
from django.test import TestCase

from config import celery_app
from core.models import Heartbeat
from core.tasks import heartbeat


class HeartbeatTaskTests(TestCase):
    def test_records_each_run(self) -> None:
        with self.assertLogs(level="INFO") as logs:
            self.assertEqual(heartbeat.apply().get(), 1)
            first = Heartbeat.objects.get(name="heartbeat").last_run
            self.assertEqual(heartbeat.apply().get(), 2)
        row = Heartbeat.objects.get(name="heartbeat")
        self.assertEqual(row.runs, 2)
        self.assertIn("INFO:core.tasks:heartbeat 2 at", "\n".join(logs.output))
        self.assertGreaterEqual(row.last_run, first)

    def test_delayed_by_name_it_runs_the_task_beat_schedules(self) -> None:
        # Eager mode with kombu's in-memory transport stands in for Redis: celery still
        # builds the message (it opens a producer) and looks the task up by the name beat sends.
        saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
        celery_app.conf.update(task_always_eager=True, broker_url="memory://localhost/")
        self.addCleanup(celery_app.conf.update, saved)
        with self.assertLogs(level="INFO"):
            result = celery_app.tasks["core.tasks.heartbeat"].delay()
        self.assertEqual(result.get(), 1)
        self.assertEqual(Heartbeat.objects.get(name="heartbeat").runs, 1)


class BeatScheduleTests(TestCase):
    def test_schedule_runs_the_heartbeat_every_minute(self) -> None:
        schedule = celery_app.conf.beat_schedule
        self.assertEqual(schedule, settings.CELERY_BEAT_SCHEDULE)
        self.assertEqual(celery_app.conf.broker_url, settings.CELERY_BROKER_URL)
        self.assertEqual(schedule["heartbeat"]["task"], "core.tasks.heartbeat")
        self.assertEqual(schedule["heartbeat"]["schedule"], 60.0)
        self.assertIn("core.tasks.heartbeat", celery_app.tasks)

    def test_celery_dash_a_config_finds_this_app(self) -> None:
        # What ``celery -A config worker`` and ``celery -A config beat`` resolve.
        self.assertIs(find_app("config"), celery_app)
