from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeshare.subjects.identifiers import nhs_number_is_valid, upn_is_valid


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_it_accepts_valid_nhs_numbers(number: str) -> None:
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize(
    "number",
    ["9434765918", "943476591", "94347659190", "abcdefghij", "", "9434765910"],
)
def test_it_refuses_invalid_nhs_numbers(number: str) -> None:
    assert not nhs_number_is_valid(number)


@given(st.text(max_size=20))
def test_it_never_raises_on_any_text(text: str) -> None:
    nhs_number_is_valid(text)
    upn_is_valid(text)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_exactly_one_check_digit_or_none_fits_nine_digits(stem: int) -> None:
    prefix = f"{stem:09d}"
    valid = [d for d in range(10) if nhs_number_is_valid(prefix + str(d))]
    assert len(valid) <= 1


def test_it_checks_the_upn_check_letter() -> None:
    # Built from the DfE algorithm: the letter is the weighted sum of the rest mod 23.
    stem = "801234567890"
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    total = (
        sum(int(c) * w for c, w in zip(stem[:11], range(2, 13), strict=True)) + int(stem[11]) * 13
    )
    good = letters[total % 23] + stem
    assert upn_is_valid(good)
    bad_letter = letters[(total + 1) % 23] + stem
    assert not upn_is_valid(bad_letter)
    assert not upn_is_valid("I" + stem)
