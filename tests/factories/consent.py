"""Consent register entries, recorded through the action as a practitioner records them."""

from __future__ import annotations

import datetime

from safeshare.accounts.models import User
from safeshare.consent import actions
from safeshare.consent.models import ConsentEntry
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose


def consent_entry(actor: User, person: Person, **overrides: object) -> ConsentEntry:
    """Consent given by the person's mother for the first active purpose; override any field."""
    values: dict[str, object] = {
        "status": "given",
        "given_by_kind": "parental_responsibility",
        "given_by_name": "Kerry Morgan, mother",
        "purpose": Purpose.objects.filter(active=True).first(),
        "scope": "School attendance and wellbeing information",
        "recipients": "Early help team",
        "method": "phone",
        "obtained_on": datetime.date.today() - datetime.timedelta(days=3),
    }
    values.update(overrides)
    return actions.record_entry(actor=actor, person=person, **values)  # type: ignore[arg-type]
