"""A bounded history of job runs: older rows are pruned daily, so the table stays small
(a job every minute leaves 1,440 rows a day)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safeshare.jobs.models import JobRun
from safeshare.jobs.registry import register

KEEP = datetime.timedelta(days=90)
PRUNE_JOB = "jobs.prune_history"


def prune_history(*, now: datetime.datetime | None = None) -> int:
    """Delete runs whose slot is older than KEEP; how many were deleted."""
    now = now or timezone.now()
    deleted, _ = JobRun.objects.filter(slot__lt=now - KEEP).delete()
    return deleted


def register_pruning() -> None:
    register(
        PRUNE_JOB,
        run=prune_history,
        daily_at=datetime.time(3, 30),
        description=f"Delete the record of job runs older than {KEEP.days} days",
    )
