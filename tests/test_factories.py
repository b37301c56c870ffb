"""The factories' traits give the states they name, with the ledger entries the actions
write (the tests rely on them being a practitioner's real records)."""

from __future__ import annotations

import pytest

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import DecisionStatus
from safeshare.disclosures.models import Status as DisclosureStatus
from safeshare.ledger import verify
from safeshare.ledger.models import Entry
from safeshare.requests.models import Response, Status
from safeshare.subjects.models import Person
from tests.factories.decisions import ANSWERS, ConsentWithdrawalFactory, DecisionFactory
from tests.factories.disclosures import DisclosureFactory
from tests.factories.requests import InformationRequestFactory

pytestmark = pytest.mark.django_db


def events() -> list[str]:
    return list(Entry.objects.order_by("sequence").values_list("event_type", flat=True))


@pytest.mark.parametrize("outcome", sorted(ANSWERS))
def test_each_outcome_trait_is_a_draft_until_finalised(
    practitioner: User, person: Person, outcome: str
) -> None:
    draft = DecisionFactory.create(started_by=practitioner, subject=person, **{outcome: True})
    assert draft.status == DecisionStatus.DRAFT
    assert not Entry.objects.exists()
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, finalised=True, **{outcome: True}
    )
    assert decision.status == DecisionStatus.FINALISED and decision.outcome == outcome
    assert events()[-1] == "decisions.decision.finalised"
    assert list(decision.subjects.all()) == [person]


def test_a_decision_by_default_is_a_share_about_a_child_of_the_practitioners() -> None:
    decision = DecisionFactory.create(finalised=True)
    assert decision.outcome == "share"
    assert decision.subjects.get().organisation_id == decision.started_by.organisation_id


def test_amended_is_superseded_by_a_finalised_amendment(practitioner: User, person: Person) -> None:
    original = DecisionFactory.create(started_by=practitioner, subject=person, amended=True)
    amendment = original.amendments.get()
    assert original.status == amendment.status == DecisionStatus.FINALISED
    assert amendment.amendment_reason
    assert events()[-2:] == ["decisions.decision.finalised", "decisions.decision.amended"]


def test_reconsidered_is_a_refusal_with_a_reconsideration_begun(
    practitioner: User, person: Person
) -> None:
    refusal = DecisionFactory.create(started_by=practitioner, subject=person, reconsidered=True)
    assert refusal.outcome == "do_not_share"
    assert refusal.reconsiderations.get().status == DecisionStatus.DRAFT


def test_consent_given_and_withdrawn(practitioner: User, person: Person) -> None:
    consented = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    assert consented.consent_status == "given"
    assert "decisions.consent.recorded" in events()
    withdrawal = ConsentWithdrawalFactory.create(decision=consented)
    assert withdrawal.recorded_by == practitioner
    assert events()[-1] == "decisions.consent.withdrawn"


def test_a_request_without_and_with_a_response(organisation: Organisation) -> None:
    asked = InformationRequestFactory.create(to_organisation=organisation)
    assert asked.status == Status.OPEN and not asked.decisions.exists()
    answered = InformationRequestFactory.create(
        to_organisation=organisation, answered=True, purpose="Another enquiry"
    )
    assert answered.status == Status.ANSWERED and answered.response == Response.SHARED
    assert answered.decisions.get().kind == "request"
    declined = InformationRequestFactory.create(
        to_organisation=organisation, declined=True, purpose="A third enquiry"
    )
    assert declined.response == Response.DECLINED


def test_a_request_answered_in_system_shares_with_the_requester(
    organisation: Organisation,
) -> None:
    request = InformationRequestFactory.create(
        to_organisation=organisation, answered_in_system=True
    )
    decision = request.decisions.get()
    assert request.requested_by is not None
    assert decision.channel == "in_system"
    assert decision.recipient_organisation_id == request.requested_by.organisation_id
    assert DisclosureFactory.create(decision=decision, recipient=request.requested_by)


@pytest.mark.parametrize(
    "trait, status",
    [
        (None, DisclosureStatus.NEW),
        ("opened", DisclosureStatus.OPENED),
        ("acknowledged", DisclosureStatus.ACKNOWLEDGED),
        ("revoked", DisclosureStatus.REVOKED),
        ("expired", DisclosureStatus.EXPIRED),
    ],
)
def test_each_disclosure_trait_is_its_status(trait: str | None, status: str) -> None:
    disclosure = DisclosureFactory.create(**({trait: True} if trait else {}))
    assert disclosure.status() == status
    assert disclosure.recipient is not None
    assert disclosure.recipient.organisation_id != disclosure.organisation_id
    assert "disclosures.disclosure.sent" in events()


def test_what_the_factories_write_verifies() -> None:
    DisclosureFactory.create(acknowledged=True)
    DisclosureFactory.create(expired=True)
    DecisionFactory.create(amended=True)
    ConsentWithdrawalFactory.create()
    report = verify.verify_ledger()
    assert report.ok, report.lines()
