"""Working-day arithmetic across weekends and England and Wales bank holidays."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.core.workdays import (
    LONDON,
    Target,
    add_working_days,
    add_working_time,
    bank_holidays,
    is_working_day,
    last_known_holiday_year,
    working_days_between,
)

TARGETS = {
    "immediate": {"hours": 4},
    "urgent": {"working_days": 1},
    "standard": {"working_days": 5},
}


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_the_bundled_data_holds_the_holidays_the_tables_rely_on() -> None:
    holidays = bank_holidays()
    for day in ["2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-31"]:
        assert datetime.date.fromisoformat(day) in holidays
    # Boxing Day 2026 is a Saturday: its substitute is Monday 28 December.
    assert datetime.date(2026, 12, 26) not in holidays
    assert last_known_holiday_year() >= 2028


@pytest.mark.parametrize(
    ("start", "urgency", "due"),
    [
        # Friday 16:00, one working day: the same time next Monday.
        ("2026-11-20 16:00", "urgent", "2026-11-23 16:00"),
        # Immediate counts clock hours, into the night and the weekend.
        ("2026-11-20 22:00", "immediate", "2026-11-21 02:00"),
        # Saturday and Sunday: the end of the next working day.
        ("2026-11-21 10:00", "urgent", "2026-11-23 23:59:59"),
        ("2026-11-22 23:30", "standard", "2026-11-27 23:59:59"),
        # Christmas 2026: Thursday 24th + 1 skips Christmas Day (Fri), the weekend and the
        # Boxing Day substitute (Mon 28th).
        ("2026-12-24 09:30", "urgent", "2026-12-29 09:30"),
        ("2026-12-24 09:30", "standard", "2027-01-05 09:30"),
        # Made on Christmas Day: the end of the 1st working day, Tuesday 29th.
        ("2026-12-25 12:00", "urgent", "2026-12-29 23:59:59"),
        # New Year's Day 2027 is a Friday.
        ("2026-12-31 15:00", "urgent", "2027-01-04 15:00"),
        ("2027-01-01 08:00", "standard", "2027-01-08 23:59:59"),
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March.
        ("2027-03-25 11:00", "urgent", "2027-03-30 11:00"),
        ("2027-03-25 11:00", "standard", "2027-04-05 11:00"),
        ("2027-03-26 11:00", "urgent", "2027-03-30 23:59:59"),
        # Late May bank holiday 2027: Monday 31 May.
        ("2027-05-28 17:00", "urgent", "2027-06-01 17:00"),
        ("2027-05-28 17:00", "standard", "2027-06-07 17:00"),
        # Clocks go forward on Sunday 28 March 2027: 4 elapsed hours from 23:00 Saturday
        # is 04:00 BST, not 03:00.
        ("2027-03-27 23:00", "immediate", "2027-03-28 04:00"),
    ],
)
def test_due_times(start: str, urgency: str, due: str) -> None:
    assert add_working_time(at(start), urgency, TARGETS) == at(due)


def test_the_answer_is_london_time_whatever_zone_the_start_is_in() -> None:
    start = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=datetime.UTC)
    due = add_working_time(start, "urgent", TARGETS)
    assert due == at("2026-11-23 16:00")
    assert due.tzinfo == LONDON


def test_it_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_time(datetime.datetime(2026, 11, 20, 16), "urgent", TARGETS)


def test_it_refuses_an_unknown_urgency() -> None:
    with pytest.raises(KeyError):
        add_working_time(at("2026-11-20 16:00"), "whenever", TARGETS)


@pytest.mark.parametrize("raw", [{}, {"hours": 1, "working_days": 1}, {"working_days": -1}])
def test_a_target_is_hours_or_working_days(raw: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="positive number"):
        Target(**raw)


@pytest.mark.parametrize(
    ("a", "b", "days"),
    [
        ("2026-11-20", "2026-11-23", 1),  # Friday to Monday
        ("2026-11-23", "2026-11-20", -1),
        ("2026-11-21", "2026-11-22", 0),  # a weekend
        ("2026-12-24", "2027-01-04", 4),  # 29, 30, 31 Dec and 4 Jan
        ("2027-03-25", "2027-03-30", 1),  # Easter
        # 2 January to 31 December 2026: 260 weekdays less 7 bank holidays.
        ("2026-01-01", "2026-12-31", 253),
        ("2026-11-20", "2026-11-20", 0),
    ],
)
def test_working_days_between(a: str, b: str, days: int) -> None:
    start, end = datetime.date.fromisoformat(a), datetime.date.fromisoformat(b)
    assert working_days_between(start, end) == days


def test_is_working_day() -> None:
    assert is_working_day(datetime.date(2027, 3, 30))
    assert not is_working_day(datetime.date(2027, 3, 29))  # Easter Monday
    assert not is_working_day(datetime.date(2027, 3, 27))  # Saturday
    with pytest.raises(TypeError):
        is_working_day(datetime.datetime(2027, 3, 30, 9))


starts = st.datetimes(
    min_value=datetime.datetime(2024, 1, 1),
    max_value=datetime.datetime(2028, 10, 31),
    timezones=st.just(LONDON),
)
days = st.integers(min_value=1, max_value=30)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=days)
def test_a_day_target_is_never_due_on_a_weekend_or_bank_holiday(
    start: datetime.datetime, n: int
) -> None:
    due = add_working_time(start, "level", {"level": {"working_days": n}})
    assert is_working_day(due.date())
    assert due >= start
    assert working_days_between(start.astimezone(LONDON).date(), due.date()) == n


@settings(max_examples=300, deadline=None)
@given(start=starts, n=days, m=days)
def test_adding_n_then_m_working_days_is_adding_n_plus_m(
    start: datetime.datetime, n: int, m: int
) -> None:
    def add(when: datetime.datetime, k: int) -> datetime.datetime:
        return add_working_time(when, "level", {"level": {"working_days": k}})

    assert add(add(start, n), m) == add(start, n + m)


@settings(max_examples=200, deadline=None)
@given(start=starts, hours=st.integers(min_value=1, max_value=72))
def test_an_hours_target_is_elapsed_time(start: datetime.datetime, hours: int) -> None:
    due = add_working_time(start, "level", {"level": {"hours": hours}})
    # Subtracting in UTC: same-zone subtraction in Python ignores a clock change.
    assert due.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == datetime.timedelta(
        hours=hours
    )


@given(
    day=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2028, 6, 30)), n=days
)
def test_add_working_days_and_between_agree(day: datetime.date, n: int) -> None:
    assert working_days_between(day, add_working_days(day, n)) == n
