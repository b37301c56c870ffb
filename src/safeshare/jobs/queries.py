"""Read-only queries about job runs (operators only: no personal data is stored here)."""

from __future__ import annotations

from django.db.models import Max

from safeshare.jobs.models import JobRun


def last_runs() -> dict[str, JobRun]:
    """Each job's latest run: two queries whatever the number of jobs and rows."""
    latest = JobRun.objects.values("job").annotate(slot=Max("slot"))
    pairs = {(row["job"], row["slot"]) for row in latest}
    if not pairs:
        return {}
    runs = JobRun.objects.filter(slot__in={slot for _, slot in pairs})
    return {run.job: run for run in runs if (run.job, run.slot) in pairs}
