"""Every API operation: the owning organisation gets the record, another organisation
404, roles without case records no case content, and every person shown is recorded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import Organisation, User
from safeshare.audit.models import AccessRecord, Outcome
from safeshare.decisions import actions as decision_actions
from safeshare.ledger.models import Entry
from safeshare.ledger.queries import receipt_for
from safeshare.requests import actions as request_actions
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose
from tests.api.conftest import Call, raise_body, request_details
from tests.factories import IdentifierFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory, sign_off

pytestmark = pytest.mark.django_db


def _org(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


def _records(what: str) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(what=what).order_by("at"))


@pytest.fixture
def auditor(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, auditor=True)


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, administrator=True)


# --- People -----------------------------------------------------------------------------------


def test_search_finds_the_organisations_people_with_identifiers_and_records_each(
    practitioner: User, person: Person, outsider: User, api_call: Call
) -> None:
    IdentifierFactory.create(person=person, kind="nhs_number", value="9434765919")
    sibling = PersonFactory.create(
        organisation=person.organisation, given_names="Lucas", family_name="Morgan"
    )
    # Another agency's Lily Morgan is not found.
    PersonFactory.create(
        organisation=outsider.organisation, given_names="Lily", family_name="Morgan"
    )
    url = reverse("api:people_search")
    assert url == "/api/v1/people/search"  # the words go in the body, never in the URL
    response = api_call(practitioner, "post", url, {"query": "Morgan"})
    assert response.status_code == 200
    body = response.json()
    assert {p["id"] for p in body} == {str(person.pk), str(sibling.pk)}
    lily = next(p for p in body if p["id"] == str(person.pk))
    assert lily == {
        "id": str(person.pk),
        "kind": "child",
        "given_names": "Lily",
        "family_name": "Morgan",
        "known_as": "",
        "date_of_birth": "2016-05-04",
        "identifiers": [{"kind": "nhs_number", "value": "9434765919"}],
    }
    records = _records("api.people.search")
    assert {r.person_id for r in records} == {person.pk, sibling.pk}
    assert all(r.user_id == practitioner.pk and r.outcome == Outcome.SHOWN for r in records)
    assert all(r.ip_address == "127.0.0.1" for r in records)

    # By NHS number, spaced as people type it.
    found = api_call(practitioner, "post", url, {"query": "943 476 5919"}).json()
    assert [p["id"] for p in found] == [str(person.pk)]

    # The other agency finds only its own.
    theirs = api_call(outsider, "post", url, {"query": "Morgan"}).json()
    assert [p["id"] for p in theirs] != [] and str(person.pk) not in {p["id"] for p in theirs}


def test_search_is_refused_to_roles_without_case_records(
    person: Person, auditor: User, administrator: User, api_call: Call
) -> None:
    for user in (auditor, administrator):
        response = api_call(user, "post", reverse("api:people_search"), {"query": "Lily"})
        assert response.status_code == 403
        assert "Lily" not in response.content.decode()
    assert not _records("api.people.search")
    assert (
        AccessRecord.objects.filter(outcome=Outcome.DENIED, what="denied:api:people_search").count()
        == 2
    )


@pytest.mark.parametrize(
    ("body", "field", "kind"),
    [
        ({}, "query", "missing"),
        ({"query": ""}, "query", "missing"),
        ({"query": "   "}, "query", "missing"),
        ({"query": "x" * 101}, "query", "string_too_long"),
        ({"query": "Lily\x00"}, "query", "control_characters"),
        ({"query": "<script>"}, "query", "markup"),
        ({"query": 42}, "query", "string_type"),
        ({"query": "Lily", "name": "Lily"}, "name", "extra_forbidden"),
    ],
)
def test_search_input_errors_name_the_field(
    practitioner: User, person: Person, api_call: Call, body: dict[str, Any], field: str, kind: str
) -> None:
    response = api_call(practitioner, "post", reverse("api:people_search"), body)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [(e["field"], e["type"]) for e in errors] == [(field, kind)]
    assert errors[0]["message"]
    assert not AccessRecord.objects.exists()


def test_a_malformed_body_is_refused(client: Client, practitioner: User, api_call: Call) -> None:
    response = api_call(practitioner, "get", reverse("api:people_search"))
    assert response.status_code == 405  # searching is a POST: names never in the URL
    from tests.factories import api_token_headers

    response = client.post(
        reverse("api:people_search"),
        "{not json",
        content_type="application/json",
        headers=api_token_headers(practitioner),
    )
    assert response.status_code == 400


def test_a_person_is_shown_to_their_organisation_only(
    practitioner: User, person: Person, outsider: User, auditor: User, api_call: Call
) -> None:
    url = reverse("api:person", args=[person.pk])
    response = api_call(practitioner, "get", url)
    assert response.status_code == 200
    assert response.json()["given_names"] == "Lily"
    api_call(practitioner, "get", url)
    records = _records("api.people.show")
    assert len(records) == 2  # one per call
    assert all(r.person_id == person.pk and r.user_id == practitioner.pk for r in records)

    for user in (outsider, auditor):
        refused = api_call(user, "get", url)
        assert refused.status_code == 404
        assert refused.json() == {"detail": "Not found"}
        assert "Lily" not in refused.content.decode()
    denied = AccessRecord.objects.filter(outcome=Outcome.DENIED, what="denied:api:person")
    assert {r.user_id for r in denied} == {outsider.pk, auditor.pk}
    assert {r.object_id for r in denied} == {str(person.pk)}
    assert len(_records("api.people.show")) == 2

    # Not an id at all: the field is named.
    bad = api_call(practitioner, "get", "/api/v1/people/not-an-id")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "person_id"


def test_a_persons_chronology_lists_finalised_decisions_only(
    practitioner: User, person: Person, outsider: User, api_call: Call
) -> None:
    shared = DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share", finalised=True
    )
    refused = DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="do_not_share", finalised=True
    )
    DecisionFactory.create(started_by=practitioner, subject=person, leads_to="seek_advice")
    url = reverse("api:person_decisions", args=[person.pk])
    response = api_call(practitioner, "get", url)
    assert response.status_code == 200
    body = response.json()
    assert [e["decision_id"] for e in body] == [str(refused.pk), str(shared.pk)]
    first = body[1]
    assert first["outcome"] == "share" and first["outcome_title"] == "Share"
    assert first["recipient_organisation"] == "Northshire Children's Social Care"
    assert first["recipient_organisation_id"] is None
    assert first["purpose_category"]["name"] == "Early help assessment"
    assert first["organisation"] == {
        "id": str(person.organisation_id),
        "name": person.organisation.name,
    }
    decided_at = datetime.datetime.fromisoformat(first["decided_at"])
    assert shared.decided_at is not None
    assert abs(decided_at - shared.decided_at) < datetime.timedelta(milliseconds=1)
    records = _records("api.people.decisions")
    assert [(r.person_id, r.user_id) for r in records] == [(person.pk, practitioner.pk)]

    assert api_call(outsider, "get", url).status_code == 404


# --- Decisions --------------------------------------------------------------------------------


def test_a_finalised_decision_with_policy_bases_items_and_ledger_receipt(
    practitioner: User, person: Person, api_call: Call
) -> None:
    mother = PersonFactory.create(
        organisation=person.organisation, given_names="Kerry", family_name="Morgan"
    )
    draft = DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share_without_consent"
    )
    decision_actions.set_subjects(actor=practitioner, decision=draft, people=[person, mother])
    decision = decision_actions.finalise_decision(actor=practitioner, decision=draft)
    decision = sign_off(decision)  # the shipped policy asks a manager to sign it off
    response = api_call(practitioner, "get", reverse("api:decision", args=[decision.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "finalised"
    assert body["outcome"] == "share_without_consent"
    assert body["policy"] == {
        "id": decision.policy_id,
        "version": decision.policy_version,
        "sha256": decision.policy_sha256,
    }
    assert len(body["policy"]["sha256"]) == 64
    assert {s["id"] for s in body["subjects"]} == {str(person.pk), str(mother.pk)}
    assert [i["text"] for i in body["items"]] == [
        "Lily arrived at school with a bruise on her left forearm on 3 November."
    ]
    assert body["items"][0]["about_person_id"] == str(person.pk)
    assert body["recipient"]["name"] == "Tom Barker"
    assert body["recipient"]["channel"] == "secure_email"
    accepted = [b["id"] for b in body["lawful_bases"] if b["accepted"]]
    assert accepted == ["art6-e-public-task"]
    receipt = receipt_for(decision)
    assert receipt is not None
    assert body["ledger_receipt"]["sequence"] == receipt.sequence
    assert body["ledger_receipt"]["leaf_hash"] == receipt.leaf_hash
    assert body["ledger_receipt"]["event_type"] == "decisions.decision.finalised"
    records = _records("api.decisions.show")
    assert {r.person_id for r in records} == {person.pk, mother.pk}  # one per person
    assert all(r.object_id == str(decision.pk) for r in records)
    assert all(r.object_type == "decisions.decision" for r in records)


def test_a_draft_decision_is_shown_to_its_organisation(
    practitioner: User, person: Person, api_call: Call
) -> None:
    draft = DecisionFactory.create(started_by=practitioner, subject=person, leads_to="share")
    colleague = UserFactory.create(organisation=practitioner.organisation, manager=True)
    response = api_call(colleague, "get", reverse("api:decision", args=[draft.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["outcome"] == "" and body["decided_at"] is None
    assert body["lawful_bases"] == []
    assert len(_records("api.decisions.show")) == 1


def test_a_decision_is_404_to_other_organisations_and_roles_without_case_records(
    practitioner: User,
    person: Person,
    outsider: User,
    auditor: User,
    administrator: User,
    api_call: Call,
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share", finalised=True
    )
    for user in (outsider, auditor, administrator):
        response = api_call(user, "get", reverse("api:decision", args=[decision.pk]))
        assert response.status_code == 404
        assert "Lily" not in response.content.decode()
        assert "Tom Barker" not in response.content.decode()
    assert not _records("api.decisions.show")


# --- Requests ---------------------------------------------------------------------------------


@pytest.fixture
def asked(practitioner: User, outsider: User) -> InformationRequest:
    """A request from the other agency to the practitioner's organisation."""
    return request_actions.raise_request(
        actor=outsider, to_organisation=_org(practitioner), details=request_details()
    )


