"""Run what is due, each job once per slot however many runners there are.

A runner claims a job's slot by INSERTing its JobRun row in a transaction of its own;
the unique (job, slot) constraint refuses every other runner's INSERT (IntegrityError:
someone else has it, skip). Then it runs the job in a second transaction, which also
records the outcome, so the job's changes and "ok" commit together.

- A job that raises: its transaction rolls back, the row records `failed` and the
  exception's class (never its message, which might carry personal data), and the other
  jobs still run. It is not retried in that slot; it runs again next slot, and jobs are
  written to catch up, so what it missed is done late rather than lost.
- A runner that dies mid-job: its transaction rolls back with it and the row stays
  `running`. Once the job's lease (30 minutes unless registered otherwise) has passed, the
  next runner takes the slot over (a compare-and-set UPDATE, so only one does) and runs it.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone

from safeshare.jobs.models import JobRun
from safeshare.jobs.registry import Job, all_jobs, get

logger = logging.getLogger("safeshare.jobs")


@dataclass(frozen=True)
class Ran:
    job: str
    slot: datetime.datetime
    outcome: str
    count: int

    def line(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%dT%H:%M:%SZ} {self.outcome} {self.count}"


def claim(job: Job, slot: datetime.datetime, now: datetime.datetime) -> JobRun | None:
    """This runner's claim on the slot, or None when another runner has it."""
    existing = JobRun.objects.filter(job=job.name, slot=slot).first()
    if existing is None:
        try:
            with transaction.atomic():
                return JobRun.objects.create(job=job.name, slot=slot, started_at=now)
        except IntegrityError:
            existing = JobRun.objects.filter(job=job.name, slot=slot).first()
            if existing is None:  # pragma: no cover - it was pruned in between
                return None
    if existing.outcome != JobRun.Outcome.RUNNING or existing.started_at > now - job.lease:
        return None
    # A claim whose lease ran out: its runner died. Take it over if nobody else just did.
    taken = JobRun.objects.filter(
        pk=existing.pk, outcome=JobRun.Outcome.RUNNING, started_at=existing.started_at
    ).update(started_at=now, attempt=existing.attempt + 1)
    if not taken:
        return None
    logger.warning("jobs.lease_expired job=%s attempt=%d", job.name, existing.attempt + 1)
    existing.refresh_from_db()
    return existing


def run_job(job: Job, run: JobRun, now: datetime.datetime) -> Ran:
    try:
        if job.atomic:
            with transaction.atomic():
                count = int(job.run(now=now))
                JobRun.objects.filter(pk=run.pk).update(
                    outcome=JobRun.Outcome.OK, count=count, finished_at=timezone.now()
                )
        else:
            # The job commits each result itself (Job.atomic): what it finished stays
            # done if it fails later, and nothing holds a transaction while it waits.
            count = int(job.run(now=now))
            JobRun.objects.filter(pk=run.pk).update(
                outcome=JobRun.Outcome.OK, count=count, finished_at=timezone.now()
            )
    except Exception as exc:
        error = f"{type(exc).__module__}.{type(exc).__qualname__}"
        # The class only, never the message or the traceback's locals: either might
        # carry personal data.
        logger.error("jobs.failed job=%s error=%s", job.name, error)
        JobRun.objects.filter(pk=run.pk).update(
            outcome=JobRun.Outcome.FAILED, error_class=error[:200], finished_at=timezone.now()
        )
        return Ran(job.name, run.slot, JobRun.Outcome.FAILED, 0)
    return Ran(job.name, run.slot, JobRun.Outcome.OK, count)


def run_due(
    now: datetime.datetime | None = None,
    jobs: Iterable[Job] | None = None,
    *,
    stop: threading.Event | None = None,
    report: Callable[[Ran], None] | None = None,
) -> list[Ran]:
    """Run every job whose current slot nobody has claimed; what this runner ran. With
    `stop`, it stops between jobs once `stop` is set (a job under way finishes first)."""
    ran = []
    for job in all_jobs() if jobs is None else jobs:
        if stop is not None and stop.is_set():
            break
        at = now or timezone.now()
        claimed = claim(job, job.slot(at), at)
        if claimed is not None:
            ran.append(run_job(job, claimed, at))
            if report is not None:
                report(ran[-1])
    return ran


def slot_of(name: str, now: datetime.datetime) -> datetime.datetime:
    return get(name).slot(now)


def next_due(now: datetime.datetime, jobs: Iterable[Job] | None = None) -> datetime.datetime:
    """When the soonest next slot starts."""
    return min(job.next_slot(now) for job in (all_jobs() if jobs is None else jobs))


# Look again at least this often: a lease that runs out, a clock that jumped.
MAX_SLEEP = 60.0


def run_forever(stop: threading.Event, report: Callable[[Ran], None] | None = None) -> None:
    """Run what is due, sleep until the next slot starts, until `stop` is set."""
    while not stop.is_set():
        close_old_connections()
        run_due(stop=stop, report=report)
        # No connection held while asleep: a restarted database finds none to break.
        connections.close_all()
        now = timezone.now()
        wait = (next_due(now) - now).total_seconds() if all_jobs() else MAX_SLEEP
        stop.wait(min(max(wait, 0.5), MAX_SLEEP))
