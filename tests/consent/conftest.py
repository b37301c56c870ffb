"""A consent entry for Lily, given by her mother, and drafts about her."""

from __future__ import annotations

import datetime

import pytest

from safeshare.accounts.models import User
from safeshare.consent import actions
from safeshare.consent.models import ConsentEntry
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose
from tests.factories.decisions import DecisionFactory


def record(actor: User, person: Person, **overrides: object) -> ConsentEntry:
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


@pytest.fixture
def entry(practitioner: User, person: Person) -> ConsentEntry:
    return record(practitioner, person)


@pytest.fixture
def draft_with_consent(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(started_by=practitioner, subject=person, share_with_consent=True)