def test_requests_are_listed_by_direction_and_status_and_recorded(
    practitioner: User, outsider: User, asked: InformationRequest, api_call: Call
) -> None:
    incoming = api_call(practitioner, "get", reverse("api:requests"))
    assert incoming.status_code == 200
    (row,) = incoming.json()
    assert row["id"] == str(asked.pk) and row["reference"] == asked.reference
    assert row["direction"] == "incoming" and row["status"] == "open"
    assert row["from_organisation"]["id"] == str(outsider.organisation_id)
    assert row["purpose_category"]["name"] == "Early help assessment"
    assert "subject_details" not in row  # the list shows what the queue page shows
    assert [r.object_id for r in _records("api.requests.incoming")] == [str(asked.pk)]

    # The asking agency sees it as outgoing; the practitioner made none.
    mine = api_call(outsider, "get", reverse("api:requests"), {"direction": "outgoing"}).json()
    assert [r["id"] for r in mine] == [str(asked.pk)]
    assert mine[0]["direction"] == "outgoing"
    assert (
        api_call(practitioner, "get", reverse("api:requests"), {"direction": "outgoing"}).json()
        == []
    )

    # Status filters: answered none, all one.
    answered = api_call(practitioner, "get", reverse("api:requests"), {"status": "answered"})
    assert answered.json() == []
    every = api_call(practitioner, "get", reverse("api:requests"), {"status": "all"})
    assert len(every.json()) == 1

    # A third agency sees nothing of it.
    third = UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Early Help")
    )
    assert api_call(third, "get", reverse("api:requests"), {"status": "all"}).json() == []


