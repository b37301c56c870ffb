"""A request raised to an organisation of another partnership is queued for its
deployment in the transaction that records it (requests/forwarding.py and
federation.actions.RequestForwarder); to a local organisation, nothing is queued."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied

from safeshare.accounts.models import User
from safeshare.federation import actions
from safeshare.federation.models import Direction, Message, MessageStatus, Peer, RemoteOrganisation
from safeshare.ledger.models import Entry
from safeshare.requests import actions as request_actions
from safeshare.requests import notifications
from safeshare.requests.models import InformationRequest
from safeshare.vocabulary.models import Purpose
from tests.factories import OrganisationFactory, UserFactory
from tests.federation.conftest import counts, key_id, public_pem


@pytest.fixture
def remote(db: None, own_key: Ed25519PrivateKey, peer_key: Ed25519PrivateKey) -> RemoteOrganisation:
    # Port 9: nothing answers there, so delivery at commit leaves the message queued.
    return actions.add_remote(
        name="Eastshire Council",
        url="http://127.0.0.1:9",
        public_key_pem=public_pem(peer_key),
        code="east-council",
        peer_name="Eastshire",
    )


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Police"),
        job_title="Police officer",
    )


def details(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "subject_details": "Lily Morgan, born 4 May 2016",
        "purpose_category": Purpose.objects.get(name="Section 47 enquiry (child protection)"),
        "purpose": "Section 47 enquiry",
        "information_needed": "Attendance and any concerns this term",
        "why_needed": "Strategy discussion tomorrow",
        "urgency": "standard",
        "statutory_basis": "ca1989_s47",
        "statutory_basis_detail": "",
    }
    found.update(changes)
    return found


def test_a_request_to_a_remote_organisation_queues_one_request_message(
    remote: RemoteOrganisation, officer: User, own_key: Ed25519PrivateKey
) -> None:
    request = request_actions.raise_request(
        actor=officer, to_organisation=remote.organisation, details=details()
    )
    message = Message.objects.get()
    assert (message.direction, message.kind, message.status) == (
        Direction.OUT,
        "request",
        MessageStatus.QUEUED,
    )
    assert message.peer == remote.peer
    assert message.about == str(request.pk)
    body = json.loads(message.body)
    assert body["type"] == "request"
    assert body["id"] == str(message.message_id)
    assert "from" not in body  # added when it is sent, with the key that signs it
    sent = body["content"]["request"]
    assert sent["id"] == str(request.pk)
    assert sent["to"] == "east-council"
    assert sent["from"] == {"id": str(officer.organisation_id), "name": "Northshire Police"}
    assert sent["requester"]["id"] == str(officer.pk)
    assert sent["urgency"] == "standard"
    assert sent["purpose_category"] == "Section 47 enquiry (child protection)"
    entry = Entry.objects.get(event_type="federation.message.sent")
    assert actions.entry_hash(entry) == message.entry_hash
    assert entry.payload["peer"] == "Eastshire"
    # The envelope sent carries that entry.
    sent_envelope = json.loads(actions.envelope(message))
    assert sent_envelope["ledger_entry"] == message.entry_hash
    assert sent_envelope["from"] == key_id(own_key)


def test_the_same_request_again_queues_nothing_more(
    remote: RemoteOrganisation, officer: User
) -> None:
    first = request_actions.raise_request(
        actor=officer, to_organisation=remote.organisation, details=details()
    )
    again = request_actions.raise_request(
        actor=officer, to_organisation=remote.organisation, details=details()
    )
    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_a_failure_after_queueing_rolls_back_the_request_and_the_message(
    remote: RemoteOrganisation, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        assert Message.objects.count() == 1  # queued by then, in the same transaction
        raise RuntimeError("the notification failed")

    monkeypatch.setattr(notifications, "notify", broken)
    before = counts()
    with pytest.raises(RuntimeError, match="the notification failed"):
        request_actions.raise_request(
            actor=officer, to_organisation=remote.organisation, details=details()
        )
    assert counts() == before
    assert not InformationRequest.objects.exists()
    assert not Message.objects.exists()


def test_a_request_to_a_local_organisation_queues_nothing(
    remote: RemoteOrganisation, officer: User
) -> None:
    school = OrganisationFactory.create(name="Riverside Primary School")
    request_actions.raise_request(actor=officer, to_organisation=school, details=details())
    assert InformationRequest.objects.count() == 1
    assert Message.objects.count() == 0
    assert not Entry.objects.filter(event_type="federation.message.sent").exists()


def test_a_deployment_no_longer_pinned_refuses_the_request(
    remote: RemoteOrganisation, officer: User
) -> None:
    Peer.objects.filter(pk=remote.peer_id).update(active=False)
    before = counts()
    with pytest.raises(PermissionDenied, match="Eastshire's deployment is no longer pinned here"):
        request_actions.raise_request(
            actor=officer, to_organisation=remote.organisation, details=details()
        )
    assert counts() == before


def test_without_this_deployments_key_the_request_waits_in_the_queue(
    remote: RemoteOrganisation, officer: User, settings: Any
) -> None:
    """Queueing needs no key (the envelope names the signing key when it is sent): the
    request is recorded and waits until an administrator configures one."""
    from safeshare.federation import delivery

    settings.SAFESHARE_FEDERATION_KEY = ""
    request_actions.raise_request(
        actor=officer, to_organisation=remote.organisation, details=details()
    )
    message = Message.objects.get()
    assert message.status == MessageStatus.QUEUED
    assert delivery.deliver_queued() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)


def test_delivery_is_tried_when_the_transaction_commits(
    remote: RemoteOrganisation,
    officer: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SAFESHARE_FEDERATION_TIMEOUT = 5
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_actions.raise_request(
            actor=officer, to_organisation=remote.organisation, details=details()
        )
    message = Message.objects.get()
    assert message.attempts == 0  # nothing is sent inside the transaction
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error == "no answer: ConnectionError"
