from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from safeshare.accounts.models import User
from safeshare.decisions import actions, flow, queries
from safeshare.decisions.flow import AnswerError
from safeshare.decisions.models import (
    Decision,
    DecisionStatus,
    FinalisedRecordError,
    InformationItem,
)
from safeshare.subjects.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.factories.decisions import ANSWERS, DecisionFactory, about

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("outcome", sorted(ANSWERS))
def test_every_kind_of_decision_can_be_recorded(
    practitioner: User, person: Person, outcome: str
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, leads_to=outcome, finalised=True
    )
    assert decision.status == DecisionStatus.FINALISED
    assert decision.outcome == outcome
    assert decision.reasons and all(r["citation"] for r in decision.reasons)
    assert decision.policy_id == "hmg-2024"
    assert len(decision.policy_sha256) == 64
    assert decision.decided_by == practitioner
    assert decision.recorded_by == practitioner
    assert list(decision.subjects.all()) == [person]
    assert decision.explanation["answered"][0]["question"].startswith(
        "Is a child at immediate risk"
    )


def test_a_decision_can_be_recorded_for_someone_else(practitioner: User, person: Person) -> None:
    lead = UserFactory.create(organisation=practitioner.organisation, manager=True)
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True
    )
    decision = actions.finalise_decision(actor=practitioner, decision=decision, decided_by=lead)
    assert decision.decided_by == lead
    assert decision.recorded_by == practitioner


def test_the_decision_maker_must_be_in_the_same_organisation(
    practitioner: User, outsider: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True
    )
    with pytest.raises(PermissionDenied):
        actions.finalise_decision(actor=practitioner, decision=decision, decided_by=outsider)


