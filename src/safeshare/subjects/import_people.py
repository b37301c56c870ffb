"""People from a CSV file: checking it before import (nothing is written here).

An organisation's administrator imports people, for example a school's pupil list exported
from its management information system. `check_file` reports every bad row with its row
number (the header is row 1, as a spreadsheet numbers it), the column and what to change;
`actions.import_people` writes a clean file's people all together or none. The checks
shared with the directory's import (size, UTF-8, formulas) are `core.csv_io`'s.
"""

from __future__ import annotations

import csv
import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from safeshare.core.csv_io import RowProblem, has_undecodable, is_formula, open_csv
from safeshare.core.forms import clean_text
from safeshare.subjects.forms import check_nhs_number, check_upn
from safeshare.subjects.models import Identifier, IdentifierKind, PersonKind

MAX_ROWS = 5000
REQUIRED = ["given_names", "family_name", "kind"]
OPTIONAL = ["known_as", "date_of_birth", "nhs_number", "upn"]
COLUMNS = REQUIRED + OPTIONAL
MAX_LENGTHS = {
    "given_names": 200,
    "family_name": 200,
    "known_as": 200,
    "kind": 30,
    "date_of_birth": 10,
    "nhs_number": 12,
    "upn": 13,
}
LABELS = {
    "given_names": "Given names",
    "family_name": "Family name",
    "known_as": "Known as",
    "kind": "Kind",
    "date_of_birth": "Date of birth",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
}
# The kind as the file may write it: the code or the words the pages use, any case.
KINDS = {
    **{value: value for value in PersonKind.values},
    **{str(label).casefold(): value for value, label in PersonKind.choices},
}
KIND_MESSAGE = "Kind must be child or adult"
DATE_MESSAGE = "Date of birth must be a real date, written like 2015-03-27 or 27/03/2015"


@dataclass(frozen=True)
class PersonRow:
    row: int
    kind: str
    given_names: str
    family_name: str
    known_as: str
    date_of_birth: datetime.date | None
    nhs_number: str
    upn: str

    def fields(self) -> dict[str, Any]:
        """The keyword arguments a person is created with."""
        return {
            "kind": self.kind,
            "given_names": self.given_names,
            "family_name": self.family_name,
            "known_as": self.known_as,
            "date_of_birth": self.date_of_birth,
            "nhs_number": self.nhs_number,
            "upn": self.upn,
        }


