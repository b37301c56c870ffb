"""Recording a decision twice (a double click, the back button and "Record decision"
again, a second tab on the check page) records it once. Two at the same moment:
tests/test_double_submit.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.decisions import actions
from safeshare.decisions.models import Decision, FinalisedRecordError
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.factories.decisions import DecisionFactory
from tests.rules import assert_refused

pytestmark = pytest.mark.django_db


def test_a_second_finalise_is_refused_and_writes_nothing(
    practitioner: User, person: Person
) -> None:
    draft = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    stale = Decision.objects.get(pk=draft.pk)  # the second tab's copy, loaded before
    actions.finalise_decision(actor=practitioner, decision=draft)
    assert_refused(
        lambda: actions.finalise_decision(actor=practitioner, decision=stale),
        FinalisedRecordError,
    )


def test_posting_the_check_page_twice_records_once_and_shows_the_record(
    client: Client, practitioner: User, person: Person
) -> None:
    draft = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    client.force_login(practitioner)
    url = reverse("decisions:check", args=[draft.pk])
    first = client.post(url, {"decided_by": str(practitioner.pk)})
    again = client.post(url, {"decided_by": str(practitioner.pk)})
    shown = reverse("decisions:show", args=[draft.pk])
    assert first["Location"] == shown and again["Location"] == shown
    assert Entry.objects.filter(event_type="decisions.decision.finalised").count() == 1


def test_a_submit_that_read_the_draft_before_another_finalised_it_shows_the_record(
    client: Client, practitioner: User, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two submits at the same moment: it passed the page's draft check,
    then the first finalised the decision before its own finalise locked the row."""
    from safeshare.decisions.views import check

    draft = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    stale = Decision.objects.get(pk=draft.pk)
    actions.finalise_decision(actor=practitioner, decision=draft)
    monkeypatch.setattr(check, "draft_page", lambda request, decision_id: stale)
    client.force_login(practitioner)
    again = client.post(
        reverse("decisions:check", args=[draft.pk]), {"decided_by": str(practitioner.pk)}
    )
    assert again.status_code == 302
    assert again["Location"] == reverse("decisions:show", args=[draft.pk])
    assert Entry.objects.filter(event_type="decisions.decision.finalised").count() == 1
