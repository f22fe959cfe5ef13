"""``python manage.py pre_update``: the container command of the backend-update ECS task.

Runs once per deploy, before the services roll to the new image: collectstatic first (a
new image's assets must be in place before any new web task serves pages that link them),
then migrate. Any failure ends the task with a non-zero exit code, which the app-update
script reads from the stopped task to stop the rollout.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)

STEPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("collectstatic", {"interactive": False, "verbosity": 1}),
    ("migrate", {"interactive": False, "verbosity": 1}),
)


class Command(BaseCommand):
    help = "Collect static files, then apply migrations (the backend-update task)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, step_options in STEPS:
            logger.info("pre_update: %s", name)
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr, **step_options)
            except Exception as error:
                # CommandError makes manage.py exit 1 with the message, not a traceback.
                raise CommandError(f"pre_update: {name} failed: {error}") from error
        self.stdout.write(
            self.style.SUCCESS("pre_update: static files collected, migrations applied")
        )
