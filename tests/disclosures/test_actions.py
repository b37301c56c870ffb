"""Sending, opening, acknowledging and revoking: each through its action, with the
permission check, one transaction and its ledger entry."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeshare.accounts.models import Organisation, Role, User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.disclosures import actions
from safeshare.disclosures.actions import DisclosureError
from safeshare.disclosures.models import Disclosure, Receipt, Revocation, Status
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory

pytestmark = pytest.mark.django_db


def _entries(event: str) -> list[Entry]:
    return list(Entry.objects.filter(event_type=f"disclosures.disclosure.{event}"))


class TestSending:
    def test_sends_the_chosen_items_to_the_named_recipient(
        self, send: Callable[..., Disclosure], decision: Decision, recipient: User
    ) -> None:
        disclosure = send()
        assert disclosure.reference.startswith("DIS-")
        assert disclosure.recipient == recipient
        assert disclosure.recipient_organisation_id == recipient.organisation_id
        assert disclosure.organisation_id == decision.organisation_id
        assert list(disclosure.items.all()) == list(decision.items.all())
        assert disclosure.item_count == 1
        assert disclosure.sender_job_title == "Practitioner"
        assert disclosure.status() == Status.NEW
        assert disclosure.available_until == timezone.localdate() + datetime.timedelta(days=30)

    def test_appends_one_ledger_entry_with_ids_and_codes_only(
        self, send: Callable[..., Disclosure], decision: Decision, recipient: User
    ) -> None:
        disclosure = send()
        [entry] = _entries("sent")
        assert entry.object_type == "disclosures.disclosure"
        assert entry.object_id == str(disclosure.pk)
        assert entry.payload == {
            "disclosure": str(disclosure.pk),
            "reference": disclosure.reference,
            "decision": str(decision.pk),
            "recipient": str(recipient.pk),
            "recipient_organisation": str(recipient.organisation_id),
            "items": 1,
            "expires_on": disclosure.available_until.isoformat(),
        }
        assert "Lily" not in str(entry.payload) and "Barker" not in str(entry.payload)

    def test_one_decision_goes_to_several_recipients(
        self, send: Callable[..., Disclosure], recipient: User
    ) -> None:
        manager = UserFactory.create(organisation=recipient.organisation, manager=True)
        send()
        send(recipient=manager)
        assert Disclosure.objects.count() == 2
        assert len(_entries("sent")) == 2

    @pytest.mark.parametrize("role", [Role.IG_LEAD, Role.AUDITOR, Role.ADMINISTRATOR])
    def test_only_practitioners_and_managers_send(
        self, send: Callable[..., Disclosure], organisation: Organisation, role: Role
    ) -> None:
        actor = UserFactory.create(organisation=organisation, role=role)
        with pytest.raises(PermissionDenied):
            send(actor=actor)
        assert not Disclosure.objects.exists() and not _entries("sent")

    def test_another_organisation_cannot_send_the_decision(
        self, send: Callable[..., Disclosure], outsider: User
    ) -> None:
        with pytest.raises(PermissionDenied):
            send(actor=outsider)
        assert not Disclosure.objects.exists()

    @pytest.mark.parametrize("outcome", ["do_not_share", "seek_advice"])
    def test_a_decision_that_does_not_share_cannot_be_sent(
        self,
        send: Callable[..., Disclosure],
        practitioner: User,
        person: Person,
        outcome: str,
    ) -> None:
        with pytest.raises(PermissionDenied):
            send(
                decision=DecisionFactory.create(
                    started_by=practitioner, subject=person, leads_to=outcome, finalised=True
                ),
                items=[],
            )
        assert not Disclosure.objects.exists()

    def test_a_draft_cannot_be_sent(
        self, send: Callable[..., Disclosure], practitioner: User, person: Person
    ) -> None:
        draft = decision_actions.start_decision(actor=practitioner, subject=person)
        with pytest.raises(PermissionDenied):
            send(decision=draft, items=[])

    def test_a_corrected_decision_cannot_be_sent(
        self, send: Callable[..., Disclosure], practitioner: User, decision: Decision
    ) -> None:
        amendment = decision_actions.amend_decision(actor=practitioner, decision=decision)
        decision_actions.update_section(
            actor=practitioner,
            decision=amendment,
            section="amendment",
            values={"amendment_reason": "Wrong recipient recorded"},
        )
        decision_actions.finalise_decision(
            actor=practitioner, decision=Decision.objects.get(pk=amendment.pk)
        )
        with pytest.raises(PermissionDenied):
            send()

    def test_not_to_someone_in_the_sending_organisation(
        self, send: Callable[..., Disclosure], organisation: Organisation
    ) -> None:
        colleague = UserFactory.create(organisation=organisation)
        with pytest.raises(PermissionDenied):
            send(recipient=colleague)

    @pytest.mark.parametrize(
        "change",
        [
            {"is_active": False},
            {"role": Role.AUDITOR},
            {"role": Role.ADMINISTRATOR},
            {"organisation": None},
        ],
    )
    def test_only_to_an_active_user_with_a_case_role(
        self, send: Callable[..., Disclosure], recipient: User, change: dict[str, object]
    ) -> None:
        for name, value in change.items():
            setattr(recipient, name, value)
        recipient.save()
        with pytest.raises(PermissionDenied):
            send(recipient=recipient)
        assert not Disclosure.objects.exists()

    def test_at_least_one_item(self, send: Callable[..., Disclosure]) -> None:
        with pytest.raises(DisclosureError, match="at least one"):
            send(items=[])

    def test_only_items_of_this_decision_each_once(
        self,
        send: Callable[..., Disclosure],
        practitioner: User,
        person: Person,
        decision: Decision,
    ) -> None:
        other = DecisionFactory.create(
            started_by=practitioner, subject=person, share=True, finalised=True
        )
        with pytest.raises(DisclosureError):
            send(items=list(other.items.all()))
        with pytest.raises(DisclosureError):
            send(items=[*decision.items.all(), *decision.items.all()])
        assert not Disclosure.objects.exists()

    @pytest.mark.parametrize(
        ("days", "message"), [(-1, "today or in the future"), (91, "no more than 90 days")]
    )
    def test_expiry_from_today_to_90_days(
        self, send: Callable[..., Disclosure], days: int, message: str
    ) -> None:
        with pytest.raises(DisclosureError, match=message):
            send(expires_on=timezone.localdate() + datetime.timedelta(days=days))
        assert not Disclosure.objects.exists()

    @pytest.mark.parametrize("days", [0, 90])
    def test_expiry_today_and_at_90_days_are_allowed(
        self, send: Callable[..., Disclosure], days: int
    ) -> None:
        disclosure = send(expires_on=timezone.localdate() + datetime.timedelta(days=days))
        assert disclosure.is_available()

    @pytest.mark.parametrize("message", ["<b>bold</b>", "bell\x07"])
    def test_the_message_refuses_markup_and_control_characters(
        self, send: Callable[..., Disclosure], message: str
    ) -> None:
        with pytest.raises(Exception, match="Message must not contain"):
            send(message=message)
        assert not Disclosure.objects.exists()


class TestOpening:
    def test_the_first_view_writes_one_read_receipt_and_ledger_entry(
        self, disclosure: Disclosure, recipient: User
    ) -> None:
        receipt = actions.record_opened(actor=recipient, disclosure=disclosure)
        assert receipt is not None and receipt.kind == Receipt.Kind.OPENED
        assert actions.record_opened(actor=recipient, disclosure=disclosure) is None
        assert Receipt.objects.filter(disclosure=disclosure).count() == 1
        [entry] = _entries("opened")
        assert entry.payload == {
            "disclosure": str(disclosure.pk),
            "reference": disclosure.reference,
        }
        assert entry.actor_id == recipient.pk
        assert entry.organisation_id == recipient.organisation_id
        assert Disclosure.objects.get(pk=disclosure.pk).status() == Status.OPENED

    def test_nobody_else_opens_it(
        self, disclosure: Disclosure, recipient: User, practitioner: User, outsider: User
    ) -> None:
        colleague = UserFactory.create(organisation=recipient.organisation, manager=True)
        for user in (practitioner, outsider, colleague):
            with pytest.raises(PermissionDenied):
                actions.record_opened(actor=user, disclosure=disclosure)
        assert not Receipt.objects.exists() and not _entries("opened")

    def test_a_recipient_who_moved_organisation_cannot_open_it(
        self, disclosure: Disclosure, recipient: User, outsider: User
    ) -> None:
        recipient.organisation = outsider.organisation
        recipient.save()
        with pytest.raises(PermissionDenied):
            actions.record_opened(actor=recipient, disclosure=disclosure)


class TestAcknowledging:
    def test_once_with_a_ledger_entry(self, disclosure: Disclosure, recipient: User) -> None:
        receipt = actions.acknowledge(actor=recipient, disclosure=disclosure)
        assert receipt.kind == Receipt.Kind.ACKNOWLEDGED and receipt.by == recipient
        with pytest.raises(DisclosureError, match="already acknowledged"):
            actions.acknowledge(actor=recipient, disclosure=disclosure)
        assert len(_entries("acknowledged")) == 1
        assert Disclosure.objects.get(pk=disclosure.pk).status() == Status.ACKNOWLEDGED

    def test_only_by_the_recipient(
        self, disclosure: Disclosure, practitioner: User, outsider: User
    ) -> None:
        for user in (practitioner, outsider):
            with pytest.raises(PermissionDenied):
                actions.acknowledge(actor=user, disclosure=disclosure)
        assert not Receipt.objects.exists()

    def test_not_after_revocation(
        self, disclosure: Disclosure, recipient: User, practitioner: User
    ) -> None:
        actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent in error")
        with pytest.raises(PermissionDenied):
            actions.acknowledge(actor=recipient, disclosure=disclosure)
        assert not _entries("acknowledged")


class TestRevoking:
    @pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.IG_LEAD])
    def test_any_case_role_of_the_sending_organisation_revokes(
        self, disclosure: Disclosure, organisation: Organisation, role: Role
    ) -> None:
        actor = UserFactory.create(organisation=organisation, role=role)
        revocation = actions.revoke(actor=actor, disclosure=disclosure, reason="Sent in error")
        assert revocation.by == actor and revocation.reason == "Sent in error"
        [entry] = _entries("revoked")
        assert entry.object_type == "disclosures.revocation"
        assert entry.payload == {
            "disclosure": str(disclosure.pk),
            "reference": disclosure.reference,
        }
        found = Disclosure.objects.get(pk=disclosure.pk)
        assert found.status() == Status.REVOKED and not found.is_available()

    @pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR])
    def test_not_without_a_case_role(
        self, disclosure: Disclosure, organisation: Organisation, role: Role
    ) -> None:
        actor = UserFactory.create(organisation=organisation, role=role)
        with pytest.raises(PermissionDenied):
            actions.revoke(actor=actor, disclosure=disclosure, reason="x")

    def test_not_by_the_recipient_or_another_organisation(
        self, disclosure: Disclosure, recipient: User, outsider: User
    ) -> None:
        for user in (recipient, outsider):
            with pytest.raises(PermissionDenied):
                actions.revoke(actor=user, disclosure=disclosure, reason="x")
        assert not Revocation.objects.exists() and not _entries("revoked")

    def test_needs_a_reason(self, disclosure: Disclosure, practitioner: User) -> None:
        for reason in ("", "   "):
            with pytest.raises(DisclosureError, match="Enter why"):
                actions.revoke(actor=practitioner, disclosure=disclosure, reason=reason)
        assert not Revocation.objects.exists()

    def test_once(self, disclosure: Disclosure, practitioner: User) -> None:
        actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent in error")
        with pytest.raises(DisclosureError, match="already been revoked"):
            actions.revoke(actor=practitioner, disclosure=disclosure, reason="Again")
        assert Revocation.objects.count() == 1 and len(_entries("revoked")) == 1

    def test_not_once_expired(
        self,
        send: Callable[..., Disclosure],
        practitioner: User,
        advance_clock: Callable[[int], None],
    ) -> None:
        disclosure = send(expires_on=timezone.localdate())
        advance_clock(1)
        assert disclosure.status() == Status.EXPIRED
        with pytest.raises(DisclosureError, match="expired"):
            actions.revoke(actor=practitioner, disclosure=disclosure, reason="Too late")
        assert not Revocation.objects.exists()
