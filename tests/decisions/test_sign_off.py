"""Sign-off before a decision is final, and review after the event (decisions/signoff.py),
under the shipped policies' `sign_off` rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.core.workdays import LONDON, add_working_days
from safeshare.decisions import actions, permissions, signoff
from safeshare.decisions.jobs import remind_managers
from safeshare.decisions.models import (
    Decision,
    DecisionStatus,
    FinalisedRecordError,
    Review,
    SignOff,
    SignOffRecordError,
    SignOffResult,
)
from safeshare.disclosures import permissions as disclosure_permissions
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory
from tests.rules import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation: Organisation) -> User:
    return UserFactory.create(
        organisation=organisation,
        manager=True,
        first_name="Mira",
        last_name="Shah",
        email="mira@school.example",
    )


@pytest.fixture
def waiting(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(started_by=practitioner, subject=person, awaiting_sign_off=True)


def events(decision: Decision) -> list[str]:
    ids = [str(decision.pk), *(str(s.pk) for s in SignOff.objects.filter(decision=decision))]
    review = Review.objects.filter(decision=decision).first()
    if review is not None:
        ids.append(str(review.pk))
    return list(
        Entry.objects.filter(object_id__in=ids)
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


class TestWaiting:
    def test_a_share_without_consent_waits_for_sign_off(self, waiting: Decision) -> None:
        assert waiting.status == DecisionStatus.AWAITING_SIGN_OFF
        assert waiting.outcome == "share_without_consent"
        assert waiting.decided_at is None
        sign_off = SignOff.objects.get(decision=waiting)
        assert sign_off.rule == "sign_off.before_final[0]"
        assert sign_off.result == ""
        assert events(waiting) == ["decisions.decision.sign_off_requested"]

    def test_a_decision_no_rule_covers_is_final_at_once(
        self, practitioner: User, person: Person
    ) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        assert decision.is_finalised
        assert not SignOff.objects.exists()

    def test_a_refusal_of_a_request_waits_and_one_on_own_initiative_does_not(
        self, practitioner: User, person: Person
    ) -> None:
        requested = DecisionFactory.create(
            started_by=practitioner,
            subject=person,
            do_not_share=True,
            requested=True,
            finalised=True,
            signed_off=False,
        )
        assert requested.is_awaiting_sign_off
        assert SignOff.objects.get(decision=requested).rule == "sign_off.before_final[1]"
        own = DecisionFactory.create(
            started_by=practitioner, subject=person, do_not_share=True, finalised=True
        )
        assert own.is_finalised

    def test_the_practitioner_cannot_change_it(self, practitioner: User, waiting: Decision) -> None:
        assert not permissions.can_edit_draft(practitioner, waiting)
        assert_refused(
            lambda: actions.update_section(
                actor=practitioner,
                decision=waiting,
                section="advice",
                values={"advice": "changed"},
            ),
            FinalisedRecordError,
        )
        assert_refused(
            lambda: actions.finalise_decision(actor=practitioner, decision=waiting),
            FinalisedRecordError,
        )

    def test_disclosures_do_not_see_it_as_finalised(
        self, practitioner: User, waiting: Decision
    ) -> None:
        assert not waiting.is_finalised
        assert not disclosure_permissions.can_send(practitioner, waiting)
        assert not permissions.can_amend(practitioner, waiting)
        assert not permissions.can_withdraw_consent(practitioner, waiting)


class TestApproving:
    def test_a_manager_approves_and_the_record_says_who_and_when(
        self, manager: User, waiting: Decision
    ) -> None:
        approved = signoff.approve(actor=manager, decision=waiting)
        assert approved.status == DecisionStatus.FINALISED
        assert approved.decided_at is not None
        sign_off = signoff.approval(approved)
        assert sign_off is not None
        assert sign_off.result == SignOffResult.APPROVED
        assert sign_off.resolved_by == manager
        assert sign_off.resolved_by_role == "Designated safeguarding lead"
        assert sign_off.resolved_at is not None
        assert events(approved) == [
            "decisions.decision.sign_off_requested",
            "decisions.decision.signed_off",
            "decisions.consent.recorded",
            "decisions.decision.finalised",
        ]
        assert verify_ledger().ok

    def test_a_second_approval_returns_the_same_and_writes_nothing(
        self, manager: User, waiting: Decision
    ) -> None:
        first = signoff.approve(actor=manager, decision=waiting)
        entries = Entry.objects.count()
        again = signoff.approve(actor=manager, decision=waiting)
        assert again.pk == first.pk and again.decided_at == first.decided_at
        assert Entry.objects.count() == entries

    def test_a_manager_cannot_sign_off_their_own_decision(self, person: Person) -> None:
        own_manager = UserFactory.create(organisation=person.organisation, manager=True)
        decision = DecisionFactory.create(
            started_by=own_manager, subject=person, awaiting_sign_off=True
        )
        assert not permissions.can_sign_off(own_manager, decision)
        assert_refused(
            lambda: signoff.approve(actor=own_manager, decision=decision), PermissionDenied
        )
        assert_refused(
            lambda: signoff.return_for_changes(
                actor=own_manager, decision=decision, reasons="Mine"
            ),
            PermissionDenied,
        )

    def test_a_manager_of_another_organisation_is_refused(
        self, other_organisation: Organisation, waiting: Decision
    ) -> None:
        elsewhere = UserFactory.create(organisation=other_organisation, manager=True)
        assert_refused(lambda: signoff.approve(actor=elsewhere, decision=waiting), PermissionDenied)

    @pytest.mark.parametrize("role", ["practitioner", "ig_lead"])
    def test_only_managers_sign_off(self, role: str, waiting: Decision) -> None:
        other = UserFactory.create(
            organisation=waiting.organisation, **({role: True} if role != "practitioner" else {})
        )
        assert_refused(lambda: signoff.approve(actor=other, decision=waiting), PermissionDenied)

    def test_one_open_sign_off_per_decision(self, waiting: Decision, practitioner: User) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            SignOff.objects.create(
                decision=waiting,
                organisation_id=waiting.organisation_id,
                rule="x",
                requested_by=practitioner,
                requested_at=timezone.now(),
            )

    def test_a_decided_sign_off_never_changes(self, manager: User, waiting: Decision) -> None:
        signoff.approve(actor=manager, decision=waiting)
        sign_off = SignOff.objects.get(decision=waiting)
        sign_off.resolved_by_role = "Someone else"
        with pytest.raises(SignOffRecordError):
            sign_off.save()
        with pytest.raises(SignOffRecordError):
            sign_off.delete()
        with pytest.raises(IntegrityError), transaction.atomic():
            SignOff.objects.filter(pk=sign_off.pk).update(resolved_by_role="Someone else")


class TestReturning:
    def test_reasons_are_required_and_named(self, manager: User, waiting: Decision) -> None:
        refused = assert_refused(
            lambda: signoff.return_for_changes(actor=manager, decision=waiting, reasons="  "),
            signoff.InvalidSignOff,
        )
        assert isinstance(refused, signoff.InvalidSignOff)
        assert refused.field == "reasons"
        assert refused.message == "Enter why you are returning the decision"

    def test_returned_it_is_a_draft_again_with_the_reasons(
        self, manager: User, practitioner: User, waiting: Decision
    ) -> None:
        draft = signoff.return_for_changes(
            actor=manager, decision=waiting, reasons="Record which lawful basis applies and why."
        )
        assert draft.status == DecisionStatus.DRAFT
        assert draft.outcome == "" and draft.decided_by_id is None
        assert permissions.can_edit_draft(practitioner, draft)
        returned = signoff.last_return(draft)
        assert returned is not None and returned.resolved_by == manager
        assert returned.return_reasons == "Record which lawful basis applies and why."
        assert events(draft)[-1] == "decisions.decision.returned"
        # A returned draft that was put to a manager is not thrown away.
        assert not permissions.can_discard(practitioner, draft)
        # Sent again, it waits again, on a new row; approved, it is final.
        again = actions.finalise_decision(actor=practitioner, decision=draft)
        assert again.is_awaiting_sign_off
        assert signoff.last_return(again) is None
        assert SignOff.objects.filter(decision=again).count() == 2
        assert signoff.approve(actor=manager, decision=again).is_finalised
        assert verify_ledger().ok

    def test_returning_twice_does_nothing_more(self, manager: User, waiting: Decision) -> None:
        signoff.return_for_changes(actor=manager, decision=waiting, reasons="Fix it")
        entries = Entry.objects.count()
        again = signoff.return_for_changes(actor=manager, decision=waiting, reasons="Fix it")
        assert again.status == DecisionStatus.DRAFT
        assert Entry.objects.count() == entries

    def test_an_approved_decision_cannot_be_returned(
        self, manager: User, waiting: Decision
    ) -> None:
        signoff.approve(actor=manager, decision=waiting)
        refused = assert_refused(
            lambda: signoff.return_for_changes(actor=manager, decision=waiting, reasons="Late"),
            signoff.InvalidSignOff,
        )
        assert refused.field == "decision"  # type: ignore[attr-defined]


class TestReviewAfterTheEvent:
    def test_an_urgent_share_is_final_with_a_review_due(
        self, practitioner: User, person: Person
    ) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_urgently=True, finalised=True
        )
        assert decision.is_finalised
        review = Review.objects.get(decision=decision)
        assert review.due_on == add_working_days(timezone.localdate(), 1)
        assert review.reviewed_at is None
        assert "decisions.decision.review_due" in events(decision)

    def test_a_manager_records_it_once(
        self, manager: User, practitioner: User, person: Person
    ) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_urgently=True, finalised=True
        )
        refused = assert_refused(
            lambda: signoff.record_review(actor=manager, decision=decision, notes=""),
            signoff.InvalidSignOff,
        )
        assert refused.field == "notes"  # type: ignore[attr-defined]
        assert_refused(
            lambda: signoff.record_review(actor=practitioner, decision=decision, notes="Fine"),
            PermissionDenied,
        )
        review = signoff.record_review(actor=manager, decision=decision, notes="Right to share.")
        assert review.reviewed_by == manager and review.notes == "Right to share."
        entries = Entry.objects.count()
        again = signoff.record_review(actor=manager, decision=decision, notes="Changed my mind")
        assert again.notes == "Right to share."
        assert Entry.objects.count() == entries
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.filter(pk=review.pk).update(notes="Changed")
        assert verify_ledger().ok


class TestReminders:
    def test_managers_are_reminded_once_after_a_working_day(
        self,
        manager: User,
        waiting: Decision,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        wednesday = datetime.datetime(2026, 11, 4, 10, 0, tzinfo=LONDON)
        SignOff.objects.filter(decision=waiting).update(requested_at=wednesday)
        with django_capture_on_commit_callbacks(execute=True):
            assert remind_managers(now=wednesday + datetime.timedelta(hours=12)) == 0
            assert remind_managers(now=wednesday + datetime.timedelta(days=1, hours=1)) == 1
            assert remind_managers(now=wednesday + datetime.timedelta(days=2)) == 0
        assert [m.to for m in mail.outbox] == [[manager.email]]
        names = [p.full_name for p in waiting.subjects.all()]
        assert not any(str(name) in str(mail.outbox[0].body) for name in names)
        assert str(waiting.pk) in mail.outbox[0].body

    def test_an_overdue_review_is_reminded_once(
        self,
        manager: User,
        practitioner: User,
        person: Person,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_urgently=True, finalised=True
        )
        due = Review.objects.get(decision=decision).due_on
        later = datetime.datetime.combine(
            due + datetime.timedelta(days=1), datetime.time(9), tzinfo=LONDON
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert remind_managers(now=later) == 1
            assert remind_managers(now=later) == 0
        assert [m.to for m in mail.outbox] == [[manager.email]]
