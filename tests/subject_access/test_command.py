"""`safeshare reports subject-access PERSON_ID --user USERNAME --out FILE`."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from django.core.management import CommandError, call_command

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.subject_access.helpers import (
    THIRD_PARTY_TEXT,
    decision_naming_a_third_party,
    ig_lead_of,
    log_request,
)

pytestmark = pytest.mark.django_db


def run(person: Person | str, username: str, out: Path) -> None:
    call_command(
        "reports",
        "subject-access",
        str(getattr(person, "pk", person)),
        "--user",
        username,
        "--out",
        str(out),
    )


def failure(person: Person | str, username: str, out: Path) -> str:
    """The one line the command prints, exiting with status 1."""
    with pytest.raises(CommandError) as caught:
        run(person, username, out)
    assert caught.value.returncode == 1
    message = str(caught.value)
    assert "\n" not in message
    assert not out.exists()
    return message


def test_it_writes_the_pack_as_csv_and_records_it(
    tmp_path: Path, ig_lead: User, practitioner: User, person: Person
) -> None:
    decision_naming_a_third_party(practitioner, person)
    sar = log_request(ig_lead, person)
    out = tmp_path / "pack.csv"
    run(person, ig_lead.username, out)
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["OFFICIAL-SENSITIVE"]
    assert ["Person", "Lily Morgan"] in rows
    assert any(THIRD_PARTY_TEXT in row for row in rows)
    entry = Entry.objects.get(event_type="subject_access.pack.exported")
    assert (entry.object_id, entry.actor, entry.payload["format"]) == (str(sar.pk), ig_lead, "csv")
    assert AccessRecord.objects.filter(
        user=ig_lead, person=person, what="subject_access.pack.command"
    ).exists()


def test_it_writes_the_pack_as_pdf_marked_on_every_page(
    tmp_path: Path, ig_lead: User, practitioner: User, person: Person
) -> None:
    decision_naming_a_third_party(practitioner, person)
    sar = log_request(ig_lead, person)
    out = tmp_path / "pack.pdf"
    run(person, ig_lead.username, out)
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages]
    assert pages
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
        assert ig_lead.organisation is not None and ig_lead.organisation.name in text
    whole = "\n".join(pages)
    assert "Subject access pack" in whole and "Lily Morgan" in whole
    entry = Entry.objects.get(event_type="subject_access.pack.exported")
    assert (entry.object_id, entry.payload["format"]) == (str(sar.pk), "pdf")


def test_another_suffix_is_refused(tmp_path: Path, ig_lead: User, person: Person) -> None:
    assert "--out must end in .pdf or .csv" in failure(
        person, ig_lead.username, tmp_path / "pack.txt"
    )


def test_the_user_must_be_an_ig_lead(
    tmp_path: Path, practitioner: User, person: Person, ig_lead: User
) -> None:
    log_request(ig_lead, person)
    out = tmp_path / "pack.csv"
    assert failure(person, practitioner.username, out) == (
        "practitioner is not an information governance lead"
    )
    assert failure(person, "nobody", out) == "no active user 'nobody'"
    ig_lead.is_active = False
    ig_lead.save()
    assert failure(person, ig_lead.username, out) == "no active user 'ig.lead'"


def test_the_user_must_be_of_the_persons_organisation(
    tmp_path: Path, outsider: User, person: Person, ig_lead: User
) -> None:
    log_request(ig_lead, person)
    theirs = ig_lead_of(outsider, "their.ig")
    message = failure(person, theirs.username, tmp_path / "pack.csv")
    assert message == f"their.ig's organisation holds no person {person.pk}"
    assert failure("not-an-id", theirs.username, tmp_path / "pack.csv").startswith(
        "their.ig's organisation holds no person"
    )


def test_a_person_without_a_request_has_no_pack(
    tmp_path: Path, ig_lead: User, person: Person
) -> None:
    assert failure(person, ig_lead.username, tmp_path / "pack.csv") == (
        f"no subject access request is logged for person {person.pk}"
    )


def test_an_unwritable_file_records_no_export(
    tmp_path: Path, ig_lead: User, person: Person
) -> None:
    log_request(ig_lead, person)
    message = failure(person, ig_lead.username, tmp_path / "missing" / "pack.csv")
    assert message.startswith("cannot write")
    assert not Entry.objects.filter(event_type="subject_access.pack.exported").exists()


def test_the_console_command_prints_one_line_and_exits_1(tmp_path: Path) -> None:
    """As an operator's scheduled job runs it: `safeshare reports ...` in its own process."""
    env = {
        **os.environ,
        "SECRET_KEY": "test-only-key-for-one-subprocess-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from safeshare.cli import main; main()",
            "reports",
            "subject-access",
            "00000000-0000-0000-0000-000000000000",
            "--user",
            "ig",
            "--out",
            str(tmp_path / "pack.txt"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "CommandError: --out must end in .pdf or .csv, not 'pack.txt'"
    ]
