"""When a subject access request is due: pure date arithmetic, no Django.

UK GDPR Article 12(3): the controller answers "without undue delay and in any event within
one month of receipt of the request", a period that "may be extended by two further months
where necessary". A month runs to the corresponding day of the next month, or to the last
day of that month when it has no such day (the ICO's reading: a request received on
31 January is due on 28 February, or 29 February in a leap year).

An extension counts from the day the request was received, as the one period it is: a
request received on 31 January and extended by two months is due on 30 April (three
months on), not on 28 April (two months after 28 February). Weekends and bank holidays
do not move the date; the ICO lets a controller answer on the next working day, which
an IG lead can still do on a date shown as due.
"""

from __future__ import annotations

import calendar
import datetime

ONE_MONTH = 1
MAX_EXTENSION_MONTHS = 2


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding day `months` later, or the last day of that month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def due_on(received_on: datetime.date, extended_by: int = 0) -> datetime.date:
    """The day the answer is due, for a request received on `received_on` and extended by
    `extended_by` months (0, 1 or 2)."""
    if not 0 <= extended_by <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"a request can be extended by at most {MAX_EXTENSION_MONTHS} months")
    return add_months(received_on, ONE_MONTH + extended_by)
