"""Requests answered through safeshare, built only through the actions."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.disclosures import actions as disclosure_actions
from safeshare.disclosures.models import Disclosure
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Person
from tests.decisions.builders import ANSWERS, sharing_sections

# The item sharing_sections records: shown only on the disclosure's own page.
ITEM_TEXT = "Lily arrived at school with a bruise on her left forearm on 3 November."


def in_system_draft(
    practitioner: User, person: Person, request: InformationRequest, officer: User
) -> Decision:
    decision = decision_actions.answer_request(actor=practitioner, request=request, subject=person)
    for question_id, value in ANSWERS["share"]:
        decision = decision_actions.answer_question(
            actor=practitioner, decision=decision, question_id=question_id, submitted=value
        )
    decision = sharing_sections(decision, practitioner, person)
    return decision_actions.update_section(
        actor=practitioner,
        decision=decision,
        section="recipient",
        values={
            "recipient_organisation": officer.organisation,
            "recipient_organisation_name": "",
            "recipient_name": officer.display_name(),
            "recipient_role": "Police officer",
            "recipient_contact": officer.email,
            "channel": "in_system",
            "shares_all_requested": True,
        },
    )


def send(practitioner: User, decision: Decision, recipient: User) -> Disclosure:
    return disclosure_actions.send_disclosure(
        actor=practitioner,
        decision=decision,
        recipient=recipient,
        items=list(decision.items.all()),
        message="",
        expires_on=timezone.localdate() + datetime.timedelta(days=7),
    )
