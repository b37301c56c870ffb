from __future__ import annotations

import pytest

from safeshare.accounts.models import User
from safeshare.ledger.digest import record_digest
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.subjects import actions

pytestmark = pytest.mark.django_db


def test_adding_a_person_appends_a_ledger_entry_without_personal_data(
    practitioner: User,
) -> None:
    person = actions.add_person(
        actor=practitioner,
        kind="child",
        given_names="Ava",
        family_name="Stone",
        nhs_number="9434765919",
    )
    entry = Entry.objects.get()
    assert entry.event_type == "subjects.person.added"
    assert (entry.actor_id, entry.organisation_id) == (
        practitioner.pk,
        practitioner.organisation_id,
    )
    assert (entry.object_type, entry.object_id) == ("subjects.person", str(person.pk))
    assert entry.record_digest == record_digest(person)
    assert entry.payload == {"kind": "child", "identifiers": 1}
    assert "Ava" not in str(entry.payload) and "9434765919" not in str(entry.payload)
    assert verify_ledger().ok
