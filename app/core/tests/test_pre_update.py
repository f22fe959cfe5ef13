from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test import SimpleTestCase, TransactionTestCase, override_settings

from core.management.commands import pre_update
from core.tests.support import clean_env, run_python

# One file the admin ships and one the app ships: both must end up collected.
EXPECTED_STATIC = ("admin/css/base.css", "core/site.css")


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


class PreUpdateTests(TransactionTestCase):
    """Runs the command in-process against the test database and a temporary STATIC_ROOT."""

    def setUp(self) -> None:
        static_root = tempfile.TemporaryDirectory()
        self.addCleanup(static_root.cleanup)
        self.static_root = Path(static_root.name)
        settings_override = override_settings(STATIC_ROOT=self.static_root)
        settings_override.enable()
        self.addCleanup(settings_override.disable)
        # Leave the schema whole for the tests after this one, whatever happens here.
        self.addCleanup(call_command, "migrate", verbosity=0)

    def test_collects_static_files_then_migrates(self) -> None:
        call_command("migrate", "core", "zero", verbosity=0)
        self.assertIn("core.0001_initial", unapplied_migrations())
        calls: list[str] = []

        def recording(name: str, *args: Any, **options: Any) -> None:
            calls.append(name)
            call_command(name, *args, **options)

        with (
            mock.patch.object(pre_update, "call_command", side_effect=recording),
            self.assertLogs(pre_update.__name__, level="INFO") as logs,
        ):
            call_command("pre_update", stdout=_Sink(), stderr=_Sink())

        self.assertEqual(calls, ["collectstatic", "migrate"])
        self.assertEqual(
            [record.getMessage() for record in logs.records], [f"pre_update: {c}" for c in calls]
        )
        for relative in EXPECTED_STATIC:
            self.assertTrue((self.static_root / relative).is_file(), relative)
        self.assertEqual(unapplied_migrations(), [])
        applied = MigrationRecorder(connection).applied_migrations()
        self.assertIn(("core", "0001_initial"), applied)

    def test_a_failed_step_stops_the_command_with_an_error(self) -> None:
        calls: list[str] = []

        def failing(name: str, *args: Any, **options: Any) -> None:
            calls.append(name)
            raise OSError("read-only file system")

        with (
            mock.patch.object(pre_update, "call_command", side_effect=failing),
            self.assertRaisesRegex(CommandError, "collectstatic failed: read-only"),
            self.assertLogs(pre_update.__name__, level="INFO"),
        ):
            call_command("pre_update", stdout=_Sink(), stderr=_Sink())
        self.assertEqual(calls, ["collectstatic"])


class PreUpdateProcessTests(SimpleTestCase):
    """``python manage.py pre_update`` as the backend-update task runs it: its exit code."""

    def setUp(self) -> None:
        workdir = tempfile.TemporaryDirectory()
        self.addCleanup(workdir.cleanup)
        self.workdir = Path(workdir.name)
        self.database = self.workdir / "db.sqlite3"

    def tables(self) -> set[str]:
        if not self.database.exists():
            return set()
        with sqlite3.connect(self.database) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {name for (name,) in rows}

    def test_exit_zero_with_static_files_and_schema_in_place(self) -> None:
        static_root = self.workdir / "static"
        env = clean_env(SQLITE_PATH=str(self.database), STATIC_ROOT=str(static_root))
        result = run_python(["manage.py", "pre_update"], env)
        self.assertEqual(result.returncode, 0, result.stderr)
        for relative in EXPECTED_STATIC:
            self.assertTrue((static_root / relative).is_file(), relative)
        self.assertIn("core_heartbeat", self.tables())

    def test_exit_non_zero_and_no_migration_when_collectstatic_fails(self) -> None:
        not_a_directory = self.workdir / "static"
        not_a_directory.write_text("a file where STATIC_ROOT should be")
        env = clean_env(SQLITE_PATH=str(self.database), STATIC_ROOT=str(not_a_directory))
        result = run_python(["manage.py", "pre_update"], env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("collectstatic failed", result.stderr)
        self.assertNotIn("core_heartbeat", self.tables())


class _Sink:
    """A stdout/stderr that drops what the commands write."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
