"""The chronology as a file (issue 16): every decision the filters match, as CSV and as a
PDF read back with pypdf, named after the chronology and not the person, never cached and
recorded as a read of the person's record."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pypdf
import pytest
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.core.pdf import MARKING
from safeshare.decisions.models import Decision
from safeshare.site import chronology
from safeshare.subjects.models import Person
from tests.factories import IdentifierFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.test_query_counts import LARGE, SMALL, clone_decisions

pytestmark = pytest.mark.django_db


def _url(kind: str, person: Person, query: str = "") -> str:
    return reverse(f"subjects:chronology_{kind}", args=[person.pk]) + (f"?{query}" if query else "")


def _body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined, no-any-return]


def _csv(client: Client, person: Person, query: str = "") -> list[list[str]]:
    response = client.get(_url("csv", person, query))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8"), newline="")))


def _pdf_pages(client: Client, person: Person, query: str = "") -> list[str]:
    response = client.get(_url("pdf", person, query))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(_body(response))).pages]


@pytest.fixture
def shared(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )


@pytest.fixture
def refused(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_it_is_named_after_the_chronology_and_never_cached(
    client: Client, practitioner: User, person: Person, shared: Decision, kind: str
) -> None:
    client.force_login(practitioner)
    response = client.get(_url(kind, person))
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="chronology-{today}.{kind}"'
    assert "no-store" in response["Cache-Control"]
    assert "Lily" not in response["Content-Disposition"]
    assert "Morgan" not in response["Content-Disposition"]


def test_the_csv_has_a_header_and_a_row_per_decision(
    client: Client, practitioner: User, person: Person, shared: Decision, refused: Decision
) -> None:
    client.force_login(practitioner)
    rows = _csv(client, person)
    assert rows[0] == chronology.COLUMNS
    assert len(rows) == 3
    by_reference = {row[-1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    share = by_reference[str(shared.pk)]
    assert share["Outcome"] == "Share"
    assert share["What happened"] == shared.what_happened
    assert share["Corrected"] == "No"
    assert share["Organisation"] == "Riverside Primary School"
    assert share["Decided by"] == practitioner.display_name()
    assert by_reference[str(refused.pk)]["Outcome"] == "Do not share"
    # Newest first, as on the page.
    assert [row[-1] for row in rows[1:]] == [str(refused.pk), str(shared.pk)]


def test_the_csv_cannot_run_as_a_formula() -> None:
    row = chronology.Row(
        decided_at=timezone.now(),
        outcome="Share",
        outcome_code="share",
        corrected=False,
        withdrawn_on=None,
        late=False,
        what_happened='=HYPERLINK("http://example.org")',
        purpose="+1",
        urgency="-1",
        decided_by="@SUM(A1)",
        organisation="Riverside Primary School",
        reference="x",
    )
    lines = list(chronology.csv_lines([row]))
    cells = next(csv.reader(io.StringIO(lines[1])))
    assert cells[5] == '\'=HYPERLINK("http://example.org")'
    assert cells[6:9] == ["'+1", "'-1", "'@SUM(A1)"]
    # A decision maker whose name starts with "=" goes through the same.
    assert chronology._cell("=cmd Tester") == "'=cmd Tester"


def test_the_pdf_reads_back_with_the_chronology(
    client: Client, practitioner: User, person: Person, shared: Decision, refused: Decision
) -> None:
    IdentifierFactory.create(person=person, value="9434765919")
    client.force_login(practitioner)
    text = " ".join(" ".join(_pdf_pages(client, person)).split())
    assert "Chronology of information sharing" in text
    assert "Lily Morgan" in text
    assert "9434765919" in text
    assert "Every information sharing decision recorded about this person" in text
    assert "2 decisions, newest first" in text
    assert "Do not share" in text and "Share" in text
    assert str(shared.pk) in text.replace(" ", "")
    assert f"Produced by Riverside Primary School on {timezone.localdate():%-d %B %Y}" in text


def test_every_page_of_a_long_pdf_is_marked_and_numbered(
    client: Client, practitioner: User, person: Person, shared: Decision
) -> None:
    # More than a page of the chronology on screen (50): the file has all of them.
    clone_decisions(shared, 79, person)
    client.force_login(practitioner)
    pages = _pdf_pages(client, person)
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert text.count(MARKING) >= 2, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text, f"page {number}"
        assert "Riverside Primary School" in text, f"page {number}"
        assert f"{timezone.localdate():%-d %B %Y}" in text, f"page {number}"
    assert "80 decisions, newest first" in pages[0]
    references = re.findall(r"Reference:([0-9a-f-]{36})", "".join("".join(pages).split()))
    assert len(references) == 80


def test_the_csv_has_every_decision_not_one_page(
    client: Client, practitioner: User, person: Person, shared: Decision
) -> None:
    clone_decisions(shared, 119, person)
    client.force_login(practitioner)
    assert len(_csv(client, person)) == 1 + 120


def test_the_filters_apply_to_both_files(
    client: Client, practitioner: User, person: Person, shared: Decision, refused: Decision
) -> None:
    client.force_login(practitioner)
    rows = _csv(client, person, "outcome=do_not_share")
    assert [row[-1] for row in rows[1:]] == [str(refused.pk)]
    text = " ".join(" ".join(_pdf_pages(client, person, "outcome=do_not_share")).split())
    assert "Outcome: Do not share" in text
    assert "1 decision, newest first" in text
    assert str(refused.pk) in text.replace(" ", "")
    assert str(shared.pk) not in text.replace(" ", "")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    before = f"date_to_0={yesterday.day}&date_to_1={yesterday.month}&date_to_2={yesterday.year}"
    assert _csv(client, person, before) == [chronology.COLUMNS]
    text = " ".join(" ".join(_pdf_pages(client, person, before)).split())
    assert "No decisions match these filters." in text
    assert f"Decided to {yesterday:%-d %B %Y}" in text


def test_filters_that_are_not_valid_go_back_to_the_page_that_says_why(
    client: Client, practitioner: User, person: Person, shared: Decision
) -> None:
    client.force_login(practitioner)
    for kind in ("csv", "pdf"):
        response = client.get(_url(kind, person, "outcome=nonsense"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("subjects:show", args=[person.pk]))
        page = client.get(response["Location"]).content.decode()
        assert "Select an outcome from the list" in page
    assert not AccessRecord.objects.filter(what__startswith="subjects.person.chronology").exists()


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_each_download_is_recorded_as_a_read_of_the_person(
    client: Client, practitioner: User, person: Person, shared: Decision, kind: str
) -> None:
    client.force_login(practitioner)
    _body(client.get(_url(kind, person)))
    record = AccessRecord.objects.get(what=f"subjects.person.chronology_{kind}")
    assert record.user == practitioner
    assert record.person_id == person.pk


def test_the_person_page_offers_both_with_the_filters_and_without_the_cursor(
    client: Client, practitioner: User, person: Person, shared: Decision
) -> None:
    client.force_login(practitioner)
    page = client.get(reverse("subjects:show", args=[person.pk])).content.decode()
    assert f'href="{_url("pdf", person)}"' in page
    assert f'href="{_url("csv", person)}"' in page
    page = client.get(
        reverse("subjects:show", args=[person.pk]), {"outcome": "share", "after": "x"}
    ).content.decode()
    assert f'href="{_url("pdf", person, "outcome=share")}"' in page
    assert f'href="{_url("csv", person, "outcome=share")}"' in page


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_another_organisation_gets_not_found(
    client: Client, outsider: User, person: Person, shared: Decision, kind: str
) -> None:
    client.force_login(outsider)
    response = client.get(_url(kind, person))
    assert response.status_code == 404
    assert "Lily" not in response.content.decode()


@pytest.mark.parametrize("kind", ["csv", "pdf"])
@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("ig_lead", 200), ("auditor", 403), ("administrator", 403)],
)
def test_the_case_roles_of_the_organisation_may_download_and_no_other_role(
    client: Client, person: Person, shared: Decision, kind: str, role: str, status: int
) -> None:
    client.force_login(UserFactory.create(organisation=person.organisation, **{role: True}))
    assert client.get(_url(kind, person)).status_code == status


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, person: Person, kind: str) -> None:
    response = client.get(_url(kind, person))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def _queries(client: Client, url: str) -> int:
    _body(client.get(url))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        _body(response)
    return len(captured)


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_the_query_count_does_not_grow_with_the_chronology(
    client: Client, practitioner: User, person: Person, shared: Decision, kind: str
) -> None:
    client.force_login(practitioner)
    clone_decisions(shared, SMALL - 1, person)
    small = _queries(client, _url(kind, person))
    clone_decisions(shared, LARGE - SMALL, person)
    large = _queries(client, _url(kind, person))
    assert small == large, f"{kind}: {small} queries with {SMALL} decisions, {large} with {LARGE}"


def test_a_chronology_longer_than_a_batch_costs_a_few_queries_per_batch(
    client: Client,
    practitioner: User,
    person: Person,
    shared: Decision,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Bounded batches: with 10 a batch, 200 decisions are 20 batches of three queries each
    # (the rows, their people, their items), never one query per decision.
    monkeypatch.setattr(chronology, "BATCH", 10)
    client.force_login(practitioner)
    clone_decisions(shared, SMALL - 1, person)
    small = _queries(client, _url("csv", person))
    clone_decisions(shared, LARGE - SMALL, person)
    large = _queries(client, _url("csv", person))
    assert large - small <= 3 * (LARGE - SMALL) // 10