def test_it_will_not_finalise_an_incomplete_record_and_says_what_is_missing(
    practitioner: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    with pytest.raises(actions.DecisionIncomplete) as incomplete:
        actions.finalise_decision(actor=practitioner, decision=decision)
    messages = [p.message for p in incomplete.value.problems]
    assert "Enter the purpose of sharing" in messages
    assert "Answer the guided questions" in messages
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.DRAFT


def test_a_bad_answer_names_the_question_and_changes_nothing(
    practitioner: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    with pytest.raises(AnswerError) as error:
        actions.answer_question(
            actor=practitioner, decision=decision, question_id="immediate_risk", submitted="maybe"
        )
    assert error.value.key == "immediate_risk"
    assert Decision.objects.get(pk=decision.pk).answers == decision.answers


def test_a_page_cannot_change_fields_that_are_not_on_it(practitioner: User, person: Person) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    with pytest.raises(ValueError, match="Fields not on the consent page"):
        actions.update_section(
            actor=practitioner, decision=decision, section="consent", values={"outcome": "share"}
        )


def test_it_refuses_a_person_from_another_organisation(outsider: User, person: Person) -> None:
    with pytest.raises(PermissionDenied):
        actions.start_decision(actor=outsider, subject=person)
    assert not Decision.objects.exists()


def test_subjects_must_belong_to_the_organisation(practitioner: User, person: Person) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    stranger = PersonFactory.create()
    with pytest.raises(PermissionDenied):
        actions.set_subjects(actor=practitioner, decision=decision, people=[person, stranger])
    assert list(decision.subjects.all()) == [person]


def test_a_decision_can_cover_a_child_and_family_members(
    practitioner: User, person: Person
) -> None:
    mother = PersonFactory.create(
        organisation=person.organisation, given_names="Kerry", family_name="Morgan", kind="adult"
    )
    decision = actions.start_decision(actor=practitioner, subject=person)
    actions.set_subjects(actor=practitioner, decision=decision, people=[person, mother])
    assert set(decision.subjects.all()) == {person, mother}


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


def test_an_item_can_only_be_about_the_decisions_subjects(
    practitioner: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    other = PersonFactory.create(organisation=person.organisation)
    with pytest.raises(PermissionDenied):
        actions.save_item(
            actor=practitioner,
            decision=decision,
            values={
                "text": "x",
                "nature": "fact",
                "currency": "current",
                "source": "s",
                "about": other,
            },
        )
    assert not InformationItem.objects.exists()


class TestAmendments:
    def test_an_amendment_supersedes_and_both_stay(
        self, practitioner: User, person: Person
    ) -> None:
        original = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        draft = actions.amend_decision(actor=practitioner, decision=original)
        assert draft.supersedes == original
        assert draft.status == DecisionStatus.DRAFT
        assert draft.items.count() == original.items.count() == 1
        with pytest.raises(
            actions.DecisionIncomplete, match="Enter why the earlier decision is being corrected"
        ):
            actions.finalise_decision(actor=practitioner, decision=draft)
        actions.update_section(
            actor=practitioner,
            decision=draft,
            section="amendment",
            values={"amendment_reason": "Wrong recipient recorded"},
        )
        amended = actions.finalise_decision(
            actor=practitioner, decision=Decision.objects.get(pk=draft.pk)
        )
        original.refresh_from_db()
        assert original.status == DecisionStatus.FINALISED
        assert list(original.amendments.all()) == [amended]

    def test_a_refusal_is_reconsidered_with_new_information(
        self, practitioner: User, person: Person
    ) -> None:
        refusal = DecisionFactory.create(
            started_by=practitioner,
            subject=person,
            do_not_share=True,
            requested=True,
            finalised=True,
        )
        draft = actions.reconsider_decision(
            actor=practitioner, decision=refusal, new_information="Section 47 enquiry opened"
        )
        assert draft.reconsiders == refusal
        # Asked again: only the answers taken from the record remain.
        assert not flow.asked(draft.answers)
        assert draft.kind == "request"
        for question_id, value in ANSWERS["share_with_consent"]:
            draft = actions.answer_question(
                actor=practitioner, decision=draft, question_id=question_id, submitted=value
            )
        assert queries.current_outcome(draft) == "share_with_consent"

    def test_only_a_refusal_can_be_reconsidered(self, practitioner: User, person: Person) -> None:
        shared = DecisionFactory.create(
            started_by=practitioner, subject=person, share=True, finalised=True
        )
        with pytest.raises(ValueError):
            actions.reconsider_decision(actor=practitioner, decision=shared, new_information="x")


class TestAFinalisedDecisionNeverChanges:
    def test_through_the_actions(self, practitioner: User, person: Person) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        with pytest.raises(FinalisedRecordError):
            actions.answer_question(
                actor=practitioner, decision=decision, question_id="consent", submitted="refused"
            )
        with pytest.raises(FinalisedRecordError):
            actions.update_section(
                actor=practitioner, decision=decision, section="about", values=about()
            )
        with pytest.raises(FinalisedRecordError):
            actions.finalise_decision(actor=practitioner, decision=decision)
        with pytest.raises(FinalisedRecordError):
            actions.remove_item(actor=practitioner, decision=decision, item=decision.items.get())
        with pytest.raises(FinalisedRecordError):
            actions.discard_draft(actor=practitioner, decision=decision)

    def test_through_the_model(self, practitioner: User, person: Person) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        decision.outcome = "do_not_share"
        with pytest.raises(FinalisedRecordError):
            decision.save()
        with pytest.raises(FinalisedRecordError):
            decision.delete()

    def test_through_a_queryset_update_or_delete(self, practitioner: User, person: Person) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).update(outcome="do_not_share")
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).delete()
        assert Decision.objects.get(pk=decision.pk).outcome == "share_with_consent"

    def test_through_raw_sql(self, practitioner: User, person: Person) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        key = decision.pk.hex if connection.vendor == "sqlite" else decision.pk
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Decision._meta.db_table} SET purpose = %s WHERE id = %s", ["edited", key]
            )
        assert (
            Decision.objects.get(pk=decision.pk).purpose == "Early help assessment for the family"
        )

    def test_its_items_cannot_be_changed(self, practitioner: User, person: Person) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            InformationItem.objects.filter(decision=decision).update(text="edited")
        with pytest.raises(IntegrityError), transaction.atomic():
            InformationItem.objects.filter(decision=decision).delete()
        with pytest.raises(IntegrityError), transaction.atomic():
            InformationItem.objects.create(
                decision=decision, text="added", nature="fact", currency="current", source="x"
            )
        assert decision.items.get().text.startswith("Lily arrived")

    def test_its_subjects_cannot_be_changed(self, practitioner: User, person: Person) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            decision.subjects.add(PersonFactory.create(organisation=person.organisation))
        with pytest.raises(IntegrityError), transaction.atomic():
            decision.subjects.clear()
        assert list(decision.subjects.all()) == [person]

    def test_a_draft_can_still_change(self, practitioner: User, person: Person) -> None:
        decision = actions.start_decision(actor=practitioner, subject=person)
        Decision.objects.filter(pk=decision.pk).update(purpose="draft purpose")
        assert Decision.objects.get(pk=decision.pk).purpose == "draft purpose"
        actions.discard_draft(actor=practitioner, decision=decision)
        assert not Decision.objects.filter(pk=decision.pk).exists()
