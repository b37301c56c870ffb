"""CSV import: every bad row reported with its number, nothing written unless all are good."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import Organisation, User
from safeshare.directory import actions, csv_io
from safeshare.directory.models import ContactKind, ContactPoint, DirectoryPractitioner
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

HEADER = "record_type,organisation,contact_kind,contact_value,label,name,job_title,email,phone,verified_on\r\n"
GOOD = (
    HEADER
    + "contact_point,Riverside Primary School,secure_email,Safe@Riverside.EXAMPLE.org,Safeguarding,,,,,2026-01-05\r\n"
    + "contact_point,riverside primary school,phone,01632 960 001,Office,,,,,\r\n"
    + "practitioner,Riverside Primary School,,,,Peter Walsh,DSL,p.walsh@example.org,07700 900982,\r\n"
)


def problems(data: bytes) -> dict[int, str]:
    return {p.row: p.message for p in csv_io.check_file(data).problems}


def test_a_good_file_checks_clean(organisation: Organisation) -> None:
    checked = csv_io.check_file(GOOD.encode())
    assert checked.ok, checked.problems
    assert len(checked.contacts) == 2 and len(checked.practitioners) == 1
    assert checked.contacts[0]["value"] == "Safe@riverside.example.org"
    assert checked.contacts[1]["value"] == "01632960001"


def test_it_reports_every_bad_row_with_its_number(organisation: Organisation) -> None:
    long_name = "x" * 201
    data = (
        HEADER
        + "contact_point,Nowhere Academy,secure_email,a@example.org,,,,,,\r\n"  # 2
        + "contact_point,Riverside Primary School,secure_email,not-an-email,,,,,,\r\n"  # 3
        + "contact_point,Riverside Primary School,phone,12345,,,,,,\r\n"  # 4
        + "contact_point,Riverside Primary School,phone,01632 960 001,,,,,,\r\n"  # 5
        + "contact_point,Riverside Primary School,phone,01632960001,,,,,,\r\n"  # 6
        + f"practitioner,Riverside Primary School,,,,{long_name},DSL,,,\r\n"  # 7
        + 'practitioner,Riverside Primary School,,,,=HYPERLINK("http://x"),DSL,,,\r\n'  # 8
        + "practitioner,Riverside Primary School,,,,Ann,,,,\r\n"  # 9
        + "contact_point,Riverside Primary School,fax,01632960002,,,,,,\r\n"  # 10
        + "contact_point,Riverside Primary School,phone,+44 1632 960003,,,,,,\r\n"  # 11
        + "contact_point,Riverside Primary School,in_system,nobody,,,,,,\r\n"  # 12
        + "thing,Riverside Primary School,,,,,,,,\r\n"  # 13
    ).encode() + b"practitioner,Riverside Primary School,,,,Bad \xff name,DSL,,,\r\n"  # 14
    found = problems(data)
    assert set(found) == {2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14}
    assert "“Nowhere Academy” is not in the partnership" in found[2]
    assert "Enter a secure email address in the correct format, like name@example.org" in found[3]
    assert "Enter a UK phone number" in found[4]
    assert found[6] == "Row 6: duplicates row 5"
    assert "name must be 200 characters or fewer" in found[7]
    assert "formula" in found[8]
    assert "job_title" in found[9]
    assert "contact_kind must be" in found[10]
    assert "formula" in found[11]  # +44 must be written with 0
    assert "no safeshare user “nobody”" in found[12]
    assert "record_type must be" in found[13]
    assert "not valid UTF-8" in found[14]


def test_a_missing_column_is_reported_on_the_header_row(organisation: Organisation) -> None:
    data = (
        b"record_type,organisation,contact_kind\r\ncontact_point,Riverside Primary School,phone\r\n"
    )
    found = problems(data)
    assert list(found) == [1]
    assert "missing the columns contact_value" in found[1]


def test_a_row_already_in_the_directory_is_a_duplicate(
    organisation: Organisation, administrator: User
) -> None:
    actions.add_contact_point(
        actor=administrator, organisation=organisation, kind=ContactKind.PHONE, value="01632960001"
    )
    found = problems(GOOD.encode())
    assert found == {3: "Row 3: is already in the directory"}


def test_in_system_rows_name_a_user_of_that_organisation(
    organisation: Organisation, administrator: User, outsider: User
) -> None:
    data = (
        HEADER
        + "contact_point,Riverside Primary School,in_system,admin,Admin,,,,,\r\n"
        + "contact_point,Riverside Primary School,in_system,outsider,,,,,,\r\n"
    ).encode()
    found = problems(data)
    assert list(found) == [3]
    assert "is not in Riverside Primary School" in found[3]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (HEADER.encode(), "The selected file has no rows after the header"),
        (b"x" * (2 * 1024 * 1024 + 1), "smaller than 2 MB"),
    ],
)
def test_whole_file_problems(data: bytes, message: str) -> None:
    assert message in problems(data)[0]


def test_a_dry_run_writes_nothing(organisation: Organisation, administrator: User) -> None:
    result = actions.import_directory(actor=administrator, data=GOOD.encode(), dry_run=True)
    assert result.checked.ok and not result.written
    assert not ContactPoint.objects.exists() and not Entry.objects.exists()


def test_an_import_with_one_bad_row_writes_nothing(
    organisation: Organisation, administrator: User
) -> None:
    data = (GOOD + "contact_point,Nowhere,phone,01632960009,,,,,,\r\n").encode()
    result = actions.import_directory(actor=administrator, data=data, dry_run=False)
    assert not result.written
    assert not ContactPoint.objects.exists() and not DirectoryPractitioner.objects.exists()


def test_a_good_import_writes_every_row_with_its_ledger_entry(
    organisation: Organisation, administrator: User
) -> None:
    result = actions.import_directory(actor=administrator, data=GOOD.encode(), dry_run=False)
    assert result.written
    assert ContactPoint.objects.count() == 2
    verified = ContactPoint.objects.get(kind=ContactKind.SECURE_EMAIL)
    assert verified.verified_by == administrator and str(verified.verified_on) == "2026-01-05"
    assert DirectoryPractitioner.objects.get().phone == "07700900982"
    assert Entry.objects.filter(event_type__startswith="directory.").count() == 3


def test_only_administrators_import(organisation: Organisation, ig_lead: User) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.import_directory(actor=ig_lead, data=GOOD.encode(), dry_run=True)


def test_export_escapes_formula_cells_and_round_trips(
    organisation: Organisation, administrator: User
) -> None:
    actions.add_practitioner(
        actor=administrator, organisation=organisation, name="-Dash", job_title="@Lead"
    )
    actions.add_contact_point(
        actor=administrator, organisation=organisation, kind=ContactKind.PHONE, value="01632960001"
    )
    text = csv_io.export_csv()
    assert "'-Dash" in text and "'@Lead" in text
    assert text.splitlines()[0] == ",".join(csv_io.COLUMNS)


def test_the_page_checks_a_file_and_lists_every_bad_row(
    client: Client, organisation: Organisation, administrator: User
) -> None:
    client.force_login(administrator)
    data = (HEADER + "contact_point,Nowhere,phone,01632960009,,,,,,\r\n").encode()
    response = client.post(
        reverse("directory:import"),
        {"file": SimpleUploadedFile("d.csv", data, "text/csv"), "action": "import"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "nothing was imported" in body and "Row 2:" in body
    assert not ContactPoint.objects.exists()


def test_the_page_imports_a_good_file(
    client: Client, organisation: Organisation, administrator: User
) -> None:
    client.force_login(administrator)
    check = client.post(
        reverse("directory:import"),
        {"file": SimpleUploadedFile("d.csv", GOOD.encode(), "text/csv"), "action": "check"},
    )
    assert "The file is ready to import" in check.content.decode()
    assert not ContactPoint.objects.exists()
    response = client.post(
        reverse("directory:import"),
        {"file": SimpleUploadedFile("d.csv", GOOD.encode(), "text/csv"), "action": "import"},
    )
    assert response.status_code == 302
    assert ContactPoint.objects.count() == 2


def test_the_page_refuses_a_file_that_is_not_csv(
    client: Client, organisation: Organisation, administrator: User
) -> None:
    client.force_login(administrator)
    response = client.post(
        reverse("directory:import"),
        {"file": SimpleUploadedFile("d.xlsx", b"PK\x03\x04", "application/zip"), "action": "check"},
    )
    assert "The selected file must be a CSV" in response.content.decode()


def test_the_page_exports_csv(
    client: Client, organisation: Organisation, administrator: User
) -> None:
    client.force_login(administrator)
    response = client.get(reverse("directory:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]


def test_the_command_dry_run_reports_bad_rows(tmp_path: Path, organisation: Organisation) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes((HEADER + "contact_point,Nowhere,phone,01632960009,,,,,,\r\n").encode())
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("directory", "import", str(path), "--dry-run", stderr=err)
    assert "Row 2:" in err.getvalue()


def test_the_command_imports_and_exports(
    tmp_path: Path,
    organisation: Organisation,
    administrator: User,
) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(GOOD.encode())
    with pytest.raises(CommandError, match="--user"):
        call_command("directory", "import", str(path))
    out = io.StringIO()
    call_command("directory", "import", str(path), "--user", "admin", stdout=out)
    assert "Imported 2 contact point(s) and 1 practitioner(s)" in out.getvalue()
    exported = tmp_path / "out.csv"
    call_command("directory", "export", str(exported), stdout=io.StringIO())
    assert "Safe@riverside.example.org" in exported.read_text(encoding="utf-8")
