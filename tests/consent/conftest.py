"""A consent entry for Lily, given by her mother, and drafts about her."""

from __future__ import annotations

import pytest

from safeshare.accounts.models import User
from safeshare.consent.models import ConsentEntry
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from tests.factories.consent import consent_entry
from tests.factories.decisions import DecisionFactory

record = consent_entry


@pytest.fixture
def entry(practitioner: User, person: Person) -> ConsentEntry:
    return record(practitioner, person)


@pytest.fixture
def draft_with_consent(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(started_by=practitioner, subject=person, share_with_consent=True)
