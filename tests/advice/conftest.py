"""People and a draft for the advice tests: a practitioner's draft about Lily Morgan, with
identifiers and a date of birth, in the school's organisation."""

from __future__ import annotations

import datetime

import pytest

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.subjects.models import IdentifierKind, Person
from tests.factories import IdentifierFactory, UserFactory


@pytest.fixture
def manager(organisation: Organisation) -> User:
    return UserFactory.create(
        organisation=organisation,
        manager=True,
        username="dsl",
        first_name="Dana",
        last_name="Lead",
        email="dsl@school.example",
    )


@pytest.fixture
def ig_lead(organisation: Organisation) -> User:
    return UserFactory.create(
        organisation=organisation, ig_lead=True, username="ig", email="ig@school.example"
    )


@pytest.fixture
def colleague(organisation: Organisation) -> User:
    return UserFactory.create(
        organisation=organisation, username="colleague", email="colleague@school.example"
    )


@pytest.fixture
def named_person(person: Person) -> Person:
    person.date_of_birth = datetime.date(2016, 5, 4)
    person.known_as = "Lil"
    person.save()
    IdentifierFactory.create(person=person, kind=IdentifierKind.NHS_NUMBER, value="9434765919")
    IdentifierFactory.create(person=person, kind=IdentifierKind.UPN, value="A123456789012")
    return person


@pytest.fixture
def draft(practitioner: User, named_person: Person) -> Decision:
    decision = decision_actions.start_decision(actor=practitioner, subject=named_person)
    return decision_actions.update_section(
        actor=practitioner,
        decision=decision,
        section="about",
        values={
            "kind": "proactive",
            "purpose": "Lily Morgan (NHS 943 476 5919) told her teacher about bruising",
            "urgency": "urgent",
        },
    )
