"""The open list, the request's page, the print page and the CSV cost the same number of
queries with 10 rows of everything behind them as with 200 (tests/test_query_counts.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision
from safeshare.families.models import Review
from safeshare.requests.models import InformationRequest
from safeshare.subject_access.models import SubjectAccessRequest
from safeshare.subject_access.pack import build_pack
from safeshare.subjects.models import Person
from tests import test_query_counts as query_counts
from tests.factories import PersonFactory
from tests.factories.consent import consent_entry
from tests.subject_access.helpers import decision_naming_a_third_party, log_request
from tests.test_query_counts import (
    LARGE,
    _access_records,
    _consent_entries,
    _copies_sent,
    _requests_from,
    assert_constant,
    clone_decisions,
)

pytestmark = pytest.mark.django_db


def test_the_open_list(client: Client, ig_lead: User, organisation: Organisation) -> None:
    def grow(count: int) -> None:
        today = timezone.localdate()
        for n in range(count):
            person = PersonFactory.create(organisation=organisation)
            log_request(ig_lead, person, today - datetime.timedelta(days=n % 60))

    client.force_login(ig_lead)
    assert_constant(client, lambda: reverse("subject_access:index"), grow)


def _everything_about(
    practitioner: User, outsider: User, person: Person, organisation: Organisation
) -> Callable[[int], None]:
    template = decision_naming_a_third_party(practitioner, person)
    send = _copies_sent(practitioner, template, outsider)
    ask = _requests_from(outsider, organisation)
    viewed = _access_records(practitioner, person)
    through = InformationRequest.subjects.through
    consented = _consent_entries(consent_entry(practitioner, person))

    def grow(count: int) -> None:
        clone_decisions(template, count, person)
        consented(count)
        Review.objects.bulk_create(
            [
                Review(
                    decision=decision,
                    organisation_id=decision.organisation_id,
                    reviewed_on=timezone.localdate(),
                    reason="not_practicable",
                    detail="Not yet",
                    next_review_on=timezone.localdate() + datetime.timedelta(days=7),
                    recorded_by=practitioner,
                )
                for decision in Decision.objects.filter(subjects=person)[:count]
            ]
        )
        send(count)
        before = set(InformationRequest.objects.values_list("pk", flat=True))
        ask(count)
        through.objects.bulk_create(
            [
                through(informationrequest_id=pk, person_id=person.pk)
                for pk in InformationRequest.objects.exclude(pk__in=before).values_list(
                    "pk", flat=True
                )
            ]
        )
        viewed(count)

    return grow


def _without_the_ledger(client: Client, url: str, headers: dict[str, str]) -> int:
    """Queries of the page but the ledger append's: an export appends an entry, whose tree
    nodes depend on the entry's position in the ledger (log n of the whole ledger), not on
    the pack; the ledger's own tests hold that cost."""
    assert client.get(url, headers=headers).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return sum(1 for q in captured.captured_queries if "ledger_" not in q["sql"])


@pytest.mark.parametrize("page", ["show", "pack", "pack_csv", "sign_off"])
def test_the_request_and_its_pack(
    client: Client,
    ig_lead: User,
    practitioner: User,
    outsider: User,
    person: Person,
    organisation: Organisation,
    page: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(query_counts, "_queries", _without_the_ledger)
    grow = _everything_about(practitioner, outsider, person, organisation)
    sar: SubjectAccessRequest = log_request(ig_lead, person)
    client.force_login(ig_lead)
    assert_constant(client, lambda: reverse(f"subject_access:{page}", args=[sar.pk]), grow)
    counts = {s.key: len(s.rows) for s in build_pack(ig_lead, sar).sections}
    assert counts["decisions"] == LARGE + 1
    assert counts["disclosures"] == counts["requests"] == LARGE
    assert counts["consent_register"] == LARGE + 1 and counts["told"] == LARGE
