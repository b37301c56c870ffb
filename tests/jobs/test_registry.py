"""Slots (every=, daily_at= in Europe/London across the clock changes) and the registry's
refusals."""

from __future__ import annotations

import datetime

import pytest

from safeshare.jobs import registry
from safeshare.jobs.registry import Job, JobError, register

UTC = datetime.UTC


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def every(**kwargs: float) -> Job:
    return Job(name="t", run=lambda *, now: 0, description="", every=datetime.timedelta(**kwargs))


def daily(hour: int, minute: int = 0) -> Job:
    return Job(name="t", run=lambda *, now: 0, description="", daily_at=datetime.time(hour, minute))


class TestEvery:
    def test_the_slot_is_the_epoch_floored_to_the_period(self) -> None:
        job = every(minutes=15)
        assert job.slot(at(2026, 1, 10, 12, 37, 12)) == at(2026, 1, 10, 12, 30)
        assert job.slot(at(2026, 1, 10, 12, 30)) == at(2026, 1, 10, 12, 30)
        assert job.next_slot(at(2026, 1, 10, 12, 37)) == at(2026, 1, 10, 12, 45)

    def test_a_daily_period_starts_at_midnight_utc_whatever_the_local_clock(self) -> None:
        job = every(days=1)
        assert job.slot(at(2026, 7, 10, 23, 30)) == at(2026, 7, 10)  # 00:30 BST on the 11th

    def test_the_slot_is_in_utc_whatever_zone_now_is_given_in(self) -> None:
        london = datetime.timezone(datetime.timedelta(hours=1))
        now = datetime.datetime(2026, 7, 10, 13, 7, tzinfo=london)
        assert every(hours=1).slot(now) == at(2026, 7, 10, 12)

    def test_a_naive_time_is_refused(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            every(minutes=5).slot(datetime.datetime(2026, 1, 1, 12))


class TestDailyAt:
    def test_today_once_the_time_has_passed_else_yesterday_in_winter(self) -> None:
        job = daily(7)
        assert job.slot(at(2026, 1, 10, 8)) == at(2026, 1, 10, 7)
        assert job.slot(at(2026, 1, 10, 6, 59)) == at(2026, 1, 9, 7)
        assert job.next_slot(at(2026, 1, 10, 8)) == at(2026, 1, 11, 7)

    def test_summer_time_is_an_hour_earlier_in_utc(self) -> None:
        job = daily(7)
        assert job.slot(at(2026, 7, 10, 6, 30)) == at(2026, 7, 10, 6)  # 07:30 BST
        assert job.slot(at(2026, 7, 10, 5, 59)) == at(2026, 7, 9, 6)

    def test_the_spring_change_makes_a_day_of_23_hours(self) -> None:
        # 29 March 2026: 01:00 GMT becomes 02:00 BST.
        job = daily(7)
        assert job.slot(at(2026, 3, 28, 8)) == at(2026, 3, 28, 7)
        assert job.next_slot(at(2026, 3, 28, 8)) == at(2026, 3, 29, 6)

    def test_a_time_the_clocks_skip_runs_at_that_time_before_the_change(self) -> None:
        job = daily(1, 30)  # there is no 01:30 in London on 29 March 2026
        assert job.slot(at(2026, 3, 29, 1, 45)) == at(2026, 3, 29, 1, 30)  # 02:45 BST
        assert job.slot(at(2026, 3, 29, 1, 15)) == at(2026, 3, 28, 1, 30)
        assert job.next_slot(at(2026, 3, 28, 2)) == at(2026, 3, 29, 1, 30)

    def test_the_autumn_change_makes_a_day_of_25_hours_and_a_doubled_time_runs_once(
        self,
    ) -> None:
        # 25 October 2026: 02:00 BST becomes 01:00 GMT, so 01:30 happens twice.
        assert daily(7).next_slot(at(2026, 10, 24, 7)) == at(2026, 10, 25, 7)
        job = daily(1, 30)
        assert job.slot(at(2026, 10, 25, 0, 45)) == at(2026, 10, 25, 0, 30)  # first, BST
        assert job.slot(at(2026, 10, 25, 1, 45)) == at(2026, 10, 25, 0, 30)  # still that one
        assert job.next_slot(at(2026, 10, 25, 1, 45)) == at(2026, 10, 26, 1, 30)


@pytest.mark.usefixtures("only_test_jobs")
class TestRegister:
    def test_a_registered_job_is_listed_by_name(self) -> None:
        job = register(
            "t.b", run=lambda *, now: 0, every=datetime.timedelta(minutes=5), description="b"
        )
        register("t.a", run=lambda *, now: 0, daily_at=datetime.time(6), description="a")
        assert [j.name for j in registry.all_jobs()] == ["t.a", "t.b"]
        assert registry.get("t.b") is job
        assert job.schedule == "every 5 min"
        assert registry.get("t.a").schedule == "daily at 06:00 (Europe/London)"

    def test_a_name_twice_is_refused(self) -> None:
        register("t.once", run=lambda *, now: 0, every=datetime.timedelta(hours=1), description="")
        with pytest.raises(JobError, match="already registered"):
            register(
                "t.once", run=lambda *, now: 0, every=datetime.timedelta(hours=2), description=""
            )

    @pytest.mark.parametrize(
        ("schedule", "message"),
        [
            ({}, "exactly one"),
            (
                {"every": datetime.timedelta(hours=1), "daily_at": datetime.time(6)},
                "exactly one",
            ),
            ({"every": datetime.timedelta(0)}, "1 or more"),
            ({"every": datetime.timedelta(seconds=1.5)}, "whole number"),
            ({"every": datetime.timedelta(minutes=7)}, "divide a day"),
            ({"daily_at": datetime.time(6, tzinfo=UTC)}, "wall-clock"),
        ],
    )
    def test_a_bad_schedule_is_refused(self, schedule: dict[str, object], message: str) -> None:
        with pytest.raises(JobError, match=message):
            register("t.bad", run=lambda *, now: 0, description="", **schedule)  # type: ignore[arg-type]
        assert registry.all_jobs() == []


def test_the_apps_register_their_jobs() -> None:
    names = {job.name for job in registry.all_jobs()}
    assert {
        "requests.escalate",
        "ledger.checkpoint",
        "disclosures.expiry_notices",
        "jobs.prune_history",
    } <= names
