"""Checks for national identifiers. Pure functions, no Django."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"[\s-]")


def normalise_nhs_number(value: str) -> str:
    return _NON_DIGITS.sub("", value)


def nhs_number_is_valid(value: str) -> bool:
    """NHS number: 10 digits, the last a modulus 11 check digit.

    Weights 10..2 on the first nine digits; check = 11 - (sum mod 11); 11 means 0 and 10
    means the number is invalid (NHS Data Dictionary, "NHS Number").
    """
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the DfE check-letter alphabet (no I, O, S)


def upn_is_valid(value: str) -> bool:
    """Unique pupil number: a check letter then 12 characters (DfE UPN guidance).

    The check letter is the weighted sum (weights 2..13) of the 12 following characters,
    mod 23, mapped onto the alphabet above; character 12 may be a letter for temporary UPNs.
    """
    upn = value.strip().upper()
    if len(upn) != 13 or upn[0] not in _UPN_LETTERS or not upn[1:12].isdigit():
        return False
    last = upn[12]
    if last.isdigit():
        last_value = int(last)
    elif last in _UPN_LETTERS:
        last_value = _UPN_LETTERS.index(last)
    else:
        return False
    total = sum(int(ch) * w for ch, w in zip(upn[1:12], range(2, 13), strict=True))
    total += last_value * 13
    return _UPN_LETTERS[total % 23] == upn[0]
