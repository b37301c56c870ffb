"""Records for the subject access tests, made through the actions."""

from __future__ import annotations

import datetime

from safeshare.accounts.models import User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.subject_access import actions
from safeshare.subject_access.models import SubjectAccessRequest
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory

THIRD_PARTY_TEXT = "Her uncle, Dean Walsh, collects her on Fridays and has shouted at staff."


def ig_lead_of(user: User, username: str = "ig.lead") -> User:
    return UserFactory.create(
        organisation=user.organisation,
        username=username,
        ig_lead=True,
        first_name="Priya",
        last_name="Shah",
    )


def decision_naming_a_third_party(practitioner: User, person: Person) -> Decision:
    """A finalised sharing decision about `person` whose second item names someone else."""
    draft = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    decision_actions.save_item(
        actor=practitioner,
        decision=draft,
        values={
            "text": THIRD_PARTY_TEXT,
            "nature": "fact",
            "opinion_of": "",
            "currency": "current",
            "relates_to": None,
            "source": "Office manager",
            "about": person,
            "special_category": False,
            "identifies_third_party": True,
            "third_party_action": "justified",
            "third_party_justification": "Who collects her matters to the assessment",
        },
    )
    return decision_actions.finalise_decision(actor=practitioner, decision=draft)


def log_request(
    ig_lead: User, person: Person, received_on: datetime.date | None = None
) -> SubjectAccessRequest:
    return actions.log_subject_access_request(
        actor=ig_lead,
        person=person,
        requester_name="Kerry Morgan",
        requester_relationship="Mother",
        identity_check="Passport seen at reception",
        received_on=received_on or datetime.date.today(),
    )