@dataclass
class CheckedPeople:
    problems: list[RowProblem] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _date(value: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValidationError(DATE_MESSAGE)


def _check_row(row: int, raw: dict[str, str], problems: list[RowProblem]) -> PersonRow | None:
    """The row as a person, or None with its problems added (every one, column by column)."""
    found: list[RowProblem] = []
    values: dict[str, str] = {}
    for column in COLUMNS:
        value = raw.get(column, "") or ""
        label = LABELS[column]
        if has_undecodable(value):
            found.append(
                RowProblem(
                    row, f"{label} is not valid UTF-8 text; save the file as “CSV UTF-8”", column
                )
            )
            continue
        value = value.strip()
        if is_formula(value):
            found.append(
                RowProblem(
                    row,
                    f"{label} must not start with {value[0]!r}, which a spreadsheet would run "
                    "as a formula",
                    column,
                )
            )
            continue
        if len(value) > MAX_LENGTHS[column]:
            found.append(
                RowProblem(
                    row, f"{label} must be {MAX_LENGTHS[column]} characters or fewer", column
                )
            )
            continue
        try:
            values[column] = clean_text(value, label) if value else ""
        except ValidationError as exc:
            found.append(RowProblem(row, exc.messages[0], column))
    for column in REQUIRED[:2]:
        if column in values and not values[column]:
            found.append(RowProblem(row, f"Enter the person’s {LABELS[column].lower()}", column))
    kind = ""
    if "kind" in values:
        kind = KINDS.get(values["kind"].casefold(), "")
        if not kind:
            found.append(RowProblem(row, KIND_MESSAGE, "kind"))
    born: datetime.date | None = None
    if values.get("date_of_birth"):
        try:
            born = _date(values["date_of_birth"])
        except ValidationError as exc:
            found.append(RowProblem(row, exc.messages[0], "date_of_birth"))
        else:
            if born > datetime.date.today():
                found.append(
                    RowProblem(row, "Date of birth must be today or in the past", "date_of_birth")
                )
    checked: dict[str, str] = {}
    for column, check in (("nhs_number", check_nhs_number), ("upn", check_upn)):
        if values.get(column):
            try:
                checked[column] = check(values[column])
            except ValidationError as exc:
                found.append(RowProblem(row, exc.messages[0], column))
    if found:
        problems.extend(found)
        return None
    return PersonRow(
        row=row,
        kind=kind,
        given_names=values["given_names"],
        family_name=values["family_name"],
        known_as=values["known_as"],
        date_of_birth=born,
        nhs_number=checked.get("nhs_number", ""),
        upn=checked.get("upn", ""),
    )


def _header_problems(header: list[str]) -> list[RowProblem]:
    problems = []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(
            RowProblem(
                1,
                f"The header row must have the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}",
            )
        )
    for column in header:
        if column not in COLUMNS:
            name = column if column and not is_formula(column) else "(blank)"
            problems.append(
                RowProblem(
                    1,
                    f"The header row has a column safeshare does not know, “{name[:40]}”: "
                    f"use only {', '.join(COLUMNS)}",
                )
            )
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    for column in repeated:
        problems.append(RowProblem(1, f"The header row has the column {column} more than once"))
    return problems


def check_file(data: bytes, organisation_id: uuid.UUID) -> CheckedPeople:
    """Every problem in the file, row by row; nothing is written. A person whose NHS number
    or unique pupil number the organisation already holds is a duplicate, as is a row that
    repeats an earlier row's identifier, or its names and date of birth."""
    result = CheckedPeople()
    reader, problem = open_csv(data)
    if reader is None:
        result.problems.append(problem or RowProblem(0, "The selected file cannot be read"))
        return result
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error:
        result.problems.append(RowProblem(1, "The header row cannot be read as CSV"))
        return result
    header_problems = _header_problems(header)
    if header_problems:
        result.problems.extend(header_problems)
        return result
    rows: list[PersonRow] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            result.problems.append(
                RowProblem(reader.line_num, "This row cannot be read as CSV: check its quotes")
            )
            break
        row = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.problems.append(
                RowProblem(
                    0,
                    f"The file must have {MAX_ROWS:,} people or fewer; split it into smaller files",
                )
            )
            return result
        if len(cells) != len(header):
            result.problems.append(
                RowProblem(row, f"This row has {len(cells)} cells but the header has {len(header)}")
            )
            continue
        person = _check_row(row, dict(zip(header, cells, strict=True)), result.problems)
        if person is not None:
            rows.append(person)
    if result.rows == 0 and not result.problems:
        result.problems.append(RowProblem(0, "The selected file has no people after the header"))
    _check_duplicates(rows, organisation_id, result)
    result.problems.sort(key=lambda p: p.row)
    if result.ok:
        result.people = rows
    return result


def _check_duplicates(
    rows: list[PersonRow], organisation_id: uuid.UUID, result: CheckedPeople
) -> None:
    # One query for every identifier in the file that the organisation already holds.
    wanted = {(IdentifierKind.NHS_NUMBER.value, r.nhs_number) for r in rows if r.nhs_number}
    wanted |= {(IdentifierKind.UPN.value, r.upn) for r in rows if r.upn}
    held: set[tuple[str, str]] = set()
    if wanted:
        held = set(
            Identifier.objects.filter(
                person__organisation_id=organisation_id,
                kind__in=[IdentifierKind.NHS_NUMBER, IdentifierKind.UPN],
                value__in={value for _kind, value in wanted},
            ).values_list("kind", "value")
        )
    seen: dict[tuple[str, ...], int] = {}
    for r in rows:
        keys = []
        if r.nhs_number:
            keys.append(("nhs_number", (IdentifierKind.NHS_NUMBER.value, r.nhs_number)))
        if r.upn:
            keys.append(("upn", (IdentifierKind.UPN.value, r.upn)))
        for column, key in keys:
            if key in held:
                result.problems.append(
                    RowProblem(
                        r.row,
                        f"Your organisation already has a person with this {LABELS[column]}",
                        column,
                    )
                )
            elif key in seen:
                result.problems.append(
                    RowProblem(
                        r.row,
                        f"{LABELS[column]} is the same as row {seen[key]}: "
                        "each person must be in the file once",
                        column,
                    )
                )
            else:
                seen[key] = r.row
        if r.date_of_birth:
            same = (
                "name",
                r.given_names.casefold(),
                r.family_name.casefold(),
                r.date_of_birth.isoformat(),
            )
            if same in seen:
                result.problems.append(
                    RowProblem(
                        r.row,
                        f"Names and date of birth are the same as row {seen[same]}: "
                        "each person must be in the file once",
                        "given_names",
                    )
                )
            else:
                seen[same] = r.row
