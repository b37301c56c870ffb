"""The consent register's actions: recording, two decisions relying on one entry, its
withdrawal flagging both and telling a disclosure's recipient, double submits, another
organisation refused, and history that is never changed or deleted."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction

from safeshare.accounts.models import User
from safeshare.consent import actions
from safeshare.consent.jobs import notify_reviews
from safeshare.consent.models import (
    ConsentEntry,
    ConsentEvent,
    ImmutableConsentError,
    Reliance,
    State,
)
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import ConsentStatus, Decision
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.consent.conftest import record
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.factories.disclosures import DisclosureFactory

pytestmark = pytest.mark.django_db


def _withdraw(actor: User, entry: ConsentEntry) -> actions.Withdrawn:
    return actions.withdraw_entry(
        actor=actor,
        entry=entry,
        by_kind="parental_responsibility",
        by_name="Kerry Morgan, mother",
        withdrawn_on=datetime.date.today(),
        method="phone",
        reason="She no longer wants the early help team told. Reviewing the decisions.",
    )


def test_recording_an_entry_is_in_the_ledger_and_a_double_submit_records_one(
    practitioner: User, person: Person
) -> None:
    first = record(practitioner, person)
    second = record(practitioner, person)
    assert first.pk == second.pk
    assert ConsentEntry.objects.count() == 1
    assert Entry.objects.filter(event_type="consent.entry.recorded").count() == 1
    assert first.state() == State.GIVEN


def test_parental_responsibility_must_be_named(practitioner: User, person: Person) -> None:
    with pytest.raises(actions.InvalidConsent) as error:
        record(practitioner, person, given_by_name="")
    assert error.value.field == "given_by_name"


def test_another_organisation_cannot_record_or_withdraw(
    outsider: User, person: Person, entry: ConsentEntry
) -> None:
    with pytest.raises(PermissionDenied):
        record(outsider, person)
    with pytest.raises(PermissionDenied):
        _withdraw(outsider, entry)


def test_one_consent_serves_two_decisions_and_its_withdrawal_flags_both_and_tells_the_recipient(
    practitioner: User, person: Person, entry: ConsentEntry, django_capture_on_commit_callbacks: Any
) -> None:
    first = DecisionFactory.create(started_by=practitioner, subject=person, share_with_consent=True)
    second = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True
    )
    actions.rely_on_entry(actor=practitioner, decision=first, entry=entry)
    # A double submit relies once.
    actions.rely_on_entry(actor=practitioner, decision=first, entry=entry)
    actions.rely_on_entry(actor=practitioner, decision=second, entry=entry)
    assert Reliance.objects.filter(entry=entry).count() == 2
    first = Decision.objects.get(pk=first.pk)
    assert first.consent_from == "Kerry Morgan, mother (parental responsibility)"
    assert first.consent_asked_on == entry.obtained_on
    first = decision_actions.finalise_decision(actor=practitioner, decision=first)
    recipient = UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Early Help"),
        username="recipient",
        email="recipient@early-help.example",
    )
    disclosure = DisclosureFactory.create(decision=first, recipient=recipient, message="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = _withdraw(practitioner, entry)
    assert [m.to for m in mail.outbox] == [["recipient@early-help.example"]]
    # It is the recording organisation's message: a failure is its administrator's.
    from safeshare.messaging.models import OutgoingMessage

    told = OutgoingMessage.objects.get(kind="consent_withdrawn")
    assert told.organisation_id == practitioner.organisation_id != recipient.organisation_id
    assert [d.pk for d in result.finalised] == [first.pk]
    assert [d.pk for d in result.drafts] == [second.pk]
    assert [d.pk for d in result.disclosures] == [disclosure.pk]
    # The finalised decision carries decisions' own withdrawal (its flag and prompt).
    assert Decision.objects.get(pk=first.pk).withdrawal is not None
    # The draft's consent section says so.
    assert Decision.objects.get(pk=second.pk).consent_status == ConsentStatus.WITHDRAWN
    assert ConsentEntry.objects.get(pk=entry.pk).state() == State.WITHDRAWN
    assert Entry.objects.filter(event_type="consent.entry.withdrawn").count() == 1
    assert Entry.objects.filter(event_type="decisions.consent.withdrawn").count() == 1


def test_withdrawing_twice_records_one_withdrawal(practitioner: User, entry: ConsentEntry) -> None:
    first = _withdraw(practitioner, entry)
    second = _withdraw(practitioner, ConsentEntry.objects.get(pk=entry.pk))
    assert second.repeated and second.event.pk == first.event.pk
    assert ConsentEvent.objects.filter(entry=entry).count() == 1


def test_a_withdrawn_entry_cannot_be_relied_on(
    practitioner: User, entry: ConsentEntry, draft_with_consent: Decision
) -> None:
    _withdraw(practitioner, entry)
    with pytest.raises(PermissionDenied):
        actions.rely_on_entry(
            actor=practitioner,
            decision=draft_with_consent,
            entry=ConsentEntry.objects.get(pk=entry.pk),
        )


def test_history_is_kept_the_models_and_the_database_refuse_changes(
    practitioner: User, entry: ConsentEntry, draft_with_consent: Decision
) -> None:
    actions.rely_on_entry(actor=practitioner, decision=draft_with_consent, entry=entry)
    event = actions.review_entry(
        actor=practitioner, entry=entry, reviewed_on=datetime.date.today(), note="Still agreed"
    )
    with pytest.raises(ImmutableConsentError):
        entry.save()
    with pytest.raises(ImmutableConsentError):
        event.delete()
    for table in ("consent_consententry", "consent_consentevent", "consent_reliance"):
        for sql in (f"UPDATE {table} SET recorded_at = recorded_at", f"DELETE FROM {table}"):
            with (
                pytest.raises((DatabaseError, IntegrityError)),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
    # Discarding the draft leaves the reliance that it once relied on this consent.
    decision_actions.discard_draft(actor=practitioner, decision=draft_with_consent)
    assert Reliance.objects.filter(entry=entry).count() == 1


def test_the_recorder_is_told_once_when_the_review_date_comes(
    practitioner: User, person: Person
) -> None:
    today = datetime.date.today()
    record(
        practitioner,
        person,
        obtained_on=today - datetime.timedelta(days=30),
        review_on=today,
    )
    now = datetime.datetime.now(datetime.UTC)
    assert notify_reviews(now=now) == 1
    assert notify_reviews(now=now) == 0


def test_an_amendment_carries_the_consent_and_a_later_withdrawal_reaches_it(
    practitioner: User, person: Person, entry: ConsentEntry
) -> None:
    original = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True
    )
    actions.rely_on_entry(actor=practitioner, decision=original, entry=entry)
    original = decision_actions.finalise_decision(
        actor=practitioner, decision=Decision.objects.get(pk=original.pk)
    )
    amendment = decision_actions.amend_decision(actor=practitioner, decision=original)
    carried = Reliance.objects.get(decision_id=amendment.pk)
    assert carried.entry_id == entry.pk and carried.recorded_by == practitioner
    logged = Entry.objects.filter(event_type="consent.reliance.recorded").order_by("-sequence")[0]
    assert logged.payload["carried_from"] == str(original.pk)
    result = _withdraw(practitioner, entry)
    assert [d.pk for d in result.drafts] == [amendment.pk]
    assert [d.pk for d in result.finalised] == [original.pk]


def test_a_draft_of_a_decision_that_relied_on_no_entry_carries_nothing(
    practitioner: User, person: Person
) -> None:
    original = decision_actions.finalise_decision(
        actor=practitioner,
        decision=DecisionFactory.create(started_by=practitioner, subject=person, share=True),
    )
    amendment = decision_actions.amend_decision(actor=practitioner, decision=original)
    assert not Reliance.objects.filter(decision_id=amendment.pk).exists()
