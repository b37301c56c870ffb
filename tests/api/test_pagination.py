"""The API's growing lists a page at a time (issue 14): 50 rows, the next page's address in
a `Link: <...>; rel="next"` header, none on the last page, and a cursor the list did not
give out answered 404 (no such page), one with other characters refused with 422."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from safeshare.accounts.models import Organisation, User
from safeshare.core.pagination import PAGE_SIZE
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from tests.api.conftest import Call
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.test_query_counts import _copies_sent, _requests_from, clone_decisions

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


def walk(api_call: Call, user: User, url: str) -> list[list[str]]:
    """Every page's ids, following the Link headers from `url` to the last page."""
    pages = []
    while True:
        answer = api_call(user, "get", url)
        assert answer.status_code == 200, answer.content
        ids = [row.get("decision_id") or row["id"] for row in answer.json()]
        pages.append(ids)
        link = answer.headers.get("Link")
        if link is None:
            return pages
        found = NEXT.match(link)
        assert found, link
        parts = urlsplit(found["url"])
        assert parts.scheme in {"http", "https"} and parts.netloc
        url = f"{parts.path}?{parts.query}"
        assert len(pages) < 20, "the pages never end"


def test_a_chronology_in_pages_newest_first(
    api_call: Call, practitioner: User, person: Person
) -> None:
    shared = DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share", finalised=True
    )
    clone_decisions(shared, PAGE_SIZE + 9, person)
    pages = walk(api_call, practitioner, f"/api/v1/people/{person.pk}/decisions")
    assert [len(p) for p in pages] == [PAGE_SIZE, 10]
    every = [i for page in pages for i in page]
    assert len(set(every)) == PAGE_SIZE + 10
    newest_first = list(
        Decision.objects.filter(subjects=person)
        .order_by("-decided_at", "-id")
        .values_list("id", flat=True)
    )
    assert every == [str(i) for i in newest_first]


def test_one_page_has_no_link(api_call: Call, practitioner: User, person: Person) -> None:
    DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share", finalised=True
    )
    answer = api_call(practitioner, "get", f"/api/v1/people/{person.pk}/decisions")
    assert answer.status_code == 200 and len(answer.json()) == 1
    assert "Link" not in answer.headers


def test_the_request_queue_keeps_its_filters_from_page_to_page(
    api_call: Call, practitioner: User, outsider: User, organisation: Organisation
) -> None:
    _requests_from(outsider, organisation)(PAGE_SIZE + 3)
    first = api_call(practitioner, "get", "/api/v1/requests?status=all")
    assert "status=all" in first.headers["Link"]
    pages = walk(api_call, practitioner, "/api/v1/requests?status=all")
    assert [len(p) for p in pages] == [PAGE_SIZE, 3]
    assert len({i for p in pages for i in p}) == PAGE_SIZE + 3
    outgoing = walk(api_call, outsider, "/api/v1/requests?direction=outgoing&status=all")
    assert sorted(i for p in outgoing for i in p) == sorted(i for p in pages for i in p)


def test_shared_with_you_in_pages(api_call: Call, practitioner: User, person: Person) -> None:
    recipient = UserFactory.create(organisation=OrganisationFactory.create(name="Northshire CSC"))
    shared = DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share", finalised=True
    )
    _copies_sent(practitioner, shared, recipient)(PAGE_SIZE + 1)
    pages = walk(api_call, recipient, "/api/v1/disclosures/received")
    assert [len(p) for p in pages] == [PAGE_SIZE, 1]


@pytest.mark.parametrize("cursor", ["not-a-cursor", "W10", "WyIyMDI2Il0"])
def test_a_cursor_the_list_did_not_give_out_names_no_page(
    api_call: Call, practitioner: User, person: Person, cursor: str
) -> None:
    DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share", finalised=True
    )
    answer = api_call(practitioner, "get", f"/api/v1/people/{person.pk}/decisions?after={cursor}")
    assert answer.status_code == 404
    assert "no such page" in answer.json()["detail"]
    assert "Link header" in answer.json()["detail"]


def test_a_cursor_with_characters_no_cursor_has_is_refused_by_the_schema(
    api_call: Call, practitioner: User
) -> None:
    answer = api_call(practitioner, "get", "/api/v1/disclosures/received?after=a%20b")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "after"


def test_the_document_describes_the_link_header(api_call: Call, practitioner: User) -> None:
    document = api_call(practitioner, "get", "/api/v1/openapi.json").json()
    for path in ("/api/v1/people/{person_id}/decisions", "/api/v1/requests"):
        ok = document["paths"][path]["get"]["responses"]["200"]
        assert "Link" in ok["headers"], path
        names = [p["name"] for p in document["paths"][path]["get"]["parameters"]]
        assert "after" in names, path
