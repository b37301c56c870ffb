from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from safeshare.accounts.models import User
from safeshare.decisions import actions
from safeshare.decisions.flow import AnswerError
from safeshare.decisions.models import Decision, DecisionStatus, FinalisedRecordError
from safeshare.subjects.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

CONSENT_GIVEN = [
    ("immediate_risk", "no"),
    ("legitimate_purpose", "yes"),
    ("identifiable", "yes"),
    ("consent", "given"),
]


def decide(user: User, person: Person, answers: list[tuple[str, str]] = CONSENT_GIVEN) -> Decision:
    decision = actions.start_decision(actor=user, subject=person)
    decision = actions.set_purpose(actor=user, decision=decision, purpose="Early help assessment")
    for question_id, value in answers:
        decision = actions.answer_question(
            actor=user, decision=decision, question_id=question_id, submitted=value
        )
    return actions.finalise_decision(actor=user, decision=decision)


def test_it_records_the_outcome_reasons_and_policy(practitioner: User, person: Person) -> None:
    decision = decide(practitioner, person)
    assert decision.status == DecisionStatus.FINALISED
    assert decision.outcome == "share_with_consent"
    assert decision.reasons and all(r["citation"] for r in decision.reasons)
    assert decision.policy_id == "hmg-2024"
    assert len(decision.policy_sha256) == 64
    assert decision.decided_by == practitioner
    assert list(decision.subjects.all()) == [person]
    assert decision.explanation["answered"][0]["question"].startswith(
        "Is a child at immediate risk"
    )


def test_immediate_risk_is_recorded_as_share_urgently(practitioner: User, person: Person) -> None:
    decision = decide(practitioner, person, [("immediate_risk", "yes")])
    assert decision.outcome == "share_urgently"


def test_it_will_not_finalise_before_the_questions_lead_to_an_outcome(
    practitioner: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    decision = actions.set_purpose(
        actor=practitioner, decision=decision, purpose="Section 47 enquiry"
    )
    with pytest.raises(actions.DecisionIncomplete):
        actions.finalise_decision(actor=practitioner, decision=decision)
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.DRAFT


def test_it_needs_a_purpose(practitioner: User, person: Person) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    actions.answer_question(
        actor=practitioner, decision=decision, question_id="immediate_risk", submitted="yes"
    )
    with pytest.raises(actions.DecisionIncomplete, match="Enter the purpose of sharing"):
        actions.finalise_decision(actor=practitioner, decision=Decision.objects.get(pk=decision.pk))


def test_a_bad_answer_names_the_question_and_changes_nothing(
    practitioner: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    with pytest.raises(AnswerError) as error:
        actions.answer_question(
            actor=practitioner, decision=decision, question_id="immediate_risk", submitted="maybe"
        )
    assert error.value.key == "immediate_risk"
    assert Decision.objects.get(pk=decision.pk).answers == {}


def test_it_refuses_a_person_from_another_organisation(outsider: User, person: Person) -> None:
    with pytest.raises(PermissionDenied):
        actions.start_decision(actor=outsider, subject=person)
    assert not Decision.objects.exists()


def test_another_organisation_cannot_answer_a_draft(
    practitioner: User, outsider: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    with pytest.raises(PermissionDenied):
        actions.answer_question(
            actor=outsider, decision=decision, question_id="immediate_risk", submitted="yes"
        )


def test_an_auditor_cannot_record_decisions(person: Person) -> None:
    auditor = UserFactory.create(organisation=person.organisation, auditor=True)
    with pytest.raises(PermissionDenied):
        actions.start_decision(actor=auditor, subject=person)


class TestAFinalisedDecisionNeverChanges:
    def test_through_the_actions(self, practitioner: User, person: Person) -> None:
        decision = decide(practitioner, person)
        with pytest.raises(FinalisedRecordError):
            actions.answer_question(
                actor=practitioner, decision=decision, question_id="consent", submitted="refused"
            )
        with pytest.raises(FinalisedRecordError):
            actions.set_purpose(actor=practitioner, decision=decision, purpose="changed")
        with pytest.raises(FinalisedRecordError):
            actions.finalise_decision(actor=practitioner, decision=decision)

    def test_through_the_model(self, practitioner: User, person: Person) -> None:
        decision = decide(practitioner, person)
        decision.outcome = "do_not_share"
        with pytest.raises(FinalisedRecordError):
            decision.save()
        with pytest.raises(FinalisedRecordError):
            decision.delete()

    def test_through_a_queryset_update_or_delete(self, practitioner: User, person: Person) -> None:
        decision = decide(practitioner, person)
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).update(outcome="do_not_share")
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).delete()
        assert Decision.objects.get(pk=decision.pk).outcome == "share_with_consent"

    def test_through_raw_sql(self, practitioner: User, person: Person) -> None:
        decision = decide(practitioner, person)
        table = Decision._meta.db_table
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET purpose = %s WHERE id = %s",
                ["edited", decision.pk.hex if connection.vendor == "sqlite" else decision.pk],
            )
        assert Decision.objects.get(pk=decision.pk).purpose == "Early help assessment"

    def test_its_subjects_cannot_be_changed(self, practitioner: User, person: Person) -> None:
        decision = decide(practitioner, person)
        with pytest.raises(IntegrityError), transaction.atomic():
            decision.subjects.add(PersonFactory.create(organisation=person.organisation))
        with pytest.raises(IntegrityError), transaction.atomic():
            decision.subjects.clear()
        assert list(decision.subjects.all()) == [person]

    def test_a_draft_can_still_change(self, practitioner: User, person: Person) -> None:
        decision = actions.start_decision(actor=practitioner, subject=person)
        Decision.objects.filter(pk=decision.pk).update(purpose="draft purpose")
        assert Decision.objects.get(pk=decision.pk).purpose == "draft purpose"