@pytest.mark.parametrize(
    ("query", "field"),
    [({"direction": "sideways"}, "direction"), ({"status": "lost"}, "status")],
)
def test_request_filters_are_checked(
    practitioner: User, api_call: Call, query: dict[str, str], field: str
) -> None:
    response = api_call(practitioner, "get", reverse("api:requests"), query)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]


def test_requests_are_refused_to_roles_without_case_records(
    auditor: User, administrator: User, asked: InformationRequest, api_call: Call
) -> None:
    for user in (auditor, administrator):
        assert api_call(user, "get", reverse("api:requests")).status_code == 403
        assert api_call(user, "get", reverse("api:request", args=[asked.pk])).status_code == 404


def test_one_request_is_shown_to_both_sides_only(
    practitioner: User, outsider: User, asked: InformationRequest, api_call: Call
) -> None:
    url = reverse("api:request", args=[asked.pk])
    for user in (practitioner, outsider):
        response = api_call(user, "get", url)
        assert response.status_code == 200
        body = response.json()
        assert body["subject_details"] == "Lily Morgan, born 4 May 2016"
        assert body["information_needed"] == "Attendance this term"
        assert body["statutory_basis"] == "none"
    assert len(_records("api.requests.show")) == 2
    third = UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Early Help")
    )
    response = api_call(third, "get", url)
    assert response.status_code == 404
    assert "Lily" not in response.content.decode()


def test_raising_a_request_calls_the_action(
    practitioner: User,
    outsider: User,
    api_call: Call,
    django_capture_on_commit_callbacks: Any,
) -> None:
    UserFactory.create(organisation=outsider.organisation, manager=True, email="dsl@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_call(
            practitioner,
            "post",
            reverse("api:requests_create"),
            raise_body(_org(outsider)),
        )
    assert response.status_code == 201
    body = response.json()
    created = InformationRequest.objects.get()
    assert body["id"] == str(created.pk) and body["reference"] == created.reference
    assert body["direction"] == "outgoing" and body["status"] == "open"
    assert created.from_organisation_id == practitioner.organisation_id
    assert created.to_organisation_id == outsider.organisation_id
    assert created.requested_by_id == practitioner.pk
    assert created.urgency == "urgent" and created.statutory_basis == "ca1989_s17"
    entry = Entry.objects.get(event_type="requests.request.received")
    assert entry.object_id == str(created.pk)
    assert [m.to for m in mail.outbox] == [["dsl@example.org"]]
    assert "Lily" not in mail.outbox[0].body
    assert [r.object_id for r in _records("api.requests.create")] == [str(created.pk)]


