import datetime

import pytest

from safeshare.subject_access.deadlines import add_months, due_on

D = datetime.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 1, 31), D(2026, 2, 28)),
        (D(2028, 1, 31), D(2028, 2, 29)),  # a leap year
        (D(2026, 1, 15), D(2026, 2, 15)),
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 12, 31), D(2027, 1, 31)),  # into the next year
        (D(2026, 2, 28), D(2026, 3, 28)),
        (D(2028, 2, 29), D(2028, 3, 29)),
    ],
)
def test_it_is_due_on_the_corresponding_day_or_the_last_of_the_month(
    received: datetime.date, due: datetime.date
) -> None:
    assert due_on(received) == due


def test_an_extension_counts_from_the_day_received() -> None:
    assert due_on(D(2026, 1, 31), 1) == D(2026, 3, 31)
    assert due_on(D(2026, 1, 31), 2) == D(2026, 4, 30)
    assert due_on(D(2026, 11, 30), 2) == D(2027, 2, 28)


def test_it_refuses_more_than_two_further_months() -> None:
    with pytest.raises(ValueError, match="at most 2 months"):
        due_on(D(2026, 1, 1), 3)
    with pytest.raises(ValueError):
        due_on(D(2026, 1, 1), -1)


def test_add_months_over_many_years() -> None:
    assert add_months(D(2026, 1, 31), 25) == D(2028, 2, 29)
