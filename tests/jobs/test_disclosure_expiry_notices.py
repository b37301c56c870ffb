"""The disclosure expiry notices job (disclosures.actions.send_expiry_notices): once per
disclosure and kind, to the sender and the recipient, with a link and nothing personal."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.disclosures import actions
from safeshare.disclosures.models import Disclosure, ExpiryNotice
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

PERSONAL = ["Lily", "Morgan", "Tom", "Barker", "strategy discussion", "Riverside", "9990000026"]


@pytest.fixture
def sender(practitioner: User) -> User:
    practitioner.email = "sender@school.example"
    practitioner.save()
    return practitioner


def days(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


def test_expiring_soon_tells_both_once_with_a_link_only(
    sender: User, send: Callable[..., Disclosure], django_capture_on_commit_callbacks: Any
) -> None:
    disclosure = send()  # available for 30 days
    mail.outbox.clear()
    assert actions.send_expiry_notices(now=days(26)) == 0  # more than 3 days left
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_expiry_notices(now=days(28)) == 1
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"tom.barker@csc.example", "sender@school.example"}
    assert f"/disclosures/{disclosure.pk}/\n" in by_address["tom.barker@csc.example"].body
    assert f"/disclosures/{disclosure.pk}/sent/" in by_address["sender@school.example"].body
    for message in mail.outbox:
        assert "expires" in message.subject
        text = f"{message.subject} {message.body}"
        for personal in [*PERSONAL, disclosure.reference]:
            assert personal not in text, personal
    entry = Entry.objects.get(event_type="disclosures.disclosure.expiring_notice")
    assert entry.actor_id is None and entry.object_id == str(disclosure.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_expiry_notices(now=days(29)) == 0
    assert mail.outbox == []


def test_expired_tells_both_once_and_links_the_recipient_to_their_list(
    sender: User, send: Callable[..., Disclosure], django_capture_on_commit_callbacks: Any
) -> None:
    disclosure = send(expires_on=timezone.localdate() + datetime.timedelta(days=10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_expiry_notices(now=days(12)) == 1
        assert actions.send_expiry_notices(now=days(13)) == 0
    assert sorted(m.subject for m in mail.outbox) == [
        "Information shared with you in safeshare has expired",
        "Information you shared in safeshare has expired",
    ]
    [to_recipient] = [m for m in mail.outbox if m.to == ["tom.barker@csc.example"]]
    assert str(disclosure.pk) not in to_recipient.body  # it can no longer be opened
    assert list(ExpiryNotice.objects.values_list("kind", flat=True)) == ["expired"]


def test_nothing_for_a_revoked_one_a_short_one_or_one_long_expired(
    sender: User, send: Callable[..., Disclosure]
) -> None:
    revoked = send()
    actions.revoke(actor=sender, disclosure=revoked, reason="Sent in error")
    short = send(expires_on=timezone.localdate() + datetime.timedelta(days=2))
    assert not short.repeated
    assert actions.send_expiry_notices(now=days(1)) == 0  # sent for 3 days or less
    assert actions.send_expiry_notices(now=days(29)) == 0  # revoked
    assert actions.send_expiry_notices(now=days(40)) == 0  # both long expired
    assert not ExpiryNotice.objects.exists()


def test_a_notice_is_one_row_per_disclosure_and_kind(disclosure: Disclosure) -> None:
    from django.db import IntegrityError, transaction

    ExpiryNotice.objects.create(disclosure=disclosure, kind=ExpiryNotice.Kind.EXPIRING)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpiryNotice.objects.create(disclosure=disclosure, kind=ExpiryNotice.Kind.EXPIRING)
    assert actions.send_expiry_notices(now=days(28)) == 0  # already told
