"""A disclosure for the demonstration partnership: the school's designated safeguarding lead
sends the section 47 information to the social worker, through the same action."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions.models import Decision, DecisionStatus
from safeshare.disclosures import actions
from safeshare.disclosures.models import Disclosure


def load_demo_disclosures() -> None:
    if Disclosure.objects.exists():
        return
    dsl = User.objects.filter(username="school.dsl").first()
    social_worker = User.objects.filter(username="csc.sw").first()
    if dsl is None or social_worker is None or dsl.organisation_id is None:
        return
    decision = (
        Decision.objects.filter(
            organisation_id=dsl.organisation_id,
            status=DecisionStatus.FINALISED,
            recipient_organisation_id=social_worker.organisation_id,
        )
        .order_by("decided_at")
        .first()
    )
    if decision is None:
        return
    actions.send_disclosure(
        actor=dsl,
        decision=decision,
        recipient=social_worker,
        items=list(decision.items.all()),
        message="Sent for the section 47 enquiry we discussed by phone. Call me on the school's main number if you need anything else.",
        expires_on=timezone.localdate() + datetime.timedelta(days=actions.DEFAULT_DAYS),
    )
