"""People by CSV: every bad row reported with its row and column, all people or none,
confirmed once, and only by the organisation's own administrator."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeshare.accounts.models import Organisation, User
from safeshare.ledger.models import Entry
from safeshare.site.people_import import PENDING, confirm
from safeshare.subjects import actions, import_people
from safeshare.subjects.models import Identifier, IdentifierKind, Person
from tests.factories import PersonFactory, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

HEADER = "given_names,family_name,date_of_birth,kind,nhs_number,upn\r\n"
GOOD = (
    "\ufeff"
    + HEADER
    + "Lily,Morgan,2016-05-04,child,943 476 5919,h801200001001\r\n"
    + "Sam,Morgan,27/03/2015,Child,,\r\n"
    + "Jo,Morgan,,adult,9434765927,\r\n"
)
NHS = ["9434765900", "9434765919", "9434765927", "9434765935", "9434765943"]


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, username="admin", administrator=True)


def problems(organisation: Organisation, text: str | bytes) -> list[tuple[int, str, str]]:
    data = text.encode() if isinstance(text, str) else text
    checked = import_people.check_file(data, organisation.pk)
    return [(p.row, p.column, p.message) for p in checked.problems]


def test_a_good_file_checks_clean(organisation: Organisation) -> None:
    checked = import_people.check_file(GOOD.encode(), organisation.pk)
    assert checked.ok, checked.problems
    lily, sam, jo = checked.people
    assert (lily.nhs_number, lily.upn) == ("9434765919", "H801200001001")
    assert str(sam.date_of_birth) == "2015-03-27" and sam.kind == "child"
    assert jo.kind == "adult" and jo.date_of_birth is None


def test_every_bad_row_is_listed_with_its_row_and_column(organisation: Organisation) -> None:
    data = (
        HEADER
        + "Lily,Morgan,2016-05-04,child,9434765918,\r\n"  # 2: check digit
        + "Lily,Morgan,2016-05-04,child,12345,\r\n"  # 3: NHS number length
        + "Lily,Morgan,2016-05-04,child,,A801200001001\r\n"  # 4: UPN
        + "Lily,Morgan,2016-05-04,pupil,,\r\n"  # 5: kind
        + '=HYPERLINK("http://x"),Morgan,,child,,\r\n'  # 6: formula
        + "Lily,Morgan,31/02/2016,child,,\r\n"  # 7: date
        + "Lily,Morgan,2999-01-01,child,,\r\n"  # 8: future
        + ",Morgan,,child,,\r\n"  # 9: no given names
        + "Lily,Morgan,,child\r\n"  # 10: too few cells
        + f"{'x' * 201},Morgan,,child,,\r\n"  # 11: too long
    ).encode() + b"Bad \xff,Morgan,,child,,\r\n"  # 12: not UTF-8
    found = problems(organisation, data)
    by_row = {row: (column, message) for row, column, message in found}
    assert by_row == {
        2: ("nhs_number", "Enter a valid NHS number: the check digit does not match"),
        3: ("nhs_number", "NHS number must be 10 digits"),
        4: ("upn", "Enter a valid unique pupil number: a letter and 12 characters"),
        5: ("kind", "Kind must be child or adult"),
        6: (
            "given_names",
            "Given names must not start with '=', which a spreadsheet would run as a formula",
        ),
        7: (
            "date_of_birth",
            "Date of birth must be a real date, written like 2015-03-27 or 27/03/2015",
        ),
        8: ("date_of_birth", "Date of birth must be today or in the past"),
        9: ("given_names", "Enter the person’s given names"),
        10: ("", "This row has 4 cells but the header has 6"),
        11: ("given_names", "Given names must be 200 characters or fewer"),
        12: ("given_names", "Given names is not valid UTF-8 text; save the file as “CSV UTF-8”"),
    }


def test_duplicates_in_the_file_and_in_the_organisation_are_bad_rows(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    held = PersonFactory.create(organisation=organisation)
    Identifier.objects.create(person=held, kind=IdentifierKind.NHS_NUMBER, value=NHS[0])
    # Another organisation's record of the same child is its own: not a duplicate here.
    theirs = PersonFactory.create(organisation=other_organisation)
    Identifier.objects.create(person=theirs, kind=IdentifierKind.UPN, value="X801200001002")
    data = (
        HEADER
        + f"Ann,Lee,2016-01-01,child,{NHS[0]},\r\n"  # 2: already held
        + f"Ben,Lee,2016-01-02,child,{NHS[1]},X801200001002\r\n"  # 3: fine
        + f"Cal,Lee,2016-01-03,child,{NHS[1]},\r\n"  # 4: NHS number as row 3
        + "Dee,Lee,2016-01-04,child,,X801200001002\r\n"  # 5: UPN as row 3
        + "ben,LEE,2016-01-02,child,,\r\n"  # 6: names and date of birth as row 3
        + "Ben,Lee,,child,,\r\n"  # 7: no date of birth: not told apart, not a duplicate
    )
    found = problems(organisation, data)
    assert [(row, column) for row, column, _ in found] == [
        (2, "nhs_number"),
        (4, "nhs_number"),
        (5, "upn"),
        (6, "given_names"),
    ]
    assert found[0][2] == "Your organisation already has a person with this NHS number"
    assert found[1][2] == "NHS number is the same as row 3: each person must be in the file once"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The selected file is empty"),
        (HEADER, "The selected file has no people after the header"),
        ("given_names,kind\r\nLily,child\r\n", "The header row must have the column family_name"),
        (
            "given_names,family_name,kind,school\r\nLily,Morgan,child,Riverside\r\n",
            "The header row has a column safeshare does not know, “school”: use only "
            "given_names, family_name, kind, known_as, date_of_birth, nhs_number, upn",
        ),
    ],
)
def test_whole_file_problems(organisation: Organisation, text: str, message: str) -> None:
    assert [m for _row, _column, m in problems(organisation, text)] == [message]


def test_the_size_and_row_limits(organisation: Organisation) -> None:
    too_big = HEADER.encode() + b"x" * (2 * 1024 * 1024)
    assert problems(organisation, too_big)[0][2].startswith("The selected file must be smaller")
    rows = "".join(f"P{i},Lee,,child,,\r\n" for i in range(import_people.MAX_ROWS + 1))
    assert problems(organisation, HEADER + rows) == [
        (0, "", "The file must have 5,000 people or fewer; split it into smaller files")
    ]
    assert problems(organisation, HEADER + rows.split("\r\n", 1)[1]) == []


def test_the_duplicate_check_is_one_query_however_many_rows(organisation: Organisation) -> None:
    def queries(count: int) -> int:
        rows = "".join(
            f"P{i},Lee,2016-01-01,child,,\r\n"
            if i >= len(NHS)
            else f"P{i},Lee,,child,{NHS[i]},\r\n"
            for i in range(count)
        )
        with CaptureQueriesContext(connection) as captured:
            assert import_people.check_file((HEADER + rows).encode(), organisation.pk).ok
        return len(captured)

    assert queries(2) == queries(200) == 1


def test_import_creates_each_person_as_adding_one_does(administrator: User) -> None:
    result = actions.import_people(actor=administrator, data=GOOD.encode(), dry_run=False)
    assert result.written == 3
    people = Person.objects.filter(organisation=administrator.organisation)
    assert sorted(p.given_names for p in people) == ["Jo", "Lily", "Sam"]
    assert {p.created_by_id for p in people} == {administrator.pk}
    lily = people.get(given_names="Lily")
    assert sorted(lily.identifiers.values_list("kind", "value")) == [
        ("nhs_number", "9434765919"),
        ("upn", "H801200001001"),
    ]
    entries = Entry.objects.filter(event_type="subjects.person.added")
    assert entries.count() == 3
    entry = entries.get(object_id=str(lily.pk))
    assert entry.payload == {"kind": "child", "identifiers": 2}
    assert entry.actor_id == administrator.pk


def test_a_bad_last_row_writes_nothing(administrator: User) -> None:
    data = (GOOD + "Zed,Lee,,child,9434765918,\r\n").encode()
    result = actions.import_people(actor=administrator, data=data, dry_run=False)
    assert result.written == 0 and [p.row for p in result.problems] == [5]
    assert Person.objects.count() == 0
    assert Entry.objects.filter(event_type="subjects.person.added").count() == 0


def test_a_dry_run_writes_nothing(administrator: User) -> None:
    result = actions.import_people(actor=administrator, data=GOOD.encode(), dry_run=True)
    assert result.problems == [] and result.written == 0
    assert Person.objects.count() == 0


def test_only_an_administrator_imports(organisation: Organisation, practitioner: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.import_people(actor=practitioner, data=GOOD.encode(), dry_run=True)
    operator = UserFactory.create(organisation=None, is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        actions.import_people(actor=operator, data=GOOD.encode(), dry_run=True)


def _upload(client: Client, text: str, name: str = "pupils.csv") -> _MonkeyPatchedWSGIResponse:
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("subjects:import"), {"file": upload})


def test_upload_check_then_confirm_imports_once(client: Client, administrator: User) -> None:
    client.force_login(administrator)
    response = _upload(client, GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:import_confirm")
    assert Person.objects.count() == 0  # nothing written before confirming
    page = client.get(reverse("subjects:import_confirm"))
    assert "3 people ready to import" in page.content.decode()
    assert "Lily" not in page.content.decode() and "9434765919" not in page.content.decode()
    token = page.context["token"]
    first = client.post(reverse("subjects:import_confirm"), {"token": token})
    assert first.status_code == 302
    second = client.post(reverse("subjects:import_confirm"), {"token": token})
    assert second.status_code == 302
    assert Person.objects.count() == 3
    assert Entry.objects.filter(event_type="subjects.person.added").count() == 3
    shown = client.get(reverse("subjects:import")).content.decode()
    assert "already been imported" in shown or "3 people imported" in shown
    # The confirm page has nothing left to confirm.
    assert client.get(reverse("subjects:import_confirm")).status_code == 302


def test_two_presses_at_once_import_once(client: Client, administrator: User) -> None:
    """Both requests loaded the session before either wrote: the second finds the stored
    session already without the file and writes nothing."""
    client.force_login(administrator)
    _upload(client, GOOD)
    token = client.get(reverse("subjects:import_confirm")).context["token"]
    key = client.cookies["sessionid"].value
    requests = []
    for _ in range(2):
        request = RequestFactory().post(reverse("subjects:import_confirm"), {"token": token})
        request.user = administrator
        request.session = SessionStore(session_key=key)
        assert request.session.get(PENDING)  # loaded now, before either import runs
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        requests.append(request)
    assert [confirm(r).status_code for r in requests] == [302, 302]  # type: ignore[arg-type]
    assert Person.objects.count() == 3
    assert Entry.objects.filter(event_type="subjects.person.added").count() == 3


def test_the_bad_rows_page_is_a_table_and_writes_nothing(
    client: Client, administrator: User
) -> None:
    client.force_login(administrator)
    response = _upload(client, HEADER + "Lily,Morgan,,pupil,,\r\n")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The file has 1 problem: nothing was imported" in body
    assert "Kind must be child or adult" in body and 'id="problems"' in body
    assert Person.objects.count() == 0
    assert "subjects.people_import" not in client.session


def test_a_file_that_is_not_csv_is_refused(client: Client, administrator: User) -> None:
    client.force_login(administrator)
    response = _upload(client, GOOD, name="pupils.xlsx")
    assert "The selected file must be a CSV" in response.content.decode()


@pytest.mark.parametrize("role", ["practitioner", "manager", "ig_lead", "auditor"])
def test_other_roles_are_refused(client: Client, organisation: Organisation, role: str) -> None:
    user = UserFactory.create(
        organisation=organisation, **({role: True} if role != "practitioner" else {})
    )
    client.force_login(user)
    assert client.get(reverse("subjects:import")).status_code == 403
    assert _upload(client, GOOD).status_code == 403
    assert client.post(reverse("subjects:import_confirm"), {"token": "x"}).status_code == 403


def test_another_organisations_administrator_imports_into_their_own(
    client: Client, organisation: Organisation, other_organisation: Organisation
) -> None:
    theirs = UserFactory.create(organisation=other_organisation, administrator=True)
    client.force_login(theirs)
    _upload(client, GOOD)
    token = client.get(reverse("subjects:import_confirm")).context["token"]
    client.post(reverse("subjects:import_confirm"), {"token": token})
    assert Person.objects.filter(organisation=other_organisation).count() == 3
    assert Person.objects.filter(organisation=organisation).count() == 0


def test_no_personal_data_is_logged(
    client: Client, administrator: User, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(administrator)
    with caplog.at_level("DEBUG"):
        _upload(client, GOOD + "Zed,Lee,,child,9434765918,\r\n")
        _upload(client, GOOD)
        token = client.get(reverse("subjects:import_confirm")).context["token"]
        client.post(reverse("subjects:import_confirm"), {"token": token})
    logged = caplog.text
    for value in ("Lily", "Morgan", "9434765919", "H801200001001", "Zed"):
        assert value not in logged


def test_the_console_command_checks_and_imports(administrator: User, tmp_path: Path) -> None:
    good = tmp_path / "pupils.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("people", "import", str(good), "--dry-run", "--user", "admin", stdout=out)
    assert "3 people ready to import" in out.getvalue() and Person.objects.count() == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "Zed,Lee,,pupil,,\r\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("people", "import", str(bad), "--user", "admin", stderr=err)
    assert err.getvalue().strip() == "Row 5, kind: Kind must be child or adult"
    assert Person.objects.count() == 0
    call_command("people", "import", str(good), "--user", "admin", stdout=out)
    assert "Imported 3 people" in out.getvalue() and Person.objects.count() == 3
