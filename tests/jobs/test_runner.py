"""Claiming a slot, running what is due, failures, a dead runner's lease, the history, and
the `safeshare jobs` command's output."""

from __future__ import annotations

import datetime
import logging
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from safeshare.jobs import history, registry, runner
from safeshare.jobs.models import JobRun
from safeshare.jobs.registry import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_test_jobs")]

NOW = datetime.datetime(2026, 1, 10, 12, 37, tzinfo=datetime.UTC)
SLOT = datetime.datetime(2026, 1, 10, 12, 30, tzinfo=datetime.UTC)
QUARTER = datetime.timedelta(minutes=15)


class Counter:
    def __init__(self, result: int = 1) -> None:
        self.calls: list[datetime.datetime] = []
        self.result = result

    def __call__(self, *, now: datetime.datetime) -> int:
        self.calls.append(now)
        return self.result


def counted(name: str = "test.counted", result: int = 3) -> Counter:
    counter = Counter(result)
    register(name, run=counter, every=QUARTER, description="A test job")
    return counter


class TestClaim:
    def test_a_slot_is_claimed_once(self) -> None:
        counted()
        job = registry.get("test.counted")
        first = runner.claim(job, SLOT, NOW)
        assert first is not None and first.outcome == JobRun.Outcome.RUNNING
        assert runner.claim(job, SLOT, NOW) is None
        assert JobRun.objects.count() == 1

    def test_each_due_job_runs_once_per_slot_and_again_in_the_next(self) -> None:
        counter = counted()
        [ran] = runner.run_due(NOW)
        assert (ran.job, ran.slot, ran.outcome, ran.count) == ("test.counted", SLOT, "ok", 3)
        assert runner.run_due(NOW + datetime.timedelta(minutes=7)) == []
        assert len(runner.run_due(NOW + QUARTER)) == 1
        assert counter.calls == [NOW, NOW + QUARTER]
        run = JobRun.objects.get(slot=SLOT)
        assert (run.outcome, run.count, run.error_class) == ("ok", 3, "")
        assert run.finished_at is not None

    def test_a_run_whose_lease_ran_out_is_taken_over_once(self) -> None:
        """Its runner died: the job's work rolled back with its transaction, and the row
        still says running. (A job whose period is shorter than its lease simply runs
        again in its next slot.)"""
        counter = Counter()
        register("test.hourly", run=counter, every=datetime.timedelta(hours=1), description="")
        hour = datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC)
        JobRun.objects.create(
            job="test.hourly", slot=hour, started_at=hour + datetime.timedelta(minutes=10)
        )
        assert runner.run_due(NOW) == []  # 27 minutes: within its lease, it may be alive
        later = hour + datetime.timedelta(minutes=41)  # 31 minutes after it started
        [ran] = runner.run_due(later)
        assert (ran.slot, ran.outcome) == (hour, "ok") and counter.calls == [later]
        run = JobRun.objects.get()
        assert (run.attempt, run.outcome, run.started_at) == (2, "ok", later)
        assert runner.run_due(later) == []

    def test_a_failed_run_is_not_retried_in_its_slot(self) -> None:
        counter = counted()
        JobRun.objects.create(
            job="test.counted",
            slot=SLOT,
            started_at=NOW - datetime.timedelta(hours=1),
            outcome=JobRun.Outcome.FAILED,
        )
        assert runner.run_due(NOW) == [] and counter.calls == []


