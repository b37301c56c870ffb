from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions import queries as decision_queries
from safeshare.requests import actions
from safeshare.requests.models import InformationRequest, Response, Status
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import ANSWERS, sharing_sections, sign_off

pytestmark = pytest.mark.django_db


def details(urgency: str = "standard") -> dict[str, Any]:
    return {
        "subject_details": "Lily Morgan, born 4 May 2016, NHS number 943 476 5919",
        "purpose_category": Purpose.objects.get(name="Section 47 enquiry (child protection)"),
        "purpose": "Section 47 enquiry",
        "information_needed": "Attendance and any concerns this term",
        "why_needed": "Strategy discussion tomorrow",
        "urgency": urgency,
        "statutory_basis": "ca1989_s47",
        "statutory_basis_detail": "",
    }


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(name="Northshire Police")


@pytest.fixture
def officer(police: Organisation) -> User:
    return UserFactory.create(
        organisation=police, username="officer", email="officer@police.example"
    )


@pytest.fixture
def school_manager(organisation: Organisation) -> User:
    return UserFactory.create(
        organisation=organisation, manager=True, username="dsl", email="dsl@school.example"
    )


def test_a_request_goes_to_the_other_agency_with_a_due_date_and_a_notification(
    officer: User,
    organisation: Organisation,
    school_manager: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.raise_request(
            actor=officer, to_organisation=organisation, details=details("urgent")
        )
    assert request.status == Status.OPEN
    assert request.reference.startswith("REQ-")
    assert request.due_at > request.received_at
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dsl@school.example"]
    assert f"/requests/{request.pk}/" in message.body
    # Never any personal data in an email (past the link's random identifier,
    # which can contain any digits).
    body = message.body.replace(str(request.pk), "")
    for secret in ["Lily", "Morgan", "943", "Section 47", "Attendance"]:
        assert secret not in body and secret not in message.subject


def test_a_request_cannot_go_to_your_own_organisation(
    practitioner: User, organisation: Organisation
) -> None:
    with pytest.raises(ValueError):
        actions.raise_request(actor=practitioner, to_organisation=organisation, details=details())


def test_a_request_is_visible_only_to_the_two_agencies(
    client: Client, officer: User, organisation: Organisation, practitioner: User
) -> None:
    request = actions.raise_request(actor=officer, to_organisation=organisation, details=details())
    bystander = UserFactory.create(organisation=OrganisationFactory.create(name="Early Help"))
    url = reverse("requests:show", args=[request.pk])
    for user, status in [(officer, 200), (practitioner, 200), (bystander, 404)]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 404:
            assert "Lily" not in response.content.decode()
    client.force_login(bystander)
    assert (
        request.reference
        not in client.get(reverse("requests:incoming"), {"status": "all"}).content.decode()
    )


def test_a_manager_assigns_and_the_assignee_is_told(
    organisation: Organisation,
    officer: User,
    school_manager: User,
    practitioner: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    practitioner.email = "teacher@school.example"
    practitioner.save()
    request = actions.raise_request(actor=officer, to_organisation=organisation, details=details())
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign_request(actor=school_manager, request=request, assignee=practitioner)
    request.refresh_from_db()
    assert request.assigned_to == practitioner and request.status == Status.ASSIGNED
    assert [m.to for m in mail.outbox] == [["teacher@school.example"]]


def test_a_practitioner_can_take_a_request_but_not_assign_others(
    organisation: Organisation, officer: User, practitioner: User
) -> None:
    request = actions.raise_request(actor=officer, to_organisation=organisation, details=details())
    colleague = UserFactory.create(organisation=organisation)
    with pytest.raises(PermissionDenied):
        actions.assign_request(actor=practitioner, request=request, assignee=colleague)
    actions.assign_request(actor=practitioner, request=request, assignee=practitioner)


def _decide(user: User, person: Person, request: InformationRequest, outcome: str) -> Any:
    decision = decision_actions.answer_request(actor=user, request=request, subject=person)
    assert decision.request_id == request.pk and decision.kind == "request"
    for question_id, value in ANSWERS[outcome]:
        decision = decision_actions.answer_question(
            actor=user, decision=decision, question_id=question_id, submitted=value
        )
    return decision


def test_decline_new_information_reconsider_share(
    organisation: Organisation,
    officer: User,
    practitioner: User,
    person: Person,
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = actions.raise_request(actor=officer, to_organisation=organisation, details=details())
    decision = _decide(practitioner, person, request, "do_not_share")
    decision = decision_actions.update_section(
        actor=practitioner,
        decision=decision,
        section="not_sharing",
        values={
            "not_sharing_reasons": "The request did not say what the strategy discussion is about.",
            "discussed_on": timezone.localdate(),
            "discussion_method": "phone",
            "requester_response": "Will send the strategy meeting minutes.",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        refusal = decision_actions.finalise_decision(actor=practitioner, decision=decision)
        # A refusal of a request waits for a manager's sign-off (the shipped policy): the
        # request is answered when it is signed off.
        request.refresh_from_db()
        assert request.status != Status.ANSWERED
        refusal = sign_off(refusal)
    request.refresh_from_db()
    assert (request.status, request.response) == (Status.ANSWERED, Response.DECLINED)
    assert any(officer.email in m.to for m in mail.outbox)

    actions.add_new_information(
        actor=officer, request=request, text="Strategy meeting minutes attached by secure email."
    )
    request.refresh_from_db()
    assert request.status == Status.ASSIGNED
    with pytest.raises(PermissionDenied):
        actions.add_new_information(actor=practitioner, request=request, text="not the requester")

    draft = decision_actions.reconsider_decision(
        actor=practitioner, decision=refusal, new_information="Minutes received"
    )
    assert draft.request_id == request.pk
    for question_id, value in ANSWERS["share_without_consent"]:
        draft = decision_actions.answer_question(
            actor=practitioner, decision=draft, question_id=question_id, submitted=value
        )
    draft = sharing_sections(draft, practitioner, person)
    draft = decision_actions.update_section(
        actor=practitioner,
        decision=draft,
        section="consent",
        values={"consent_status": "not_sought", "consent_not_sought_reason": "prejudice"},
    )
    draft = decision_actions.update_section(
        actor=practitioner,
        decision=draft,
        section="recipient",
        values={"shares_all_requested": False},
    )
    # Shared without consent: signed off by a manager before it is final.
    sign_off(decision_actions.finalise_decision(actor=practitioner, decision=draft))
    request.refresh_from_db()
    assert (request.status, request.response) == (Status.ANSWERED, Response.SHARED_PART)
    # Every change to the request went through an action with its ledger entry.
    from io import StringIO

    from django.core.management import call_command

    call_command("ledger", "verify", stdout=StringIO())


def test_a_response_needs_to_say_whether_it_shares_everything_asked_for(
    organisation: Organisation, officer: User, practitioner: User, person: Person
) -> None:
    request = actions.raise_request(actor=officer, to_organisation=organisation, details=details())
    decision = _decide(practitioner, person, request, "share")
    decision = sharing_sections(decision, practitioner, person)
    problems = [p.message for p in decision_queries.problems_for(decision)]
    assert "Select whether you are sharing everything the requester asked for" in problems


def test_overdue_requests_are_escalated_to_the_managers_once(
    organisation: Organisation,
    officer: User,
    school_manager: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = actions.raise_request(
        actor=officer, to_organisation=organisation, details=details("immediate")
    )
    mail.outbox.clear()
    later = request.due_at + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.escalate_overdue(now=later) == 1
        assert actions.escalate_overdue(now=later) == 0
    request.refresh_from_db()
    assert request.escalated_at == later
    assert request.is_overdue(now=later)
    assert [m.to for m in mail.outbox] == [["dsl@school.example"]]
    assert "Lily" not in mail.outbox[0].body


def test_an_outside_request_is_logged_with_the_identity_check(practitioner: User) -> None:
    request = actions.log_external_request(
        actor=practitioner,
        details=details(),
        external={
            "external_requester_name": "Sam Patel",
            "external_requester_role": "Probation officer",
            "external_requester_organisation": "Probation Service",
            "external_requester_contact": "01632 960 001",
            "external_received_by": "phone",
            "external_identity_check": "Called back on the probation office switchboard",
        },
    )
    assert request.to_organisation_id == practitioner.organisation_id
    assert request.assigned_to == practitioner
    assert "Sam Patel" in request.requester_display


def test_the_due_date_skips_weekends_and_bank_holidays() -> None:
    from safeshare.requests.deadlines import due_at

    christmas_eve = timezone.make_aware(datetime.datetime(2026, 12, 24, 10, 0))
    # 24 Dec 2026 is a Thursday: 25th and 28th (substitute Boxing Day) are bank holidays.
    assert due_at(christmas_eve, "urgent").date() == datetime.date(2026, 12, 29)
    assert due_at(christmas_eve, "immediate") == christmas_eve + datetime.timedelta(hours=4)


def test_the_queue_filters_and_sorts_by_due_date(
    client: Client, organisation: Organisation, officer: User, practitioner: User
) -> None:
    later = actions.raise_request(
        actor=officer, to_organisation=organisation, details=details("standard")
    )
    sooner = actions.raise_request(
        actor=officer, to_organisation=organisation, details=details("immediate")
    )
    client.force_login(practitioner)
    page = client.get(reverse("requests:incoming")).content.decode()
    assert page.index(sooner.reference) < page.index(later.reference)
    filtered = client.get(reverse("requests:incoming"), {"urgency": "standard"}).content.decode()
    assert later.reference in filtered and sooner.reference not in filtered
    assert "Requests (2 open)" in page
    outgoing = client.get(reverse("requests:outgoing")).content.decode()
    assert later.reference not in outgoing


def test_raising_a_request_names_each_missing_field(
    client: Client, practitioner: User, police: Organisation
) -> None:
    client.force_login(practitioner)
    page = client.post(
        reverse("requests:new"), {"to_organisation": str(police.pk), "purpose": "<b>x</b>"}
    ).content.decode()
    assert "Enter who the request is about" in page
    assert "Select how urgent the request is" in page
    assert not InformationRequest.objects.exists()
