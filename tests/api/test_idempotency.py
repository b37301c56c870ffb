"""Idempotency-Key on the creating POSTs (raise a request, acknowledge a disclosure): a
repeat with the same key answers as the first call did without doing it again; the same
key for a different request is refused; keys are the user's own, bounded, and kept only as
keyed hashes. Simultaneous calls with one key: tests/api/test_concurrency.py."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.api.models import IdempotentCall
from safeshare.audit.models import AccessRecord
from safeshare.disclosures import actions as disclosure_actions
from safeshare.disclosures.models import Disclosure
from safeshare.ledger.models import Entry
from safeshare.requests import actions as request_actions
from safeshare.requests.models import InformationRequest
from tests.api.conftest import raise_body
from tests.factories import UserFactory, api_token_for

pytestmark = pytest.mark.django_db

KEY = "0b7e3f4a-8c1d-4e5f-9a2b-3c4d5e6f7a8b"


@pytest.fixture
def post(client: Client) -> Callable[..., Any]:
    """post(user, url, body=None, key=None): a JSON POST with the user's token."""
    tokens: dict[Any, str] = {}

    def call(
        user: User, url: str, body: dict[str, Any] | None = None, key: str | None = None
    ) -> Any:
        if user.pk not in tokens:
            tokens[user.pk] = api_token_for(user)
        headers = {"Authorization": f"Bearer {tokens[user.pk]}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post(
            url, json.dumps(body or {}), content_type="application/json", headers=headers
        )

    return call


