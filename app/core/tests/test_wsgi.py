"""gunicorn loads the web command's WSGI target (started for real in test_processes)."""

from __future__ import annotations

from django.test import SimpleTestCase
from gunicorn.util import import_app

from config import wsgi
from core.tests.test_deploy_files import load_commands


class GunicornImportTests(SimpleTestCase):
    def test_gunicorn_resolves_the_web_commands_app(self) -> None:
        target = load_commands()["commands"]["web"][1]
        self.assertIs(import_app(target), wsgi.application)
