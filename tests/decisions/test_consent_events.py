"""Issue 5: consent and advice are ledger events of their own, appended in the same
transaction as the decision that records them, with codes and dates only."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from safeshare.accounts.models import User
from safeshare.decisions import actions
from safeshare.decisions.models import Decision
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.factories.decisions import YESTERDAY, DecisionFactory

pytestmark = pytest.mark.django_db


def _entries(event_type: str) -> list[Entry]:
    return list(Entry.objects.filter(event_type=event_type).order_by("sequence"))


def test_consent_given_is_its_own_event_beside_the_decision(
    practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    [consent] = _entries("decisions.consent.recorded")
    [finalised] = _entries("decisions.decision.finalised")
    assert consent.object_id == finalised.object_id == str(decision.pk)
    assert consent.payload == {
        "decision": str(decision.pk),
        "consent": "given",
        "not_sought_reason": None,
        "method": "in_person",
        "asked_on": YESTERDAY.isoformat(),
        "amendment": False,
    }
    # The decision's own entry is unchanged, and is the last about the decision.
    assert finalised.payload["consent"] == "given"
    assert finalised.payload["advice_recorded"] is False
    assert finalised.sequence > consent.sequence
    assert _entries("decisions.advice.recorded") == []
    # Codes only: who gave consent and what they agreed to stay out of the ledger.
    text = json.dumps(consent.payload)
    assert "Kerry" not in text and "attendance" not in text


def test_consent_not_sought_is_recorded_with_its_reason(practitioner: User, person: Person) -> None:
    DecisionFactory.create(
        started_by=practitioner, subject=person, share_without_consent=True, finalised=True
    )
    [consent] = _entries("decisions.consent.recorded")
    assert consent.payload["consent"] == "not_sought"
    assert consent.payload["not_sought_reason"] == "prejudice"
    assert consent.payload["asked_on"] is None


def test_advice_sought_is_its_own_event_with_no_names(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, seek_advice=True, finalised=True
    )
    [advice] = _entries("decisions.advice.recorded")
    assert advice.payload == {
        "decision": str(decision.pk),
        "advised_on": YESTERDAY.isoformat(),
        "outcome": "seek_advice",
        "amendment": False,
    }
    text = json.dumps(advice.payload)
    assert "Peter" not in text and "Walsh" not in text and "safeguarding lead" not in text
    # No consent section was completed for this one: no consent event.
    assert _entries("decisions.consent.recorded") == []


def test_no_consent_or_advice_no_events(practitioner: User, person: Person) -> None:
    DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    assert _entries("decisions.consent.recorded") == []
    assert _entries("decisions.advice.recorded") == []
    assert len(_entries("decisions.decision.finalised")) == 1


def test_an_amendment_records_consent_again_as_an_amendment(
    practitioner: User, person: Person
) -> None:
    original = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, amended=True
    )
    amended = original.amendments.get()
    first, second = _entries("decisions.consent.recorded")
    assert first.payload["decision"] == str(original.pk)
    assert second.payload["decision"] == str(amended.pk)
    assert second.payload["amendment"] is True
    assert len(_entries("decisions.decision.amended")) == 1


def test_a_refused_finalise_writes_no_consent_event(practitioner: User, person: Person) -> None:
    draft = DecisionFactory.create(started_by=practitioner, subject=person, share_with_consent=True)
    actions.update_section(
        actor=practitioner,
        decision=draft,
        section="principles",
        values={"necessary_and_proportionate": ""},
    )
    with pytest.raises(actions.DecisionIncomplete):
        actions.finalise_decision(actor=practitioner, decision=Decision.objects.get(pk=draft.pk))
    assert _entries("decisions.consent.recorded") == []
    assert _entries("decisions.decision.finalised") == []


def test_the_ledger_verifies_with_the_new_events(practitioner: User, person: Person) -> None:
    DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    DecisionFactory.create(
        started_by=practitioner, subject=person, seek_advice=True, finalised=True
    )
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    # Each decision's digest still matches all three of its entries.
    assert out.getvalue().startswith("Ledger verified: ")
