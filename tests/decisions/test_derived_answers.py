"""The answers the web flow takes from the record instead of asking (issue 15):
`public_authority` from the organisation and `subject_is_adult` from the people the
decision is about, on the day the question is answered. They are stored with the other
answers, so the engine, the frozen explanation and the ledger digest see the same; and
they are given only to a policy that accepts them, so a policy that does not know them
works as before."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare import guidance
from safeshare.accounts.models import Organisation, OrganisationKind, User
from safeshare.decisions import actions, flow, queries
from safeshare.decisions.models import Decision
from safeshare.ledger.digest import record_digest
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.subjects.models import Person, PersonKind
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories.decisions import ANSWERS, DecisionFactory

pytestmark = pytest.mark.django_db

DERIVED = {"public_authority", "subject_is_adult"}
TODAY = datetime.date(2026, 12, 2)


def _yes_no(key: str) -> Any:
    def check(value: object) -> object:
        if value is True or value is False:
            return value
        raise guidance.AnswerError(key, f"expected true or false, got {value!r}")

    return check


def accepting(policy: flow.Policy) -> flow.Policy:
    """The policy as the engine change makes it: accepting the two derived answers (the
    shipped policy as it is, once it does)."""
    missing = DERIVED - policy.answer_keys
    if not missing:
        return policy
    return dataclasses.replace(
        policy,
        answer_keys=policy.answer_keys | missing,
        _validators={**policy._validators, **{key: _yes_no(key) for key in missing}},
    )


def refusing(policy: flow.Policy) -> flow.Policy:
    """The policy as it was before the engine change: the derived answers unknown to it."""
    return dataclasses.replace(
        policy,
        answer_keys=policy.answer_keys - DERIVED,
        _validators={k: v for k, v in policy._validators.items() if k not in DERIVED},
    )


def _use(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[flow.Policy], flow.Policy]
) -> flow.Policy:
    real = flow.policy_named(flow.current_policy().id)
    policy = make(real)
    monkeypatch.setattr(flow, "policy_named", lambda policy_id: policy)
    monkeypatch.setattr(flow, "policy_for", lambda decision: policy)
    monkeypatch.setattr(flow, "current_policy", lambda: policy)
    return policy


@pytest.fixture
def new_policy(monkeypatch: pytest.MonkeyPatch) -> flow.Policy:
    return _use(monkeypatch, accepting)


@pytest.fixture
def old_policy(monkeypatch: pytest.MonkeyPatch) -> flow.Policy:
    return _use(monkeypatch, refusing)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def engine_saw(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, object]]]:
    """Every set of answers the engine was asked to evaluate."""
    seen: list[dict[str, object]] = []
    real = guidance.evaluate

    def spy(policy: flow.Policy, answers: Mapping[str, object]) -> Any:
        seen.append(dict(answers))
        return real(policy, answers)

    monkeypatch.setattr(guidance, "evaluate", spy)
    yield seen


def _born(years_ago: int, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years_ago) + datetime.timedelta(days=days)


def _adult(organisation: Organisation | None, years: int) -> Person:
    return PersonFactory.create(
        organisation=organisation, kind=PersonKind.ADULT, date_of_birth=_born(years)
    )


# --- Who is an adult ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "kind", "adult"),
    [
        (_born(18, days=1), PersonKind.ADULT, False),  # 17 years and 364 days
        (_born(18), PersonKind.CHILD, True),  # the 18th birthday
        (_born(40), PersonKind.CHILD, True),  # the date of birth wins over the kind
        (None, PersonKind.CHILD, False),
        (None, PersonKind.ADULT, True),
    ],
    ids=["17y364d", "18th-birthday", "dob-over-kind", "no-dob-child", "no-dob-adult"],
)
def test_an_adult_is_18_or_over_on_the_day(
    born: datetime.date | None, kind: str, adult: bool
) -> None:
    assert Person(date_of_birth=born, kind=kind).is_adult_on(TODAY) is adult


def test_a_leap_day_birthday_turns_18_on_1_march() -> None:
    person = Person(date_of_birth=datetime.date(2008, 2, 29), kind=PersonKind.CHILD)
    assert not person.is_adult_on(datetime.date(2026, 2, 28))
    assert person.is_adult_on(datetime.date(2026, 3, 1))


def test_a_decision_about_a_child_and_an_adult_follows_the_childs_path() -> None:
    child = Person(date_of_birth=_born(9), kind=PersonKind.CHILD)
    parent = Person(date_of_birth=_born(35), kind=PersonKind.ADULT)
    assert flow.about_adults([parent], TODAY)
    assert flow.about_adults([parent, Person(kind=PersonKind.ADULT)], TODAY)
    assert not flow.about_adults([child, parent], TODAY)
    assert not flow.about_adults([], TODAY)


# --- Through the actions ------------------------------------------------------------------


def _answer_all(user: User, decision: Decision, outcome: str = "share") -> Decision:
    for question_id, value in ANSWERS[outcome]:
        decision = actions.answer_question(
            actor=user, decision=decision, question_id=question_id, submitted=value
        )
    return decision


@pytest.mark.parametrize(
    ("kind", "public"),
    [(OrganisationKind.VOLUNTARY, False), (OrganisationKind.POLICE, True)],
)
def test_the_answers_come_from_the_organisation_and_the_people(
    new_policy: flow.Policy,
    today: datetime.date,
    engine_saw: list[dict[str, object]],
    kind: str,
    public: bool,
) -> None:
    organisation = OrganisationFactory.create(name=f"Recorder {kind}", kind=kind)
    user = UserFactory.create(organisation=organisation)
    adult = _adult(organisation, 18)
    decision = actions.start_decision(actor=user, subject=adult)
    decision = _answer_all(user, decision)
    assert decision.answers["public_authority"] is public
    assert decision.answers["subject_is_adult"] is True
    stored = Decision.objects.get(pk=decision.pk).answers
    assert (stored["public_authority"], stored["subject_is_adult"]) == (public, True)
    # The engine was given them, as stored.
    assert queries.current_outcome(decision) == "share"
    assert engine_saw[-1] == stored


def test_they_are_recorded_in_the_explanation_and_the_digest(
    new_policy: flow.Policy, today: datetime.date, practitioner: User
) -> None:
    adult = _adult(practitioner.organisation, 30)
    decision = DecisionFactory.create(
        started_by=practitioner, subject=adult, share=True, finalised=True
    )
    assert decision.answers["subject_is_adult"] is True
    assert decision.answers["public_authority"] is True
    rows = {row["question"]: row["answer"] for row in decision.explanation["answered"]}
    assert rows["Is your organisation a public authority?"] == (
        "Yes (from your organisation's details)"
    )
    assert rows["Is everyone this decision is about 18 or over?"] == "Yes (from their records)"
    entry = Entry.objects.filter(event_type="decisions.decision.finalised").get()
    assert entry.record_digest == record_digest(Decision.objects.get(pk=decision.pk))
    assert verify_ledger().ok


def test_the_people_changing_works_them_out_again(
    new_policy: flow.Policy, today: datetime.date, practitioner: User
) -> None:
    adult = _adult(practitioner.organisation, 18)
    child = PersonFactory.create(
        organisation=practitioner.organisation, date_of_birth=_born(18, days=1)
    )
    decision = _answer_all(practitioner, actions.start_decision(actor=practitioner, subject=adult))
    assert decision.answers["subject_is_adult"] is True
    decision = actions.set_subjects(actor=practitioner, decision=decision, people=[adult, child])
    assert Decision.objects.get(pk=decision.pk).answers["subject_is_adult"] is False
    decision = actions.set_subjects(actor=practitioner, decision=decision, people=[adult])
    assert Decision.objects.get(pk=decision.pk).answers["subject_is_adult"] is True


def test_they_are_there_from_the_start_and_after_a_reconsideration(
    new_policy: flow.Policy, practitioner: User, person: Person
) -> None:
    """So the first question is already worded for an adult."""
    decision = actions.start_decision(actor=practitioner, subject=person)
    stored = Decision.objects.get(pk=decision.pk).answers
    assert stored == {"public_authority": True, "subject_is_adult": False}
    assert not flow.asked(stored)
    refusal = DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    again = actions.reconsider_decision(
        actor=practitioner, decision=refusal, new_information="A new disclosure"
    )
    assert Decision.objects.get(pk=again.pk).answers == stored


def test_an_administrators_change_applies_from_the_next_answer(
    new_policy: flow.Policy, practitioner: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    decision = actions.answer_question(
        actor=practitioner, decision=decision, question_id="immediate_risk", submitted="no"
    )
    assert decision.answers["public_authority"] is True
    Organisation.objects.filter(pk=practitioner.organisation_pk()).update(public_authority=False)
    decision = actions.answer_question(
        actor=practitioner, decision=decision, question_id="legitimate_purpose", submitted="yes"
    )
    assert decision.answers["public_authority"] is False


def test_a_policy_that_does_not_know_them_is_not_given_them(
    old_policy: flow.Policy, practitioner: User, person: Person
) -> None:
    decision = _answer_all(practitioner, actions.start_decision(actor=practitioner, subject=person))
    assert not DERIVED & set(decision.answers)
    finalised = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert finalised.outcome == "share"
    assert not DERIVED & set(finalised.answers)


def test_a_decision_recorded_before_keeps_its_answers(
    monkeypatch: pytest.MonkeyPatch, practitioner: User, person: Person
) -> None:
    """A decision finalised under a policy without them is not changed; an amendment of it,
    under the policy now in force, has them worked out."""
    _use(monkeypatch, refusing)
    before = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    answers = dict(before.answers)
    _use(monkeypatch, accepting)
    assert Decision.objects.get(pk=before.pk).answers == answers
    assert queries.current_outcome(before) == "share"
    amendment = actions.amend_decision(actor=practitioner, decision=before)
    stored = Decision.objects.get(pk=amendment.pk).answers
    assert stored == {**answers, "public_authority": True, "subject_is_adult": False}
    assert Decision.objects.get(pk=before.pk).answers == answers
    # And back: an amendment under a policy without them has them taken out.
    _use(monkeypatch, refusing)
    actions.discard_draft(actor=practitioner, decision=amendment)
    again = actions.amend_decision(actor=practitioner, decision=before)
    assert Decision.objects.get(pk=again.pk).answers == answers


def test_the_outcome_page_shows_them(
    new_policy: flow.Policy, client: Client, practitioner: User, person: Person
) -> None:
    decision = _answer_all(practitioner, actions.start_decision(actor=practitioner, subject=person))
    client.force_login(practitioner)
    page = client.get(reverse("decisions:outcome", args=[decision.pk])).content.decode()
    assert "Is your organisation a public authority?" in page
    assert "Yes (from your organisation&#x27;s details)" in page
    assert "Is everyone this decision is about 18 or over?" in page
    assert reverse("decisions:people", args=[decision.pk]) in page
