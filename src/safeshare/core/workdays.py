"""Deadlines in working days, with England and Wales bank holidays. Pure: no Django.

How a due time is worked out (docs/adr/0006-directory-and-agreements.md):

* A target in **hours** (immediate) counts clock hours, night, weekend and bank holiday
  included: a child at risk of harm now does not wait for Monday. 4 hours from Friday
  16:00 is Friday 20:00.
* A target in **working days** counts Mondays to Fridays that are not England and Wales
  bank holidays, in UK local time (Europe/London):

  - made on a working day, it is due at the same time of day on the n-th working day
    after: 1 working day from Friday 16:00 is Monday 16:00 (Tuesday 16:00 if that
    Monday is a bank holiday);
  - made on a Saturday, Sunday or bank holiday, the clock starts with the next working
    day and the request is due at the end of the n-th working day counted from it
    (23:59:59): 1 working day from Saturday 10:00 is the end of Monday. Counting it as if
    made at some hour of that Monday would pick an hour nobody chose.

  So a working-day target is never due on a weekend or bank holiday, and adding n working
  days and then m is the same as adding n + m. UK clocks change on Sundays, which are never
  due days, so "the same time of day" always exists.

Bank holidays come from the `govuk-bank-holidays` package's bundled copy of the GOV.UK
data (`use_cached_holidays=True`: never fetched over the network). The bundled data runs
to the end of 2028; after that only weekends are skipped until the package is upgraded
(docs/operations.md, "Bank holidays").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

# The package ships no type information; its one call here returns a list of dicts.
from govuk_bank_holidays.bank_holidays import BankHolidays  # type: ignore[import-untyped]

__all__ = [
    "LONDON",
    "Target",
    "add_working_days",
    "add_working_time",
    "bank_holidays",
    "is_working_day",
    "last_known_holiday_year",
    "parse_targets",
    "working_days_between",
]

LONDON = ZoneInfo("Europe/London")
END_OF_DAY = datetime.time(23, 59, 59)
_UTC = datetime.UTC


@dataclass(frozen=True)
class Target:
    """How long one urgency level has: clock hours, or working days (exactly one set)."""

    hours: int = 0
    working_days: int = 0

    def __post_init__(self) -> None:
        if (self.hours > 0) == (self.working_days > 0) or min(self.hours, self.working_days) < 0:
            raise ValueError("a target is a positive number of hours or of working days, not both")


def parse_targets(raw: Mapping[str, Target | Mapping[str, int]]) -> dict[str, Target]:
    """Targets from settings, where each level is {"hours": 4} or {"working_days": 1}."""
    return {
        level: value if isinstance(value, Target) else Target(**value)
        for level, value in raw.items()
    }


@cache
def bank_holidays() -> frozenset[datetime.date]:
    """England and Wales bank holidays from the package's bundled data (no network)."""
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(
        h["date"] for h in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def last_known_holiday_year(holidays: Iterable[datetime.date] | None = None) -> int:
    """The last year the holiday data covers: deadlines after it skip weekends only."""
    return max(d.year for d in (bank_holidays() if holidays is None else holidays))


def is_working_day(day: datetime.date, holidays: frozenset[datetime.date] | None = None) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    if isinstance(day, datetime.datetime):
        raise TypeError("is_working_day takes a date, not a datetime")
    return day.weekday() < 5 and day not in (bank_holidays() if holidays is None else holidays)


def add_working_days(
    day: datetime.date, n: int, holidays: frozenset[datetime.date] | None = None
) -> datetime.date:
    """The n-th working day after `day` (n >= 0; 0 gives `day` itself)."""
    if n < 0:
        raise ValueError("n must be zero or more")
    holidays = bank_holidays() if holidays is None else holidays
    while n:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            n -= 1
    return day


def working_days_between(
    a: datetime.date, b: datetime.date, holidays: frozenset[datetime.date] | None = None
) -> int:
    """Working days d with a < d <= b: Friday to the next Monday is 1. Negative when b is
    before a, so that add_working_days(a, working_days_between(a, b)) == b for a working
    day b after a."""
    if b < a:
        return -working_days_between(b, a, holidays)
    holidays = bank_holidays() if holidays is None else holidays
    # Whole weeks hold five weekdays each; only the remainder and the holidays need a look.
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (a + datetime.timedelta(days=offset)).weekday() < 5:
            count += 1
    count -= sum(1 for h in holidays if a < h <= b and h.weekday() < 5)
    return count


def add_working_time(
    start: datetime.datetime,
    urgency: str,
    targets: Mapping[str, Target | Mapping[str, int]],
    holidays: frozenset[datetime.date] | None = None,
) -> datetime.datetime:
    """When something started at `start` with this urgency is due (see the module doc).

    `start` must be timezone-aware; the answer is in Europe/London time. Raises KeyError
    for an urgency with no target.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware, so that the local day is known")
    target = parse_targets({urgency: targets[urgency]})[urgency]
    if target.hours:
        # Elapsed time, through UTC: wall-clock arithmetic would be an hour out across a
        # clock change.
        due = start.astimezone(_UTC) + datetime.timedelta(hours=target.hours)
        return due.astimezone(LONDON)
    holidays = bank_holidays() if holidays is None else holidays
    local = start.astimezone(LONDON)
    if is_working_day(local.date(), holidays):
        day = add_working_days(local.date(), target.working_days, holidays)
        return datetime.datetime.combine(day, local.time(), tzinfo=LONDON)
    first = add_working_days(local.date(), 1, holidays)
    day = add_working_days(first, target.working_days - 1, holidays)
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=LONDON)
