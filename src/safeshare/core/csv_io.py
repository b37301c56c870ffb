"""What every CSV import shares: the size limit, reading the bytes as UTF-8 (a byte order
mark accepted), the formula-injection check and the problem a row is reported with.

The directory import (`directory.csv_io`) and the people import (`subjects.import_people`)
each check their own columns on top of these, so both refuse a file the same way.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 2 * 1024 * 1024
TOO_BIG = "The selected file must be smaller than 2 MB; split it into smaller files"
EMPTY = "The selected file is empty"
# Cells a spreadsheet would run as a formula (OWASP "CSV injection"), tab and CR included.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with a file: its row (the header is row 1, as a spreadsheet numbers
    it; 0 for the whole file), the column when one is to blame, and what to change."""

    row: int
    message: str
    column: str = ""


def is_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def escape_formula(value: str) -> str:
    """A leading ' stops a spreadsheet running a cell as a formula."""
    return "'" + value if is_formula(value) else value


def has_undecodable(value: str) -> bool:
    # surrogateescape turns each byte that is not UTF-8 into U+DC80..U+DCFF.
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def open_csv(data: bytes) -> tuple[Any, RowProblem | None]:
    """A strict `csv.reader` (its `line_num` is the row number) over the file's text, or the problem that stops it being read
    at all (too big, empty). Bytes that are not UTF-8 survive as surrogates for
    `has_undecodable` to report against their row and column."""
    if len(data) > MAX_BYTES:
        return None, RowProblem(0, TOO_BIG)
    if not data.strip():
        return None, RowProblem(0, EMPTY)
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    return csv.reader(io.StringIO(text, newline=""), strict=True), None
