"""The scheduled jobs: each app registers its own in its AppConfig.ready() (a downward
import: this app sits just above core, docs/adr/0017-scheduled-jobs.md).

    from safeshare.jobs.registry import register
    register("requests.escalate", run=escalate_overdue, every=timedelta(minutes=15),
             description="...")

A job is `run(now=<aware datetime>) -> int`, how many things it did. It runs at most once
per slot, whatever the number of runners (safeshare.jobs.runner), so it is written to catch
up: it acts on everything due by `now`, not only on what fell due in its own slot.

A slot is the start of the current period:
- `every=`: the epoch seconds floored to the period, in UTC (15 minutes: :00, :15, ...);
- `daily_at=`: today at that wall-clock time in settings.TIME_ZONE (Europe/London) once
  it has passed, else yesterday's. A time skipped when the clocks go forward counts as the
  same time before the change (01:30 on the spring day is 01:30 GMT, 02:30 BST); a time
  that happens twice in autumn is its first (BST) occurrence.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DEFAULT_LEASE", "Job", "JobError", "all_jobs", "get", "register", "unregister"]

UTC = datetime.UTC
# A run claimed but not finished after this long is taken to be dead (its worker was
# killed, its transaction rolled back) and another runner may run the slot again.
DEFAULT_LEASE = datetime.timedelta(minutes=30)


class JobError(ValueError):
    """A job registered twice, or with a schedule that is not exactly one of every/daily_at."""


def _zone() -> zoneinfo.ZoneInfo:
    from django.conf import settings

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., int]
    description: str
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    lease: datetime.timedelta = DEFAULT_LEASE
    # Whether the runner wraps the job in one transaction (rolled back if it fails). A job
    # that waits on another deployment over the network says False and writes each of
    # its results in its own transaction: on SQLite a transaction holds the database's
    # write lock, and two deployments whose jobs each waited on the other's answer while
    # holding theirs would each block the other's answer until both timed out.
    atomic: bool = True

    @property
    def schedule(self) -> str:
        if self.every is not None:
            seconds = int(self.every.total_seconds())
            if seconds % 3600 == 0:
                return f"every {seconds // 3600} h"
            if seconds % 60 == 0:
                return f"every {seconds // 60} min"
            return f"every {seconds} s"
        assert self.daily_at is not None
        return f"daily at {self.daily_at:%H:%M} ({_zone().key})"

    def slot(self, now: datetime.datetime) -> datetime.datetime:
        """The start of the period `now` falls in (aware, UTC)."""
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        if self.every is not None:
            period = int(self.every.total_seconds())
            seconds = int(now.timestamp())
            return datetime.datetime.fromtimestamp(seconds - seconds % period, tz=UTC)
        assert self.daily_at is not None
        zone = _zone()
        today = now.astimezone(zone).date()
        for day in (today, today - datetime.timedelta(days=1)):
            start = self._daily(day, zone)
            if start <= now:
                return start
        raise AssertionError("unreachable: yesterday's slot is always before now")

    def next_slot(self, now: datetime.datetime) -> datetime.datetime:
        """When the slot after the current one starts."""
        current = self.slot(now)
        if self.every is not None:
            return current + self.every
        zone = _zone()
        day = current.astimezone(zone).date()
        # The next calendar day's time (a slot near midnight may sit on the day before).
        for offset in (1, 2):
            start = self._daily(day + datetime.timedelta(days=offset), zone)
            if start > now:
                return start
        raise AssertionError("unreachable")

    def _daily(self, day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
        assert self.daily_at is not None
        local = datetime.datetime.combine(day, self.daily_at.replace(tzinfo=None), tzinfo=zone)
        # Round-trip through UTC: a skipped wall time resolves to its pre-change offset.
        return local.astimezone(UTC)


_JOBS: dict[str, Job] = {}


def register(
    name: str,
    *,
    run: Callable[..., int],
    every: datetime.timedelta | None = None,
    daily_at: datetime.time | None = None,
    description: str,
    lease: datetime.timedelta = DEFAULT_LEASE,
    atomic: bool = True,
) -> Job:
    """Add a job. Refuses a name already registered, and a schedule that is not exactly
    one of `every` (a whole number of seconds, at least one, dividing a day when it is
    shorter than one so slots fall at the same times each day) or `daily_at`."""
    if not name or len(name) > 100:
        raise JobError("A job needs a name of 1 to 100 characters")
    if name in _JOBS:
        raise JobError(f"A job named {name!r} is already registered")
    if (every is None) == (daily_at is None):
        raise JobError(f"Job {name!r}: give exactly one of every= and daily_at=")
    if every is not None:
        seconds = every.total_seconds()
        if seconds < 1 or seconds != int(seconds):
            raise JobError(f"Job {name!r}: every= must be a whole number of seconds, 1 or more")
        if seconds < 86400 and 86400 % int(seconds):
            raise JobError(f"Job {name!r}: every= shorter than a day must divide a day")
    if daily_at is not None and daily_at.tzinfo is not None:
        raise JobError(f"Job {name!r}: daily_at= is a wall-clock time, without a time zone")
    if lease <= datetime.timedelta(0):
        raise JobError(f"Job {name!r}: lease= must be positive")
    job = Job(
        name=name,
        run=run,
        description=description,
        every=every,
        daily_at=daily_at,
        lease=lease,
        atomic=atomic,
    )
    _JOBS[name] = job
    return job


def unregister(name: str) -> None:
    """Remove a job (tests that register their own)."""
    _JOBS.pop(name, None)


def get(name: str) -> Job:
    return _JOBS[name]


def all_jobs() -> list[Job]:
    return [_JOBS[name] for name in sorted(_JOBS)]
