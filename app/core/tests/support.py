"""Running the app's own entry points in a fresh interpreter, as a container would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

APP_DIR = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 120
STARTUP_SECONDS = 30.0
STOP_SECONDS = 10.0

T = TypeVar("T")


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without the app's own variables, plus ``overrides``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("POSTGRES_", "DJANGO_", "APP_", "CELERY_"))
        and name not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "STATIC_ROOT", "SQLITE_PATH"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return env


def run_python(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in the app directory; output captured, never raises on exit code."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=APP_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def settings_value(expression: str, env: Mapping[str, str]) -> str:
    """``expression`` (which may use ``json`` and ``settings``) printed by a fresh interpreter."""
    # Only the settings module, not django.setup(): a Postgres engine would import psycopg.
    code = f"import json; from django.conf import settings; print({expression})"
    result = run_python(["-c", code], env)
    if result.returncode != 0:
        raise AssertionError(f"settings failed to load:\n{result.stderr}")
    return result.stdout.strip()


class Running:
    """A long-running entry point (gunicorn, celery) started for a test, output to a file."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, *args],
            cwd=APP_DIR,
            env=dict(env),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, check: Callable[[], T | None], timeout: float = STARTUP_SECONDS) -> T:
        """Poll ``check`` until it returns a value; fail if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value is not None:
                return value
            if self.process.poll() is not None:
                raise AssertionError(f"exited with {self.process.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"not ready after {timeout}s:\n{self.output()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Terminate (the ECS stop signal), kill if it lingers; always reaped."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


@contextmanager
def running(args: list[str], env: Mapping[str, str], log: Path) -> Iterator[Running]:
    server = Running(args, env, log)
    try:
        yield server
    finally:
        server.stop()