def _org(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


URL = "/api/v1/requests"


def test_a_repeated_key_answers_with_the_first_request_and_creates_nothing_more(
    practitioner: User,
    outsider: User,
    post: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    UserFactory.create(organisation=outsider.organisation, manager=True, email="dsl@example.org")
    # The repeat does not even call the action (whose own double-submit rule would also
    # return the open request).
    calls: list[Any] = []
    action = request_actions.raise_request

    def counted(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return action(**kwargs)

    monkeypatch.setattr(request_actions, "raise_request", counted)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(practitioner, URL, raise_body(_org(outsider)), KEY)
        again = post(practitioner, URL, raise_body(_org(outsider)), KEY)
    assert first.status_code == again.status_code == 201
    assert len(calls) == 1
    assert again.json() == first.json()
    assert InformationRequest.objects.count() == 1
    assert Entry.objects.filter(event_type="requests.request.received").count() == 1
    assert len(mail.outbox) == 1
    # The repeat shows the request again, through the same read: recorded again.
    created = str(InformationRequest.objects.get().pk)
    assert [r.object_id for r in AccessRecord.objects.filter(what="api.requests.create")] == [
        created,
        created,
    ]


def test_the_same_key_for_a_different_body_is_refused(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    assert post(practitioner, URL, raise_body(_org(outsider)), KEY).status_code == 201
    response = post(practitioner, URL, raise_body(_org(outsider), urgency="standard"), KEY)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "Idempotency-Key"
    assert error["type"] == "idempotency_key_reused"
    assert "send a new key for each new request" in error["message"]
    assert InformationRequest.objects.count() == 1


def test_text_that_cleans_to_the_same_is_the_same_request(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    """The validated body is compared, as it would be stored: trimmed and normalised."""
    first = post(practitioner, URL, raise_body(_org(outsider)), KEY)
    again = post(
        practitioner, URL, raise_body(_org(outsider), purpose="  Early help assessment "), KEY
    )
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]


def test_keys_are_each_users_own(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    colleague = UserFactory.create(organisation=practitioner.organisation)
    mine = post(practitioner, URL, raise_body(_org(outsider)), KEY)
    theirs = post(colleague, URL, raise_body(_org(outsider)), KEY)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert InformationRequest.objects.count() == 2


def test_without_a_key_every_call_goes_to_the_action(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    """Which makes each different request, and returns one still open when the same is
    raised again (its own double-submit rule); nothing is remembered here."""
    first = post(practitioner, URL, raise_body(_org(outsider)))
    other = post(practitioner, URL, raise_body(_org(outsider), urgency="standard"))
    same = post(practitioner, URL, raise_body(_org(outsider)))
    assert first.status_code == other.status_code == same.status_code == 201
    assert first.json()["id"] != other.json()["id"]
    assert same.json()["id"] == first.json()["id"]
    assert InformationRequest.objects.count() == 2
    assert not IdempotentCall.objects.exists()


def test_a_refused_call_is_not_remembered(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    """Nothing is written when the input is refused, the key included: the corrected
    request may use it."""
    refused = post(practitioner, URL, raise_body(_org(outsider), purpose_category=999_999), KEY)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "purpose_category"
    assert not IdempotentCall.objects.exists()
    assert post(practitioner, URL, raise_body(_org(outsider)), KEY).status_code == 201


def test_a_forbidden_call_is_refused_before_the_key_is_looked_at(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    ig_lead = UserFactory.create(organisation=practitioner.organisation, ig_lead=True)
    assert post(ig_lead, URL, raise_body(_org(outsider)), KEY).status_code == 403
    assert not IdempotentCall.objects.exists()


def test_a_key_is_remembered_for_a_day(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    post(practitioner, URL, raise_body(_org(outsider)), KEY)
    IdempotentCall.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    again = post(practitioner, URL, raise_body(_org(outsider), urgency="standard"), KEY)
    assert again.status_code == 201
    assert InformationRequest.objects.count() == 2
    # The expired row made way for the new one.
    assert IdempotentCall.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 101, "has space", "naïve", "a/b"])
def test_a_key_must_be_1_to_100_plain_characters(
    practitioner: User, outsider: User, post: Callable[..., Any], key: str
) -> None:
    response = post(practitioner, URL, raise_body(_org(outsider)), key)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "Idempotency-Key"
    assert "1 to 100 letters, digits" in error["message"]
    assert not InformationRequest.objects.exists()


def test_keys_and_bodies_are_kept_only_as_keyed_hashes(
    practitioner: User, outsider: User, post: Callable[..., Any]
) -> None:
    key = "lily-morgan-early-help"  # a careless client may put anything in a key
    post(practitioner, URL, raise_body(_org(outsider)), key)
    (row,) = IdempotentCall.objects.values()
    stored = " ".join(str(value) for value in row.values())
    for secret in (key, "lily", "Lily", "Morgan", "Early help"):
        assert secret not in stored
    assert len(row["key_hash"]) == len(row["request_hash"]) == 64
    assert row["object_id"] == InformationRequest.objects.get().pk


# --- Acknowledging a disclosure ----------------------------------------------------------------


def _acknowledge(disclosure: Disclosure) -> str:
    return reverse("api:disclosure_acknowledge", args=[disclosure.pk])


def test_a_repeated_acknowledgement_with_its_key_answers_200_not_409(
    send: Callable[..., Disclosure], recipient: User, post: Callable[..., Any]
) -> None:
    disclosure = send()
    first = post(recipient, _acknowledge(disclosure), key=KEY)
    again = post(recipient, _acknowledge(disclosure), key=KEY)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["status"] == "acknowledged"
    assert Entry.objects.filter(event_type="disclosures.disclosure.acknowledged").count() == 1
    # Without the key (or with a new one) it is a second acknowledgement.
    assert post(recipient, _acknowledge(disclosure)).status_code == 409
    assert post(recipient, _acknowledge(disclosure), key="another-key").status_code == 409


def test_a_key_used_to_raise_a_request_cannot_acknowledge(
    send: Callable[..., Disclosure],
    recipient: User,
    practitioner: User,
    post: Callable[..., Any],
) -> None:
    disclosure = send()
    assert post(recipient, URL, raise_body(_org(practitioner)), KEY).status_code == 201
    refused = post(recipient, _acknowledge(disclosure), key=KEY)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["type"] == "idempotency_key_reused"
    assert disclosure.acknowledged is None


def test_a_repeat_goes_through_the_same_access_rules(
    send: Callable[..., Disclosure],
    recipient: User,
    practitioner: User,
    post: Callable[..., Any],
) -> None:
    """Revoked since: the repeat answers 404, as reading it would."""
    disclosure = send()
    assert post(recipient, _acknowledge(disclosure), key=KEY).status_code == 200
    disclosure_actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent in error")
    assert post(recipient, _acknowledge(disclosure), key=KEY).status_code == 404
