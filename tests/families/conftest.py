"""A manager and decisions for the families tests: a share recorded by the practitioner
without telling Lily's family (risk of harm), its review date today."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory


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


def not_told(user: User, person: Person, review_on: datetime.date | None = None) -> Decision:
    """A share recorded by `user` about `person` without telling them, to review on
    `review_on` (today by default)."""
    draft = DecisionFactory.create(started_by=user, subject=person, share=True)
    draft = decision_actions.update_section(
        actor=user,
        decision=draft,
        section="transparency",
        values={
            "subject_informed": False,
            "informed_on": None,
            "informed_method": "",
            "informed_by": "",
            "not_informed_reason": "risk_of_harm",
            "not_informed_detail": "Telling the parents may put Lily at risk",
            "inform_review_on": review_on or timezone.localdate(),
        },
    )
    return decision_actions.finalise_decision(actor=user, decision=draft)


@pytest.fixture
def decision(practitioner: User, person: Person) -> Decision:
    return not_told(practitioner, person)