class TestFailure:
    def test_a_failure_records_the_class_only_and_the_other_jobs_still_run(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        def fails(*, now: datetime.datetime) -> int:
            JobRun.objects.create(job="written.then.rolled.back", slot=now, started_at=now)
            raise ValueError("Lily Morgan, 4 May 2016")

        register("a.fails", run=fails, every=QUARTER, description="")
        counter = counted("b.works")
        with caplog.at_level(logging.INFO):
            ran = runner.run_due(NOW)
        assert [(r.job, r.outcome) for r in ran] == [("a.fails", "failed"), ("b.works", "ok")]
        assert counter.calls == [NOW]
        failed = JobRun.objects.get(job="a.fails")
        assert (failed.outcome, failed.error_class) == ("failed", "builtins.ValueError")
        assert failed.finished_at is not None
        assert not JobRun.objects.filter(job="written.then.rolled.back").exists()
        assert "jobs.failed job=a.fails error=builtins.ValueError" in caplog.text
        assert "Lily" not in caplog.text and "2016" not in caplog.text


class TestOutsideATransaction:
    """Job.atomic=False: the job commits each result itself, so nothing holds a transaction
    (on SQLite, the write lock) while it waits on another deployment; what it finished
    before failing stays."""

    def test_a_non_atomic_job_runs_outside_any_transaction_and_keeps_what_it_wrote(
        self,
    ) -> None:
        from django.db import connection

        seen: list[int] = []

        def fails_half_way(*, now: datetime.datetime) -> int:
            seen.append(len(connection.savepoint_ids))
            JobRun.objects.create(job="written.and.kept", slot=now, started_at=now)
            raise ValueError("the second witness did not answer")

        def atomic(*, now: datetime.datetime) -> int:
            seen.append(len(connection.savepoint_ids))
            return 1

        register("a.network", run=fails_half_way, every=QUARTER, description="", atomic=False)
        register("b.atomic", run=atomic, every=QUARTER, description="")
        outside = len(connection.savepoint_ids)
        ran = runner.run_due(NOW)
        assert [r.outcome for r in ran] == ["failed", "ok"]
        # No transaction of the runner's around the first (pytest-django's test transaction
        # is all there is); one around the second.
        assert seen == [outside, outside + 1]
        assert JobRun.objects.filter(job="written.and.kept").exists()

    def test_the_jobs_that_wait_on_other_deployments_are_not_atomic(self) -> None:
        from django.apps import apps

        registry._JOBS.clear()
        apps.get_app_config("ledger").ready()
        apps.get_app_config("federation").ready()
        assert registry.get("ledger.witness").atomic is False
        assert registry.get("federation.deliver").atomic is False
        assert registry.get("ledger.checkpoint").atomic is True


class TestCommand:
    def test_once_prints_each_job_it_ran_then_that_nothing_is_due(self) -> None:
        counted("test.one", result=3)
        register("test.daily", run=Counter(0), daily_at=datetime.time(6), description="")
        out = StringIO()
        call_command("jobs", "run", "--once", stdout=out)
        lines = out.getvalue().splitlines()
        slot = runner.slot_of("test.one", timezone.now())
        assert lines[1] == f"test.one {slot:%Y-%m-%dT%H:%M:%SZ} ok 3"
        assert lines[0].startswith("test.daily ") and lines[0].endswith(" ok 0")
        out = StringIO()
        call_command("jobs", "run", "--once", stdout=out)
        assert out.getvalue() == "No job is due.\n"

    def test_once_fails_when_a_job_failed(self) -> None:
        def fails(*, now: datetime.datetime) -> int:
            raise RuntimeError

        register("test.fails", run=fails, every=QUARTER, description="")
        counted("test.works")
        out = StringIO()
        with pytest.raises(CommandError, match=r"Failed: test\.fails") as raised:
            call_command("jobs", "run", "--once", stdout=out)
        assert raised.value.returncode == 1
        assert " failed 0" in out.getvalue() and " ok 3" in out.getvalue()

    def test_job_picks_which_to_run(self) -> None:
        one = counted("test.one")
        two = counted("test.two")
        call_command("jobs", "run", "--once", "--job", "test.two", stdout=StringIO())
        assert (one.calls, len(two.calls)) == ([], 1)
        with pytest.raises(CommandError, match="No job named 'nope'"):
            call_command("jobs", "run", "--once", "--job", "nope")

    def test_list_shows_each_job_its_schedule_and_last_run(self) -> None:
        counted("test.one")
        register("test.daily", run=Counter(), daily_at=datetime.time(6), description="Daily")
        out = StringIO()
        call_command("jobs", "list", stdout=out)
        assert "test.daily  daily at 06:00 (Europe/London)  never run" in out.getvalue()
        assert "test.one  every 15 min  never run" in out.getvalue()
        runner.run_due(NOW)
        out = StringIO()
        call_command("jobs", "list", stdout=out)
        assert "test.one  every 15 min  last 2026-01-10 12:30 ok 3" in out.getvalue()


def test_history_older_than_90_days_is_pruned() -> None:
    for days in (91, 89):
        JobRun.objects.create(
            job="test.old", slot=NOW - datetime.timedelta(days=days), started_at=NOW
        )
    assert history.prune_history(now=NOW) == 1
    assert [r.slot for r in JobRun.objects.all()] == [NOW - datetime.timedelta(days=89)]


@pytest.mark.django_db(transaction=True)
def test_the_foreground_runner_runs_what_is_due_until_stopped() -> None:
    counter = counted()
    stop = threading.Event()
    seen: list[runner.Ran] = []

    def report(ran: runner.Ran) -> None:
        seen.append(ran)
        stop.set()

    thread = threading.Thread(target=runner.run_forever, args=(stop,), kwargs={"report": report})
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert [r.job for r in seen] == ["test.counted"] and len(counter.calls) == 1
