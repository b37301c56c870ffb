from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord, AccessRecordImmutable, Outcome
from safeshare.subjects.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every page that shows a person's data: (method, url, data, access code). A new page that
# shows a person belongs here, so that it cannot ship without an access record.
PERSON_PAGES: list[tuple[str, Callable[[Person], str], dict[str, Any], str]] = [
    ("get", lambda p: reverse("subjects:show", args=[p.pk]), {}, "subjects.person.show"),
    ("post", lambda p: reverse("subjects:search"), {"q": "Lily"}, "subjects.person.search"),
    ("get", lambda p: reverse("audit:person_views", args=[p.pk]), {}, "audit.person.views"),
    ("get", lambda p: reverse("audit:report"), {}, "audit.report"),
]


@pytest.fixture
def ig_lead(organisation: Any) -> User:
    return UserFactory.create(organisation=organisation, ig_lead=True, username="iglead")


@pytest.mark.parametrize(("method", "url", "data", "what"), PERSON_PAGES)
def test_it_records_every_page_that_shows_a_person(
    client: Client,
    ig_lead: User,
    person: Person,
    method: str,
    url: Callable[[Person], str],
    data: dict[str, Any],
    what: str,
) -> None:
    # The report lists people who were viewed before; make sure there is one.
    AccessRecord.objects.create(user=ig_lead, what="seed", person=person)
    client.force_login(ig_lead)
    response = getattr(client, method)(
        url(person), data, HTTP_USER_AGENT="Firefox", REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 200
    record = AccessRecord.objects.filter(what=what).get()
    assert record.user == ig_lead
    assert record.organisation_id == ig_lead.organisation_id
    assert record.person == person
    assert record.object_id == str(person.pk)
    assert record.ip_address == "192.0.2.7"
    assert record.user_agent == "Firefox"
    assert record.outcome == Outcome.SHOWN


def test_it_records_one_row_per_person_in_search_results(
    client: Client, practitioner: User, person: Person
) -> None:
    PersonFactory.create(organisation=person.organisation, given_names="Lily", family_name="Ash")
    client.force_login(practitioner)
    client.post(reverse("subjects:search"), {"q": "Lily"})
    assert AccessRecord.objects.filter(what="subjects.person.search").count() == 2


def test_it_records_the_person_a_practitioner_adds(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    client.post(
        reverse("subjects:new"), {"kind": "child", "given_names": "Ava", "family_name": "Bennett"}
    )
    person = Person.objects.get(given_names="Ava")
    assert AccessRecord.objects.filter(what="subjects.person.new", person=person).exists()


def test_it_records_an_attempt_at_another_agencys_person_as_denied(
    client: Client, outsider: User, person: Person
) -> None:
    client.force_login(outsider)
    assert client.get(reverse("subjects:show", args=[person.pk])).status_code == 404
    record = AccessRecord.objects.get()
    assert record.outcome == Outcome.DENIED
    assert record.user == outsider
    assert record.object_id == str(person.pk)
    assert record.person is None  # the refused user learns nothing, not even in the record
    assert record.what == "denied:subjects:show"


def test_it_records_a_forbidden_page_as_denied(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    assert client.get(reverse("audit:report")).status_code == 403
    assert AccessRecord.objects.get().what == "denied:audit:report"


def test_it_never_changes_or_deletes_an_access_record(practitioner: User, person: Person) -> None:
    record = AccessRecord.objects.create(user=practitioner, what="test", person=person)
    with pytest.raises(AccessRecordImmutable):
        record.save()
    with pytest.raises(AccessRecordImmutable):
        record.delete()
    for sql in (
        "UPDATE audit_accessrecord SET what = 'changed'",
        "DELETE FROM audit_accessrecord",
    ):
        with (
            pytest.raises((IntegrityError, InternalError, OperationalError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AccessRecord.objects.get().what == "test"


def test_the_ig_lead_sees_who_viewed_a_person(
    client: Client, ig_lead: User, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    client.get(reverse("subjects:show", args=[person.pk]))
    client.force_login(ig_lead)
    page = client.get(reverse("subjects:show", args=[person.pk])).content.decode()
    assert reverse("audit:person_views", args=[person.pk]) in page
    response = client.get(reverse("audit:person_views", args=[person.pk]))
    page = response.content.decode()
    assert practitioner.display_name() in page
    assert "subjects.person.show" in page


def test_only_the_ig_lead_gets_the_who_viewed_link(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    page = client.get(reverse("subjects:show", args=[person.pk])).content.decode()
    assert "Who has viewed this record" not in page


def test_the_report_filters_by_viewer_and_date(
    client: Client, ig_lead: User, practitioner: User, outsider: User, person: Person
) -> None:
    organisation = practitioner.organisation
    AccessRecord.objects.create(
        user=practitioner, organisation=organisation, what="mine", person=person
    )
    AccessRecord.objects.create(
        user=ig_lead, organisation=organisation, what="lead-own", person=person
    )
    other_person = PersonFactory.create(organisation=outsider.organisation)
    AccessRecord.objects.create(
        user=outsider, organisation=outsider.organisation, what="theirs", person=other_person
    )
    client.force_login(ig_lead)
    response = client.get(reverse("audit:report"), {"viewer": str(practitioner.pk)})
    whats = [r.what for r in response.context["page"].rows]
    assert whats == ["mine"]
    response = client.get(
        reverse("audit:report"),
        {"date_to_0": "1", "date_to_1": "1", "date_to_2": "2000"},
    )
    assert list(response.context["page"].rows) == []
    everything = client.get(reverse("audit:report")).context["page"].rows
    assert "theirs" not in [r.what for r in everything]


def test_the_report_names_a_bad_filter(client: Client, ig_lead: User) -> None:
    client.force_login(ig_lead)
    page = client.get(
        reverse("audit:report"),
        {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2020", "viewer": "nope"},
    ).content.decode()
    assert "From must be a real date" in page
    assert "Select a person from the list" in page


def test_it_takes_the_address_from_the_proxy_only_when_told_to(
    client: Client, practitioner: User, person: Person, settings: Any
) -> None:
    client.force_login(practitioner)
    url = reverse("subjects:show", args=[person.pk])
    client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    settings.BEHIND_TLS_PROXY = True
    client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    addresses = list(AccessRecord.objects.order_by("at").values_list("ip_address", flat=True))
    assert addresses == ["10.0.0.1", "203.0.113.9"]


def test_a_read_of_another_organisations_record_is_named_without_a_link(
    client: Client, ig_lead: User, practitioner: User, outsider: User
) -> None:
    """The report lists what its own staff read, some of it held by another organisation
    (a disclosure's items): the "who viewed" page of that record is the other
    organisation's, so the report names it and says who holds it, with no link to a 404."""
    theirs = PersonFactory.create(organisation=outsider.organisation, given_names="Kerry")
    AccessRecord.objects.create(
        user=practitioner, organisation=practitioner.organisation, what="read", person=theirs
    )
    client.force_login(ig_lead)
    page = client.get(reverse("audit:report")).content.decode()
    assert theirs.full_name in page
    assert outsider.organisation is not None
    assert f"record held by {outsider.organisation.name}" in page
    assert reverse("audit:person_views", args=[theirs.pk]) not in page
    assert client.get(reverse("audit:person_views", args=[theirs.pk])).status_code == 404
