"""What the periodic task records, so a deployment can be seen to run beat and a worker."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """One row per periodic task name: when it last ran and how often it has run."""

    name = models.CharField(max_length=100, unique=True)
    last_run = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.runs} runs, last {self.last_run.isoformat()}"
