"""The API's "shared with you" operations: the same scope as the pages (the named recipient
only, until revoked or expired), the same read receipt, and the same read audit.

Fixtures (`recipient`, `disclosure`, `send`, ...) are in tests/disclosures/fixtures.py."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord, Outcome
from safeshare.disclosures import actions
from safeshare.disclosures.models import Disclosure, Receipt
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.api.conftest import Call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _show(disclosure: Disclosure) -> str:
    return reverse("api:disclosure", args=[disclosure.pk])


def _acknowledge(disclosure: Disclosure) -> str:
    return reverse("api:disclosure_acknowledge", args=[disclosure.pk])


def test_the_list_names_no_one_and_shows_what_happened(
    api_call: Call,
    recipient: User,
    disclosure: Disclosure,
) -> None:
    response = api_call(recipient, "get", reverse("api:disclosures_received"))
    assert response.status_code == 200
    [line] = response.json()
    assert line["id"] == str(disclosure.pk)
    assert line["reference"] == disclosure.reference
    assert line["status"] == "new"
    assert line["from_organisation"]["name"] == "Riverside Primary School"
    assert line["opened_at"] is None
    assert line["available_until"] == disclosure.available_until.isoformat()
    assert "Lily" not in response.content.decode()
    # Listing shows no one's data, so it writes no access record (as the page).
    assert not AccessRecord.objects.filter(what__startswith="api.disclosures").exists()


def test_the_list_is_for_case_roles_only(api_call: Call, recipient: User) -> None:
    auditor = UserFactory.create(organisation=recipient.organisation, auditor=True)
    response = api_call(auditor, "get", reverse("api:disclosures_received"))
    assert response.status_code == 403


def test_the_recipient_reads_it_the_first_reading_is_the_receipt_and_each_is_recorded(
    api_call: Call,
    recipient: User,
    person: Person,
    disclosure: Disclosure,
) -> None:
    response = api_call(recipient, "get", _show(disclosure))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "opened"
    assert [s["given_names"] for s in body["subjects"]] == ["Lily"]
    assert body["subjects"][0]["identifiers"] == [{"kind": "nhs_number", "value": "9990000026"}]
    assert body["message"] == "For the strategy discussion tomorrow."
    assert body["sender"]["organisation"]["name"] == "Riverside Primary School"
    assert [i["id"] for i in body["items"]] == [str(i.pk) for i in disclosure.items.all()]
    assert {row["label"] for row in body["lawful_basis"]} >= {
        "Their decision",
        "Lawful basis relied on",
    }
    receipts = Receipt.objects.filter(disclosure=disclosure, kind=Receipt.Kind.OPENED)
    assert receipts.count() == 1
    assert Entry.objects.filter(event_type="disclosures.disclosure.opened").count() == 1
    # A second reading: no second receipt, one more access record.
    assert api_call(recipient, "get", _show(disclosure)).status_code == 200
    assert receipts.count() == 1
    records = AccessRecord.objects.filter(what="api.disclosures.show", outcome=Outcome.SHOWN)
    assert [(r.user_id, r.person_id) for r in records] == [(recipient.pk, person.pk)] * 2


def test_nobody_else_reads_it_and_the_attempt_is_recorded(
    api_call: Call,
    practitioner: User,
    outsider: User,
    recipient: User,
    disclosure: Disclosure,
) -> None:
    colleague = UserFactory.create(organisation=recipient.organisation)
    for user in (practitioner, outsider, colleague):
        response = api_call(user, "get", _show(disclosure))
        assert response.status_code == 404, user
        assert "Lily" not in response.content.decode()
    assert not Receipt.objects.exists()
    denied = AccessRecord.objects.filter(outcome=Outcome.DENIED, what="denied:api:disclosure")
    assert denied.count() == 3


def test_revoking_or_expiry_ends_reading(
    api_call: Call,
    practitioner: User,
    recipient: User,
    send: Callable[..., Disclosure],
    advance_clock: Callable[[int], None],
) -> None:
    revoked = send()
    expiring = send(expires_on=timezone.localdate() + datetime.timedelta(days=1))
    actions.revoke(actor=practitioner, disclosure=revoked, reason="Sent in error")
    assert api_call(recipient, "get", _show(revoked)).status_code == 404
    assert api_call(recipient, "post", _acknowledge(revoked)).status_code == 404
    assert api_call(recipient, "get", _show(expiring)).status_code == 200
    advance_clock(2)  # past the end of tomorrow; the API token (30 days) still works
    assert api_call(recipient, "get", _show(expiring)).status_code == 404
    statuses = {
        line["id"]: line["status"]
        for line in api_call(recipient, "get", reverse("api:disclosures_received")).json()
    }
    assert statuses == {str(revoked.pk): "revoked", str(expiring.pk): "expired"}
    assert not Receipt.objects.filter(disclosure=revoked).exists()


def test_acknowledging_once_then_409(
    api_call: Call,
    recipient: User,
    outsider: User,
    disclosure: Disclosure,
) -> None:
    assert api_call(outsider, "post", _acknowledge(disclosure)).status_code == 404
    response = api_call(recipient, "post", _acknowledge(disclosure))
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    assert response.json()["acknowledged_at"] is not None
    again = api_call(recipient, "post", _acknowledge(disclosure))
    assert again.status_code == 409
    assert again.json() == {"detail": "You have already acknowledged receiving this information"}
    assert Receipt.objects.filter(kind=Receipt.Kind.ACKNOWLEDGED).count() == 1
    assert Entry.objects.filter(event_type="disclosures.disclosure.acknowledged").count() == 1


def test_a_revocation_committed_after_the_lookup_stops_the_receipt(
    practitioner: User,
    recipient: User,
    disclosure: Disclosure,
) -> None:
    """The recipient's request looked the disclosure up a moment before the sender revoked
    it: the receipt and acknowledgement are refused under the transaction's lock."""
    # Looked up with its (absent) revocation, as the scoped queries do.
    seen = Disclosure.objects.select_related("revocation").get(pk=disclosure.pk)
    actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent in error")
    assert seen.revoked is None  # the stale copy does not know
    with pytest.raises(PermissionDenied):
        actions.acknowledge(actor=recipient, disclosure=seen)
    with pytest.raises(PermissionDenied):
        actions.record_opened(actor=recipient, disclosure=seen)
    assert not Receipt.objects.exists()