@pytest.mark.parametrize(
    ("change", "field", "kind"),
    [
        ({"purpose": None}, "purpose", "missing"),
        ({"purpose": "  "}, "purpose", "missing"),
        ({"subject_details": "x" * 5001}, "subject_details", "string_too_long"),
        ({"why_needed": "Because\x1b[31m"}, "why_needed", "control_characters"),
        ({"information_needed": "<b>all</b>"}, "information_needed", "markup"),
        ({"statutory_basis_detail": "x" * 201}, "statutory_basis_detail", "string_too_long"),
        ({"urgency": "whenever"}, "urgency", "literal_error"),
        ({"statutory_basis": "s999"}, "statutory_basis", "literal_error"),
        ({"to_organisation": "nowhere"}, "to_organisation", "uuid_parsing"),
        ({"purpose_category": "first"}, "purpose_category", "int_parsing"),
        ({"purpose_category": 999_999}, "purpose_category", "invalid"),
        ({"requested_by": "someone"}, "requested_by", "extra_forbidden"),
    ],
)
def test_raising_a_request_with_bad_input_names_the_field_and_writes_nothing(
    practitioner: User,
    outsider: User,
    api_call: Call,
    django_capture_on_commit_callbacks: Any,
    change: dict[str, Any],
    field: str,
    kind: str,
) -> None:
    body = raise_body(_org(outsider))
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = api_call(practitioner, "post", reverse("api:requests_create"), body)
    assert response.status_code == 422
    assert [(e["field"], e["type"]) for e in response.json()["detail"]] == [(field, kind)]
    assert not InformationRequest.objects.exists()
    assert not Entry.objects.filter(event_type__startswith="requests.").exists()
    assert not sent and not mail.outbox
    assert not AccessRecord.objects.filter(what="api.requests.create").exists()


def test_a_request_goes_to_another_existing_organisation(
    practitioner: User, api_call: Call
) -> None:
    inactive = Purpose.objects.create(name="Retired purpose", active=False)
    for body in (
        raise_body(_org(practitioner)),
        raise_body(_org(practitioner), to_organisation="00000000-0000-0000-0000-000000000000"),
    ):
        response = api_call(practitioner, "post", reverse("api:requests_create"), body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == "to_organisation"
    other = OrganisationFactory.create(name="Northshire Police")
    body = raise_body(other, purpose_category=inactive.pk)
    response = api_call(practitioner, "post", reverse("api:requests_create"), body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "purpose_category"
    assert not InformationRequest.objects.exists()


def test_roles_that_cannot_record_decisions_cannot_raise_requests(
    practitioner: User, outsider: User, auditor: User, api_call: Call
) -> None:
    ig_lead = UserFactory.create(organisation=practitioner.organisation, ig_lead=True)
    for user in (ig_lead, auditor):
        response = api_call(
            user, "post", reverse("api:requests_create"), raise_body(_org(outsider))
        )
        assert response.status_code == 403
    assert not InformationRequest.objects.exists()


def test_bearer_calls_need_no_csrf_token(practitioner: User, outsider: User) -> None:
    from tests.factories import api_token_headers

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("api:requests_create"),
        raise_body(_org(outsider)),
        content_type="application/json",
        headers=api_token_headers(practitioner),
    )
    assert response.status_code == 201


# --- Ledger, headers --------------------------------------------------------------------------


def test_the_ledger_checkpoint_is_a_signed_note(
    practitioner: User, auditor: User, person: Person, api_call: Call
) -> None:
    DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to="share", finalised=True
    )
    for user in (practitioner, auditor):
        response = api_call(user, "get", reverse("api:ledger_checkpoint"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        note = response.content.decode()
        assert note.startswith("safeshare.test/ledger\n")
        assert "\n\n— safeshare.test/ledger " in note


def test_every_api_answer_is_no_store(
    practitioner: User, person: Person, outsider: User, api_call: Call
) -> None:
    for user, status in ((practitioner, 200), (outsider, 404), (None, 401)):
        response = api_call(user, "get", reverse("api:person", args=[person.pk]))
        assert response.status_code == status
        assert "no-store" in response["Cache-Control"]
