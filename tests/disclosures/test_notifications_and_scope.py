"""Emails carry a link only; the queries are the one place that decides who sees what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import Organisation, Role, User
from safeshare.decisions.models import Decision
from safeshare.disclosures import actions, queries
from safeshare.disclosures.models import Disclosure
from tests.factories import UserFactory
from tests.factories.disclosures import DisclosureFactory

pytestmark = pytest.mark.django_db


class TestNotifications:
    def test_the_recipient_gets_a_link_and_nothing_personal(
        self, send: Callable[..., Disclosure], django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            disclosure = send()
        [message] = mail.outbox
        assert message.to == ["tom.barker@csc.example"]
        assert f"/disclosures/{disclosure.pk}/" in message.body
        text = f"{message.subject} {message.body}"
        for personal in [
            "Lily",
            "Morgan",
            "Tom",
            "Barker",
            "Early help",
            "strategy discussion",
            "bruise",
            "Riverside",
            disclosure.reference,
        ]:
            assert personal not in text, personal

    def test_revoking_tells_the_recipient_without_details(
        self,
        disclosure: Disclosure,
        practitioner: User,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            actions.revoke(actor=practitioner, disclosure=disclosure, reason="Wrong Lily Morgan")
        [message] = mail.outbox
        assert "withdrawn" in message.subject
        assert "Lily" not in message.body and "Wrong" not in message.body
        assert str(disclosure.pk) not in message.body  # the link is to the list

    def test_nothing_is_sent_when_the_transaction_rolls_back(
        self, send: Callable[..., Disclosure], django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    send()
                    raise RuntimeError("something later failed")
            except RuntimeError:
                pass
        assert callbacks == [] and mail.outbox == []
        assert not Disclosure.objects.exists()

    def test_no_email_address_no_email(
        self,
        send: Callable[..., Disclosure],
        recipient: User,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        recipient.email = ""
        recipient.save()
        with django_capture_on_commit_callbacks(execute=True):
            send()
        assert mail.outbox == []


class TestScope:
    def test_sent_by_is_the_sending_organisations_case_roles(
        self, disclosure: Disclosure, organisation: Organisation, recipient: User, outsider: User
    ) -> None:
        for role in (Role.PRACTITIONER, Role.MANAGER, Role.IG_LEAD):
            user = UserFactory.create(organisation=organisation, role=role)
            assert list(queries.disclosures_sent_by(user)) == [disclosure]
            assert queries.get_disclosure_for_sender(user, disclosure.pk) == disclosure
        for user in (
            UserFactory.create(organisation=organisation, role=Role.AUDITOR),
            recipient,
            outsider,
        ):
            assert not queries.disclosures_sent_by(user).exists()
            with pytest.raises(Http404):
                queries.get_disclosure_for_sender(user, disclosure.pk)

    def test_received_is_the_named_recipient_only(
        self, disclosure: Disclosure, recipient: User, practitioner: User
    ) -> None:
        colleague = UserFactory.create(organisation=recipient.organisation, manager=True)
        assert list(queries.disclosures_received(recipient)) == [disclosure]
        assert queries.get_disclosure_for_recipient(recipient, disclosure.pk) == disclosure
        for user in (colleague, practitioner):
            assert not queries.disclosures_received(user).exists()
            with pytest.raises(Http404):
                queries.get_disclosure_for_recipient(user, disclosure.pk)

    def test_revoked_and_expired_stay_listed_but_cannot_be_opened(
        self,
        send: Callable[..., Disclosure],
        decision: Decision,
        recipient: User,
        advance_clock: Callable[[int], None],
    ) -> None:
        revoked = DisclosureFactory.create(
            decision=decision, recipient=recipient, revoked=True, revoke_reason="Sent in error"
        )
        expiring = send(expires_on=timezone.localdate())
        assert queries.unopened_count(recipient) == 1
        advance_clock(1)
        assert set(queries.disclosures_received(recipient)) == {revoked, expiring}
        for disclosure in (revoked, expiring):
            with pytest.raises(Http404):
                queries.get_disclosure_for_recipient(recipient, disclosure.pk)
        assert queries.unopened_count(recipient) == 0

    def test_a_recipient_who_moved_or_lost_their_case_role_sees_nothing(
        self, disclosure: Disclosure, recipient: User, outsider: User
    ) -> None:
        recipient.organisation = outsider.organisation
        recipient.save()
        assert not queries.disclosures_received(recipient).exists()
        recipient.role = Role.AUDITOR
        assert not queries.disclosures_received(recipient).exists()

    def test_bad_ids_are_not_found(self, recipient: User, practitioner: User) -> None:
        for user, get in (
            (recipient, queries.get_disclosure_for_recipient),
            (practitioner, queries.get_disclosure_for_sender),
        ):
            for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
                with pytest.raises(Http404):
                    get(user, bad)
