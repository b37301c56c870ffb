"""The directory as one CSV file: export, and checking a file before import.

One file, one row per contact point or practitioner, told apart by `record_type`, so an
administrator handles a single file. `check_file` reports every bad row with its row
number (the header is row 1, as a spreadsheet numbers it) and what is wrong; it writes
nothing. `actions.import_directory` writes a clean file's rows all together or none.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from safeshare.accounts.models import Organisation, User
from safeshare.core.csv_io import (
    MAX_BYTES,
    RowProblem,
    escape_formula,
    has_undecodable,
    is_formula,
    open_csv,
)
from safeshare.core.forms import clean_text
from safeshare.directory.models import ContactKind, ContactPoint, DirectoryPractitioner
from safeshare.directory.validation import normalise_email, normalise_uk_phone

__all__ = ["MAX_BYTES", "RowProblem", "check_file", "export_csv"]
CONTACT = "contact_point"
PRACTITIONER = "practitioner"
COLUMNS = [
    "record_type",
    "organisation",
    "contact_kind",
    "contact_value",
    "label",
    "name",
    "job_title",
    "email",
    "phone",
    "verified_on",
]
# The longest value each column may hold (the model's field lengths).
MAX_LENGTHS = {
    "record_type": 20,
    "organisation": 200,
    "contact_kind": 20,
    "contact_value": 254,
    "label": 100,
    "name": 200,
    "job_title": 200,
    "email": 254,
    "phone": 32,
    "verified_on": 10,
}


@dataclass
class CheckedFile:
    problems: list[RowProblem] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    practitioners: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    contacts = ContactPoint.objects.filter(active=True).select_related("organisation", "user")
    for c in contacts:
        value = c.user.username if c.kind == ContactKind.IN_SYSTEM and c.user else c.value
        row = [CONTACT, c.organisation.name, c.kind, value, c.label, "", "", "", ""]
        row.append(c.verified_on.isoformat() if c.verified_on else "")
        writer.writerow([escape_formula(v) for v in row])
    people = DirectoryPractitioner.objects.filter(active=True).select_related("organisation")
    for p in people:
        row = [PRACTITIONER, p.organisation.name, "", "", "", p.name, p.job_title]
        row += [p.secure_email, p.phone, p.verified_on.isoformat() if p.verified_on else ""]
        writer.writerow([escape_formula(v) for v in row])
    return out.getvalue()


class _RowError(Exception):
    pass


def check_file(data: bytes) -> CheckedFile:
    """Every problem in the file, row by row; nothing is written."""
    result = CheckedFile()
    reader, problem = open_csv(data)
    if reader is None:
        result.problems.append(problem or RowProblem(0, "The selected file cannot be read"))
        return result
    try:
        header = next(reader)
    except csv.Error as exc:
        result.problems.append(RowProblem(1, f"The file cannot be read as CSV: {exc}"))
        return result
    header = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        result.problems.append(
            RowProblem(
                1,
                f"The header row is missing the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}",
            )
        )
        return result
    organisations = {o.name.casefold(): o for o in Organisation.objects.all()}
    users = {u.username.casefold(): u for u in User.objects.filter(is_active=True)}
    existing_contacts = {
        (str(org), kind, value)
        for org, kind, value in ContactPoint.objects.exclude(
            kind=ContactKind.IN_SYSTEM
        ).values_list("organisation_id", "kind", "value")
    } | {
        (str(org), ContactKind.IN_SYSTEM.value, str(user))
        for org, user in ContactPoint.objects.filter(kind=ContactKind.IN_SYSTEM).values_list(
            "organisation_id", "user_id"
        )
    }
    existing_people = {
        (str(org), name.casefold(), title.casefold())
        for org, name, title in DirectoryPractitioner.objects.values_list(
            "organisation_id", "name", "job_title"
        )
    }
    seen: dict[tuple[str, ...], int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(
                RowProblem(reader.line_num, f"Row {reader.line_num} cannot be read as CSV: {exc}")
            )
            break
        row_number = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        result.rows += 1
        try:
            record = _check_row(
                dict(zip(header, cells, strict=False)),
                len(cells),
                len(header),
                organisations,
                users,
            )
        except _RowError as exc:
            result.problems.append(RowProblem(row_number, f"Row {row_number}: {exc}"))
            continue
        key = record.pop("_key")
        existing = existing_contacts if record["record_type"] == CONTACT else existing_people
        if key[1:] in existing:
            result.problems.append(
                RowProblem(row_number, f"Row {row_number}: is already in the directory")
            )
        elif key in seen:
            result.problems.append(
                RowProblem(row_number, f"Row {row_number}: duplicates row {seen[key]}")
            )
        else:
            seen[key] = row_number
            record["row"] = row_number
            if record.pop("record_type") == CONTACT:
                result.contacts.append(record)
            else:
                result.practitioners.append(record)
    if result.rows == 0 and not result.problems:
        result.problems.append(RowProblem(0, "The selected file has no rows after the header"))
    return result


def _check_row(
    raw: dict[str, str],
    width: int,
    expected_width: int,
    organisations: dict[str, Organisation],
    users: dict[str, User],
) -> dict[str, Any]:
    problems: list[str] = []
    if width != expected_width:
        problems.append(f"has {width} cells but the header has {expected_width}")
    values: dict[str, str] = {}
    for column in COLUMNS:
        value = raw.get(column, "") or ""
        if has_undecodable(value):
            problems.append(f"{column} is not valid UTF-8 text; save the file as “CSV UTF-8”")
            continue
        value = value.strip()
        if is_formula(value):
            problems.append(
                f"{column} starts with {value[0]!r}, which a spreadsheet would run as a "
                "formula; remove it (write phone numbers starting with 0)"
            )
            continue
        if len(value) > MAX_LENGTHS[column]:
            problems.append(f"{column} must be {MAX_LENGTHS[column]} characters or fewer")
            continue
        try:
            values[column] = clean_text(value, column) if value else ""
        except ValidationError as exc:
            problems.append(exc.messages[0])
    if problems:
        raise _RowError("; ".join(problems))

    record_type = values["record_type"].lower()
    organisation = organisations.get(values["organisation"].casefold())
    if not values["organisation"]:
        problems.append("enter the organisation")
    elif organisation is None:
        problems.append(f"organisation “{values['organisation']}” is not in the partnership")
    verified_on = None
    if values["verified_on"]:
        try:
            verified_on = datetime.date.fromisoformat(values["verified_on"])
        except ValueError:
            problems.append("verified_on must be a real date written like 2026-03-31")
        else:
            if verified_on > datetime.date.today():
                problems.append("verified_on must be today or in the past")
    record: dict[str, Any] = {"record_type": record_type, "organisation": organisation}
    record["verified_on"] = verified_on
    org_key = str(organisation.pk) if organisation else ""
    if record_type == CONTACT:
        kind = values["contact_kind"].lower()
        value = values["contact_value"]
        if kind not in ContactKind.values:
            problems.append("contact_kind must be secure_email, phone or in_system")
        elif not value:
            problems.append("enter the contact_value (an email address, phone number or username)")
        elif kind == ContactKind.SECURE_EMAIL:
            try:
                value = normalise_email(value)
            except ValidationError as exc:
                problems.append(f"contact_value: {exc.messages[0]}")
        elif kind == ContactKind.PHONE:
            try:
                value = normalise_uk_phone(value)
            except ValidationError as exc:
                problems.append(f"contact_value: {exc.messages[0]}")
        else:
            user = users.get(value.casefold())
            if user is None:
                problems.append(f"contact_value: there is no safeshare user “{value}”")
            elif organisation is not None and user.organisation_id != organisation.pk:
                problems.append(f"contact_value: user “{value}” is not in {organisation.name}")
            else:
                record["user"] = user
                value = str(user.pk)
        record.update(kind=kind, value=value, label=values["label"])
        record["_key"] = (CONTACT, org_key, kind, value)
        if kind == ContactKind.IN_SYSTEM:
            record["value"] = ""
    elif record_type == PRACTITIONER:
        if not values["name"]:
            problems.append("enter the practitioner’s name")
        if not values["job_title"]:
            problems.append("enter the practitioner’s job_title")
        email = values["email"]
        phone = values["phone"]
        if email:
            try:
                email = normalise_email(email)
            except ValidationError as exc:
                problems.append(f"email: {exc.messages[0]}")
        if phone:
            try:
                phone = normalise_uk_phone(phone)
            except ValidationError as exc:
                problems.append(f"phone: {exc.messages[0]}")
        record.update(
            name=values["name"], job_title=values["job_title"], secure_email=email, phone=phone
        )
        record["_key"] = (
            PRACTITIONER,
            org_key,
            values["name"].casefold(),
            values["job_title"].casefold(),
        )
    else:
        problems.append("record_type must be contact_point or practitioner")
    if problems:
        raise _RowError("; ".join(problems))
    return record
