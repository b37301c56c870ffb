"""Checks shared by the forms and the CSV import, so both say the same thing."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

EMAIL_MESSAGE = "Enter a secure email address in the correct format, like name@example.org"
PHONE_MESSAGE = "Enter a UK phone number, like 01632 960 001 or 07700 900 982"
# Spaces, hyphens, dots and brackets people type between digits.
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
# A UK number written nationally: 0, then 9 or 10 digits (mostly 10; a few areas have 9).
_UK_NATIONAL = re.compile(r"0\d{9,10}")


def normalise_email(value: str, message: str = EMAIL_MESSAGE) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(message, code="email") from None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_uk_phone(value: str, message: str = PHONE_MESSAGE) -> str:
    """The number as 0 and its digits ("+44 (0)20 7946 0000" gives "02079460000")."""
    digits = _PHONE_SEPARATORS.sub("", value.strip())
    if digits.startswith("+44"):
        digits = digits[3:]
        if digits.startswith("0"):  # "+44 (0)20 ..." keeps the trunk zero in brackets
            digits = digits[1:]
        digits = "0" + digits
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if not _UK_NATIONAL.fullmatch(digits):
        raise ValidationError(message, code="phone")
    return digits


def format_uk_phone(digits: str) -> str:
    """Digits grouped as people read them: 01632 960 001, 020 7946 0000, 07700 900 982."""
    if len(digits) != 11:
        return digits
    if digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:8]} {digits[8:]}"
