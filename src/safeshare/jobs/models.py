"""One row per job and slot: the claim that makes a job run once per slot however many
runners there are (docs/adr/0017-scheduled-jobs.md)."""

from __future__ import annotations

from django.db import models


class JobRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    count = models.PositiveIntegerField(default=0)
    # The exception's class only: its message might carry personal data.
    error_class = models.CharField(max_length=200, blank=True)
    # 1 for the first claim; more when a runner took over a run whose lease had run out.
    attempt = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="job_run_once_per_slot")
        ]
        indexes = [models.Index(fields=["slot"], name="job_run_slot")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%dT%H:%M:%SZ}"
