"""Each rule of decisions/permissions.py, enforced by the action itself: called directly as
the wrong actor or in the wrong state, it refuses and writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions
from safeshare.decisions.actions import DecisionIncomplete, InvalidWithdrawal
from safeshare.decisions.models import Decision, FinalisedRecordError
from safeshare.subjects.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.rules import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, username="colleague")


@pytest.fixture
def ig_lead(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, ig_lead=True, username="ig")


@pytest.fixture
def draft(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(started_by=practitioner, subject=person, share=True)


def test_only_a_practitioner_or_manager_starts_a_decision(ig_lead: User, person: Person) -> None:
    assert_refused(lambda: actions.start_decision(actor=ig_lead, subject=person), PermissionDenied)


def test_a_decision_is_about_your_own_organisations_people(
    practitioner: User, other_organisation: Organisation
) -> None:
    theirs = PersonFactory.create(organisation=other_organisation)
    assert_refused(
        lambda: actions.start_decision(actor=practitioner, subject=theirs), PermissionDenied
    )


def test_another_organisation_cannot_edit_a_draft(outsider: User, draft: Decision) -> None:
    assert_refused(
        lambda: actions.update_section(
            actor=outsider, decision=draft, section="advice", values={"advice": "x"}
        ),
        PermissionDenied,
    )
    assert_refused(
        lambda: actions.answer_question(
            actor=outsider, decision=draft, question_id="immediate_risk", submitted="yes"
        ),
        PermissionDenied,
    )


def test_an_ig_lead_cannot_edit_a_draft(ig_lead: User, draft: Decision) -> None:
    item = draft.items.get()
    assert_refused(
        lambda: actions.remove_item(actor=ig_lead, decision=draft, item=item), PermissionDenied
    )


def test_a_finalised_decision_cannot_be_edited(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert_refused(
        lambda: actions.update_section(
            actor=practitioner, decision=decision, section="advice", values={"advice": "x"}
        ),
        FinalisedRecordError,
    )


def test_only_the_person_who_started_a_draft_discards_it(
    colleague: User, practitioner: User, draft: Decision
) -> None:
    assert_refused(lambda: actions.discard_draft(actor=colleague, decision=draft), PermissionDenied)
    # The colleague may still carry it on.
    actions.update_section(
        actor=colleague, decision=draft, section="advice", values={"advice_sought": False}
    )
    actions.discard_draft(actor=practitioner, decision=draft)
    assert not Decision.objects.filter(pk=draft.pk).exists()


def test_a_finalised_decision_cannot_be_discarded(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert_refused(
        lambda: actions.discard_draft(actor=practitioner, decision=decision),
        FinalisedRecordError,
    )


@pytest.mark.parametrize("who", ["other organisation", "disabled", "auditor"])
def test_the_decision_maker_is_an_active_case_role_of_the_organisation(
    practitioner: User, outsider: User, organisation: Organisation, draft: Decision, who: str
) -> None:
    maker = {
        "other organisation": outsider,
        "disabled": UserFactory.create(organisation=organisation, is_active=False),
        "auditor": UserFactory.create(organisation=organisation, auditor=True),
    }[who]
    assert_refused(
        lambda: actions.finalise_decision(actor=practitioner, decision=draft, decided_by=maker),
        PermissionDenied,
    )


def test_an_incomplete_record_is_not_finalised(practitioner: User, person: Person) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    assert_refused(
        lambda: actions.finalise_decision(actor=practitioner, decision=decision),
        DecisionIncomplete,
    )


def test_another_organisation_cannot_amend(
    outsider: User, practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert_refused(
        lambda: actions.amend_decision(actor=outsider, decision=decision), PermissionDenied
    )


def test_an_ig_lead_cannot_amend(ig_lead: User, practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert_refused(
        lambda: actions.amend_decision(actor=ig_lead, decision=decision), PermissionDenied
    )


def test_a_draft_is_not_amended(practitioner: User, draft: Decision) -> None:
    assert_refused(lambda: actions.amend_decision(actor=practitioner, decision=draft), ValueError)


def test_only_a_decision_not_to_share_is_reconsidered(practitioner: User, person: Person) -> None:
    shared = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert_refused(
        lambda: actions.reconsider_decision(
            actor=practitioner, decision=shared, new_information="New"
        ),
        ValueError,
    )


def test_another_organisation_cannot_reconsider(
    outsider: User, practitioner: User, person: Person
) -> None:
    refusal = DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    assert_refused(
        lambda: actions.reconsider_decision(actor=outsider, decision=refusal, new_information="x"),
        PermissionDenied,
    )


def _withdraw(actor: User, decision: Decision) -> object:
    return actions.record_consent_withdrawal(
        actor=actor,
        decision=decision,
        withdrawn_on=timezone.localdate(),
        method="phone",
        next_steps="Stop sharing; tell the early help team.",
        withdrawn_by_name="Kerry Morgan, mother",
    )


def test_another_organisation_cannot_record_a_consent_withdrawal(
    outsider: User, practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    assert_refused(lambda: _withdraw(outsider, decision), PermissionDenied)


def test_an_auditor_cannot_record_a_consent_withdrawal(
    organisation: Organisation, practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    auditor = UserFactory.create(organisation=organisation, auditor=True)
    assert_refused(lambda: _withdraw(auditor, decision), PermissionDenied)


def test_consent_is_withdrawn_only_where_it_was_given(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_without_consent=True, finalised=True
    )
    assert_refused(lambda: _withdraw(practitioner, decision), InvalidWithdrawal)


def test_consent_is_withdrawn_once(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    _withdraw(practitioner, decision)
    assert_refused(lambda: _withdraw(practitioner, decision), InvalidWithdrawal)


def test_a_withdrawal_is_not_dated_in_the_future(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    assert_refused(
        lambda: actions.record_consent_withdrawal(
            actor=practitioner,
            decision=decision,
            withdrawn_on=timezone.localdate() + datetime.timedelta(days=1),
            method="phone",
            next_steps="Stop sharing.",
            withdrawn_by_name="Kerry Morgan, mother",
        ),
        InvalidWithdrawal,
    )
