"""Each ECS service's command, as commands.json gives it, starts and serves.

Adjusted only where a test must: loopback and a free port instead of 0.0.0.0:8000, one
gunicorn worker, kombu's in-memory transport instead of Redis, a temporary beat schedule.
"""

from __future__ import annotations

import json
import socket
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase

from core.tests.support import clean_env, running
from core.tests.test_deploy_files import load_commands


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def replaced(command: list[str], option: str, value: str) -> list[str]:
    """``command`` with the value after ``option`` set to ``value`` (the option must be there)."""
    args = list(command)
    args[args.index(option) + 1] = value
    return args


def get_json(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())
    except OSError:  # not listening yet
        return None


class ServiceProcessTests(SimpleTestCase):
    def setUp(self) -> None:
        workdir = tempfile.TemporaryDirectory()
        self.addCleanup(workdir.cleanup)
        self.workdir = Path(workdir.name)
        self.commands = load_commands()["commands"]
        self.env = clean_env(
            SQLITE_PATH=str(self.workdir / "db.sqlite3"),
            CELERY_BROKER_URL="memory://localhost/",
        )

    def test_web_serves_version_and_health_check(self) -> None:
        port = free_port()
        web = replaced(self.commands["web"], "--bind", f"127.0.0.1:{port}")
        web = replaced(web, "--workers", "1")
        env = {**self.env, "APP_VERSION": "3.1.4", "ALLOWED_HOSTS": "127.0.0.1"}
        base = f"http://127.0.0.1:{port}"
        with running(["-m", *web], env, self.workdir / "web.log") as web_server:
            version = web_server.wait_for(lambda: get_json(f"{base}/api/version/"))
            health = web_server.wait_for(lambda: get_json(f"{base}/api/health-check/"))
        self.assertEqual(version, {"version": "3.1.4"})
        self.assertEqual(health, {"status": "ok"})

    def test_worker_starts_with_the_heartbeat_task(self) -> None:
        worker = replaced(self.commands["worker"], "--concurrency", "1")
        with running(["-m", *worker], self.env, self.workdir / "worker.log") as process:
            process.wait_for(lambda: "ready." in process.output() or None)
            output = process.output()
        self.assertIn("core.tasks.heartbeat", output)

    def test_beat_starts_with_its_schedule_file(self) -> None:
        schedule = self.workdir / "celerybeat-schedule"
        beat = replaced(self.commands["beat"], "--schedule", str(schedule))
        with running(["-m", *beat], self.env, self.workdir / "beat.log") as process:
            # The scheduler opens its state file right after logging that it starts.
            files = process.wait_for(
                lambda: list(self.workdir.glob("celerybeat-schedule*")) or None
            )
            output = process.output()
        self.assertIn("beat: Starting...", output)
        self.assertTrue(files)
