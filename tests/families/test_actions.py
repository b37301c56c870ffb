"""Recording later: a decision that did not tell the family is on the list; "told on ..."
is written once with its ledger entry and takes it off the list; a review keeps it on with
the next review date; bad input names the field; a double submit is harmless; the database
refuses changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.families import actions
from safeshare.families.models import ClosedWhy, Review, Told, ToTell, WrittenOnce
from safeshare.families.queries import due_count, to_tell_for
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory
from tests.families.conftest import not_told

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _told(actor: User, decision: Decision, **changes: object) -> Told:
    values: dict[str, object] = {
        "told_on": TODAY(),
        "method": "in_person",
        "told_by": "Dana Lead, designated safeguarding lead",
        "what_was_said": "We shared the bruising concern with children's social care.",
    }
    values.update(changes)
    return actions.record_told(actor=actor, decision=decision, **values)  # type: ignore[arg-type]


def test_a_decision_without_telling_is_on_the_list_with_its_review_date(
    practitioner: User, manager: User, decision: Decision
) -> None:
    row = ToTell.objects.get(decision=decision)
    assert row.review_on == TODAY()
    assert list(to_tell_for(practitioner)) == [row]
    assert list(to_tell_for(manager)) == [row]
    assert due_count(practitioner) == 1


def test_told_and_drafts_are_not_on_the_list(practitioner: User, person: Person) -> None:
    DecisionFactory.create(started_by=practitioner, subject=person, share=True)  # a draft
    DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    assert ToTell.objects.count() == 0


def test_a_colleague_sees_only_their_own_and_an_outsider_nothing(
    practitioner: User, outsider: User, decision: Decision
) -> None:
    colleague = UserFactory.create(organisation=practitioner.organisation)
    assert list(to_tell_for(colleague)) == []
    assert list(to_tell_for(outsider)) == []


def test_told_is_recorded_once_with_its_ledger_entry(
    practitioner: User, decision: Decision
) -> None:
    told = _told(practitioner, decision)
    assert told.recorded_by == practitioner
    row = ToTell.objects.get(decision=decision)
    assert row.closed_at is not None and row.closed_why == ClosedWhy.TOLD
    assert list(to_tell_for(practitioner)) == []
    entry = Entry.objects.get(event_type="families.told.recorded")
    assert entry.object_id == str(told.pk)
    assert "Dana" not in str(entry.payload)
    # A double submit returns the first; a different record is refused.
    assert _told(practitioner, decision).pk == told.pk
    with pytest.raises(actions.AlreadyTold):
        _told(practitioner, decision, told_by="Someone else")
    assert Told.objects.count() == 1
    assert Entry.objects.filter(event_type="families.told.recorded").count() == 1
    assert verify_ledger().ok


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"told_on": None}, "told_on"),
        ({"told_on": datetime.date.today() + datetime.timedelta(days=1)}, "told_on"),
        ({"told_on": datetime.date(2000, 1, 1)}, "told_on"),
        ({"method": "pigeon"}, "method"),
        ({"told_by": "  "}, "told_by"),
        ({"what_was_said": "<b>hi</b>"}, "what_was_said"),
        ({"what_was_said": ""}, "what_was_said"),
    ],
)
def test_bad_input_names_the_field(
    practitioner: User, decision: Decision, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(actions.InvalidTelling) as refused:
        _told(practitioner, decision, **changes)
    assert refused.value.field == field
    assert Told.objects.count() == 0


def test_who_may_record(practitioner: User, manager: User, outsider: User, person: Person) -> None:
    decision = not_told(practitioner, person)
    ig_lead = UserFactory.create(organisation=practitioner.organisation, ig_lead=True)
    colleague = UserFactory.create(organisation=practitioner.organisation)
    for user in (ig_lead, colleague, outsider):
        with pytest.raises(PermissionDenied):
            _told(user, decision)
    # The manager may record for the organisation's decisions.
    assert _told(manager, decision).recorded_by == manager


def test_a_review_defers_to_the_next_date_and_is_an_event(
    practitioner: User, decision: Decision
) -> None:
    next_on = TODAY() + datetime.timedelta(days=28)
    review = actions.record_review(
        actor=practitioner,
        decision=decision,
        reason="prejudice",
        detail="The police enquiry is still open",
        next_review_on=next_on,
    )
    assert ToTell.objects.get(decision=decision).review_on == next_on
    assert due_count(practitioner) == 0
    assert Entry.objects.filter(event_type="families.review.deferred").count() == 1
    # Sent twice: one review.
    again = actions.record_review(
        actor=practitioner,
        decision=decision,
        reason="prejudice",
        detail="The police enquiry is still open",
        next_review_on=next_on,
    )
    assert again.pk == review.pk and Review.objects.count() == 1
    cases: list[tuple[dict[str, object], str]] = [
        ({"next_review_on": TODAY()}, "next_review_on"),
        ({"next_review_on": TODAY() + datetime.timedelta(days=400)}, "next_review_on"),
        ({"next_review_on": None}, "next_review_on"),
        ({"reason": "bored"}, "reason"),
        ({"detail": ""}, "detail"),
    ]
    for bad, field in cases:
        values = {"reason": "prejudice", "detail": "Open", "next_review_on": next_on, **bad}
        with pytest.raises(actions.InvalidTelling) as refused:
            actions.record_review(actor=practitioner, decision=decision, **values)  # type: ignore[arg-type]
        assert refused.value.field == field
    _told(practitioner, decision)
    with pytest.raises(actions.AlreadyTold):
        actions.record_review(
            actor=practitioner,
            decision=decision,
            reason="prejudice",
            detail="x",
            next_review_on=next_on,
        )
    assert verify_ledger().ok


def test_a_correction_takes_the_corrected_decisions_place(
    practitioner: User, decision: Decision
) -> None:
    draft = decision_actions.amend_decision(actor=practitioner, decision=decision)
    decision_actions.update_section(
        actor=practitioner,
        decision=draft,
        section="amendment",
        values={"amendment_reason": "Wrong recipient recorded"},
    )
    amended = decision_actions.finalise_decision(
        actor=practitioner, decision=Decision.objects.get(pk=draft.pk)
    )
    assert ToTell.objects.get(decision=decision).closed_why == ClosedWhy.CORRECTED
    assert [r.decision_id for r in to_tell_for(practitioner)] == [amended.pk]


def test_the_records_are_written_once(practitioner: User, decision: Decision) -> None:
    told = _told(practitioner, decision)
    with pytest.raises(WrittenOnce):
        told.save()
    with pytest.raises(WrittenOnce):
        told.delete()
    for statement in (
        "UPDATE families_told SET told_by = 'x'",
        "DELETE FROM families_told",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(statement)
