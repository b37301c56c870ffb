"""Sending to a directory contact with no account, and the link and code: each through
its action, with its ledger entry; lock at 5 wrong codes, expiry, double acknowledgement,
tampered tokens."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision
from safeshare.directory.models import ContactPoint
from safeshare.disclosures import actions as disclosure_actions
from safeshare.disclosures.models import Disclosure
from safeshare.ledger.models import Entry
from safeshare.messaging.models import Channel, OutgoingMessage
from safeshare.outside import actions
from safeshare.outside.models import MAX_WRONG_CODES, CodeChannel, OutsideLink
from tests.factories.outside import OutsideContactFactory, OutsidePractitionerFactory

pytestmark = pytest.mark.django_db

Send = Callable[..., actions.Issued]


def _events(prefix: str = "outside.") -> list[str]:
    return list(
        Entry.objects.filter(event_type__startswith=prefix)
        .order_by("pk")
        .values_list("event_type", flat=True)
    )


def _wrong(issued: actions.Issued) -> str:
    assert issued.code is not None
    return f"{(int(issued.code) + 1) % 10**6:06d}"


class TestSending:
    def test_goes_to_the_contact_with_no_recipient_user(
        self, send_outside: Send, contact: ContactPoint
    ) -> None:
        issued = send_outside()
        disclosure = issued.disclosure
        assert disclosure.recipient is None
        assert disclosure.outside_contact == contact
        assert disclosure.recipient_organisation_id == contact.organisation_id
        assert disclosure.is_outside
        assert "outside safeshare" in disclosure.recipient_display

    def test_stores_only_hashes_of_the_token_and_code(self, send_outside: Send) -> None:
        issued = send_outside()
        link = OutsideLink.objects.get(disclosure=issued.disclosure)
        assert issued.code is not None and len(issued.code) == 6 and issued.code.isdigit()
        assert issued.token not in link.token_hash
        assert link.token_hash == actions.hash_token(issued.token)
        assert issued.code not in link.code_hash
        assert link.code_channel == CodeChannel.PHONE
        entries = Entry.objects.filter(event_type__startswith="outside.")
        for entry in entries:
            assert issued.token not in str(entry.payload)

    def test_emails_only_the_link(self, send_outside: Send) -> None:
        with mock.patch("safeshare.messaging.outbox._deliver_after_commit_if_asked"):
            issued = send_outside()
        email = OutgoingMessage.objects.get(app="outside", kind="link")
        assert email.recipient == "safeguarding@housing.example"
        assert email.path == actions.link_path(issued.token)
        assert "Lily" not in email.text and "strategy" not in email.text

    def test_sending_the_same_again_sends_nothing_twice(self, send_outside: Send) -> None:
        first = send_outside()
        again = send_outside()
        assert again.repeated and again.code is None and again.token == ""
        assert again.disclosure.pk == first.disclosure.pk
        assert Disclosure.objects.count() == 1 and OutsideLink.objects.count() == 1
        assert OutgoingMessage.objects.filter(app="outside", kind="link").count() == 1
        assert _events("disclosures.disclosure.sent") == ["disclosures.disclosure.sent"]
        other = send_outside(message="A different message.")
        assert not other.repeated and Disclosure.objects.count() == 2

    def test_texts_the_code_to_a_practitioner_with_a_mobile(
        self, send_outside: Send, outside_organisation: Organisation
    ) -> None:
        priya = OutsidePractitionerFactory.create(organisation=outside_organisation)
        with mock.patch("safeshare.messaging.outbox._deliver_after_commit_if_asked"):
            issued = send_outside(contact=priya)
        assert issued.code is None
        assert issued.link.code_channel == CodeChannel.SMS
        sms = OutgoingMessage.objects.get(channel=Channel.SMS, kind="outside_code")
        assert sms.recipient == "07700900123"
        assert "outside.code.sent" in _events()

    @pytest.mark.parametrize("trait", ["unverified", "retired"])
    def test_refuses_a_contact_not_offered(
        self, send_outside: Send, outside_organisation: Organisation, trait: str
    ) -> None:
        other = OutsideContactFactory.create(organisation=outside_organisation, **{trait: True})
        with pytest.raises(PermissionDenied):
            send_outside(contact=other)

    def test_refuses_a_contact_of_the_senders_own_organisation(
        self, send_outside: Send, decision: Decision
    ) -> None:
        own = OutsideContactFactory.create(organisation=decision.organisation)
        with pytest.raises(PermissionDenied):
            send_outside(contact=own)

    def test_link_expires_at_14_days_at_most(self, send_outside: Send) -> None:
        issued = send_outside()
        assert issued.link.expires_at <= timezone.now() + datetime.timedelta(days=14)
        short = send_outside(expires_on=timezone.localdate() + datetime.timedelta(days=2))
        assert short.link.expires_at == short.disclosure.expires_at

    def test_the_database_refuses_two_recipients(self, send_outside: Send, recipient: User) -> None:
        issued = send_outside()
        with pytest.raises(IntegrityError), transaction.atomic():
            Disclosure.objects.filter(pk=issued.disclosure.pk).update(recipient=recipient)


class TestCode:
    def test_right_code_opens_for_this_session(self, send_outside: Send) -> None:
        issued = send_outside()
        session: dict[str, Any] = {}
        assert issued.code is not None
        link = actions.enter_code(token=issued.token, code=issued.code, session=session)
        assert actions.link_in_session(issued.token, session).pk == link.pk
        with pytest.raises(PermissionDenied):
            actions.link_in_session(issued.token, {})

    def test_tampered_token(self, send_outside: Send) -> None:
        issued = send_outside()
        assert issued.code is not None
        with pytest.raises(OutsideLink.DoesNotExist):
            actions.enter_code(token=issued.token + "x", code=issued.code, session={})

    def test_other_disclosures_session_does_not_open_this_one(self, send_outside: Send) -> None:
        first, second = send_outside(), send_outside(message="A second disclosure.")
        session: dict[str, Any] = {}
        assert first.code is not None
        actions.enter_code(token=first.token, code=first.code, session=session)
        with pytest.raises(PermissionDenied):
            actions.link_in_session(second.token, session)

    def test_locks_at_5_wrong_codes_and_tells_the_sender(
        self, send_outside: Send, practitioner: User
    ) -> None:
        practitioner.email = "sender@school.example"
        practitioner.save()
        issued = send_outside()
        with mock.patch("safeshare.messaging.outbox._deliver_after_commit_if_asked"):
            for attempt in range(1, MAX_WRONG_CODES):
                with pytest.raises(actions.WrongCode) as wrong:
                    actions.enter_code(token=issued.token, code=_wrong(issued), session={})
                assert wrong.value.remaining == MAX_WRONG_CODES - attempt
            with pytest.raises(actions.Unavailable, match="locked"):
                actions.enter_code(token=issued.token, code=_wrong(issued), session={})
        link = OutsideLink.objects.get(pk=issued.link.pk)
        assert link.wrong_codes == MAX_WRONG_CODES and link.is_locked
        # The right code no longer opens it, and no sixth try is counted.
        assert issued.code is not None
        with pytest.raises(actions.Unavailable):
            actions.enter_code(token=issued.token, code=issued.code, session={})
        assert OutsideLink.objects.get(pk=issued.link.pk).wrong_codes == MAX_WRONG_CODES
        assert _events().count("outside.code.wrong") == MAX_WRONG_CODES
        assert "outside.link.locked" in _events()
        told = OutgoingMessage.objects.get(app="outside", kind="locked")
        assert told.recipient == "sender@school.example"
        assert told.path == f"/disclosures/{issued.disclosure.pk}/sent/"

    def test_expired_link_refuses_the_right_code(self, send_outside: Send) -> None:
        issued = send_outside()
        later = timezone.now() + datetime.timedelta(days=15)
        assert issued.code is not None
        with (
            mock.patch.object(timezone, "now", lambda: later),
            pytest.raises(actions.Unavailable, match="expired"),
        ):
            actions.enter_code(token=issued.token, code=issued.code, session={})

    def test_revoked_refuses_the_right_code(self, send_outside: Send, practitioner: User) -> None:
        issued = send_outside()
        disclosure_actions.revoke(
            actor=practitioner, disclosure=issued.disclosure, reason="Wrong team"
        )
        assert issued.code is not None
        with pytest.raises(actions.Unavailable, match="revoked"):
            actions.enter_code(token=issued.token, code=issued.code, session={})

    def test_sender_records_phoning_the_code_once(
        self, send_outside: Send, practitioner: User
    ) -> None:
        issued = send_outside()
        link = actions.record_code_phoned(actor=practitioner, link=issued.link)
        assert link.code_phoned_by == practitioner
        assert "outside.code.phoned" in _events()
        with pytest.raises(actions.OutsideError):
            actions.record_code_phoned(actor=practitioner, link=issued.link)


class TestOpenAndAcknowledge:
    def test_opened_once_and_acknowledged_once(self, send_outside: Send) -> None:
        issued = send_outside()
        link = actions.record_opened(link=issued.link)
        actions.record_opened(link=link)
        assert link.opened_at is not None
        link, first = actions.acknowledge(link=link)
        link, second = actions.acknowledge(link=link)
        assert first and not second
        assert _events().count("outside.disclosure.opened") == 1
        assert _events().count("outside.disclosure.acknowledged") == 1
