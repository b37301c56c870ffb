"""Each rule of disclosures/permissions.py, enforced by the action itself: called directly
as the wrong actor or in the wrong state, it refuses and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.disclosures import actions
from safeshare.disclosures.actions import AlreadyAcknowledged, DisclosureError
from safeshare.disclosures.models import Disclosure
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory
from tests.rules import assert_refused

pytestmark = pytest.mark.django_db


def test_only_the_deciding_organisation_sends(
    send: Callable[..., Disclosure], outsider: User
) -> None:
    assert_refused(lambda: send(actor=outsider), PermissionDenied)


def test_an_ig_lead_does_not_send(
    send: Callable[..., Disclosure], organisation: Organisation
) -> None:
    ig_lead = UserFactory.create(organisation=organisation, ig_lead=True)
    assert_refused(lambda: send(actor=ig_lead), PermissionDenied)


def test_nothing_is_sent_from_a_draft_or_a_refusal(
    send: Callable[..., Disclosure], practitioner: User, person: Person
) -> None:
    draft = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    assert_refused(lambda: send(decision=draft, items=list(draft.items.all())), PermissionDenied)
    refusal = DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    assert_refused(lambda: send(decision=refusal, items=[]), PermissionDenied)


def test_nothing_is_sent_from_a_corrected_decision(
    send: Callable[..., Disclosure], practitioner: User, decision: Decision
) -> None:
    correction = decision_actions.amend_decision(actor=practitioner, decision=decision)
    correction = decision_actions.update_section(
        actor=practitioner,
        decision=correction,
        section="amendment",
        values={"amendment_reason": "The date of the bruise was wrong."},
    )
    decision_actions.finalise_decision(actor=practitioner, decision=correction)
    assert_refused(lambda: send(), PermissionDenied)


@pytest.mark.parametrize("who", ["colleague", "disabled", "auditor"])
def test_the_recipient_is_an_active_case_role_elsewhere(
    send: Callable[..., Disclosure],
    organisation: Organisation,
    recipient_organisation: Organisation,
    who: str,
) -> None:
    candidate = {
        "colleague": lambda: UserFactory.create(organisation=organisation),
        "disabled": lambda: UserFactory.create(
            organisation=recipient_organisation, is_active=False
        ),
        "auditor": lambda: UserFactory.create(organisation=recipient_organisation, auditor=True),
    }[who]()
    assert_refused(lambda: send(recipient=candidate), PermissionDenied)


def test_only_this_decisions_items_are_sent(
    send: Callable[..., Disclosure], practitioner: User, person: Person
) -> None:
    other = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert_refused(lambda: send(items=list(other.items.all())), DisclosureError)


def test_only_the_named_recipient_opens_or_acknowledges(
    send: Callable[..., Disclosure], recipient_organisation: Organisation, practitioner: User
) -> None:
    disclosure = send()
    colleague = UserFactory.create(organisation=recipient_organisation)
    for who in [colleague, practitioner]:
        assert_refused(
            partial(actions.record_opened, actor=who, disclosure=disclosure),
            PermissionDenied,
        )
        assert_refused(
            partial(actions.acknowledge, actor=who, disclosure=disclosure),
            PermissionDenied,
        )


def test_a_revoked_disclosure_is_neither_opened_nor_acknowledged(
    send: Callable[..., Disclosure], practitioner: User, recipient: User
) -> None:
    disclosure = send()
    actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent to the wrong person")
    assert_refused(
        lambda: actions.record_opened(actor=recipient, disclosure=disclosure), PermissionDenied
    )
    assert_refused(
        lambda: actions.acknowledge(actor=recipient, disclosure=disclosure), PermissionDenied
    )


def test_acknowledged_once(send: Callable[..., Disclosure], recipient: User) -> None:
    disclosure = send()
    actions.acknowledge(actor=recipient, disclosure=disclosure)
    assert_refused(
        lambda: actions.acknowledge(actor=recipient, disclosure=disclosure), AlreadyAcknowledged
    )


def test_only_the_sending_organisation_revokes(
    send: Callable[..., Disclosure], recipient: User, outsider: User
) -> None:
    disclosure = send()
    for who in [recipient, outsider]:
        assert_refused(
            partial(actions.revoke, actor=who, disclosure=disclosure, reason="No"),
            PermissionDenied,
        )


def test_revoked_once_and_with_a_reason(
    send: Callable[..., Disclosure], practitioner: User
) -> None:
    disclosure = send()
    assert_refused(
        lambda: actions.revoke(actor=practitioner, disclosure=disclosure, reason="  "),
        DisclosureError,
    )
    actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent in error")
    assert_refused(
        lambda: actions.revoke(actor=practitioner, disclosure=disclosure, reason="Again"),
        DisclosureError,
    )
