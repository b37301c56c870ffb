"""Sending the same items to the same person again while the first disclosure is still
available (a double click, the back button and "Send securely" again, a second tab)
returns that disclosure: one row, one ledger entry, one email. Two at the same moment:
tests/test_double_submit.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.decisions.models import Decision
from safeshare.disclosures import actions
from safeshare.disclosures.models import Disclosure
from safeshare.ledger.models import Entry
from tests.factories.decisions import sharing_sections

pytestmark = pytest.mark.django_db


def test_the_same_disclosure_twice_is_one(
    send: Callable[..., Disclosure], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = send()
        again = send()
    assert again.pk == first.pk and again.repeated and not first.repeated
    assert Disclosure.objects.count() == 1
    assert Entry.objects.filter(event_type="disclosures.disclosure.sent").count() == 1
    assert len(mail.outbox) == 1


def test_once_revoked_it_can_be_sent_again(
    send: Callable[..., Disclosure], practitioner: User
) -> None:
    first = send()
    actions.revoke(actor=practitioner, disclosure=first, reason="Sent before the meeting agreed")
    again = send()
    assert again.pk != first.pk and not again.repeated


def test_other_items_or_another_person_are_a_new_disclosure(
    send: Callable[..., Disclosure],
    decision: Decision,
    practitioner: User,
    recipient: User,
    person: Any,
) -> None:
    from safeshare.decisions import actions as decision_actions
    from tests.factories import UserFactory

    first = send()
    colleague = UserFactory.create(organisation=recipient.organisation)
    assert send(recipient=colleague).pk != first.pk
    correction = decision_actions.amend_decision(actor=practitioner, decision=decision)
    correction = sharing_sections(correction, practitioner, person)  # a second item
    decision_actions.update_section(
        actor=practitioner,
        decision=correction,
        section="amendment",
        values={"amendment_reason": "A second item was left out."},
    )
    corrected = decision_actions.finalise_decision(actor=practitioner, decision=correction)
    items = list(corrected.items.all())
    assert send(decision=corrected, items=items[:1]).pk != send(decision=corrected, items=items).pk
    assert Disclosure.objects.count() == 4


def test_resubmitting_the_send_page_sends_nothing_more(
    client: Client, practitioner: User, decision: Decision, recipient: User
) -> None:
    import datetime

    from django.utils import timezone

    client.force_login(practitioner)
    day = timezone.localdate() + datetime.timedelta(days=7)
    url = reverse("disclosures:compose", args=[decision.pk, recipient.organisation_id])
    posted = {
        "action": "send",
        "recipient": str(recipient.pk),
        "items": [str(i.pk) for i in decision.items.all()],
        "message": "",
        "expires_on_0": str(day.day),
        "expires_on_1": str(day.month),
        "expires_on_2": str(day.year),
    }
    first = client.post(url, posted)
    again = client.post(url, posted, follow=True)
    disclosure = Disclosure.objects.get()
    assert first["Location"] == reverse("disclosures:sent", args=[disclosure.pk])
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "it has not been sent again" in again.content.decode()
