"""Sending the outbound queue to a peer played by a tiny HTTP server on 127.0.0.1: a
verified answer delivers, a refusal is kept with why and not retried, anything else is
retried with backoff, and a peer's later messages wait behind its first."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from safeshare.federation import actions, delivery, signing
from safeshare.federation.models import (
    Direction,
    Message,
    MessageStatus,
    Nonce,
    Peer,
    RemoteOrganisation,
)
from safeshare.ledger.models import Entry
from tests.factories.requests import InformationRequestFactory
from tests.federation.conftest import key_id, public_pem

PEER_ENTRY = "9:" + "cd" * 32


@dataclass
class Behaviour:
    status: int = 200
    error: str = ""
    signer: Ed25519PrivateKey | None = None  # None: the peer's own key
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@dataclass
class FakePeer:
    url: str
    key: Ed25519PrivateKey
    behaviour: Behaviour

    def ids(self) -> list[str]:
        return [json.loads(body)["id"] for _, _, body in self.behaviour.received]


@pytest.fixture
def fake_peer(peer_key: Ed25519PrivateKey) -> Iterator[FakePeer]:
    behaviour = Behaviour()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            behaviour.received.append((self.path, dict(self.headers.items()), body))
            if behaviour.status == 200:
                answer = {"received": json.loads(body)["id"], "ledger_entry": PEER_ENTRY}
            else:
                answer = {"error": behaviour.error}
            data = json.dumps(answer).encode()
            self.send_response(behaviour.status)
            self.send_header("Content-Length", str(len(data)))
            if behaviour.status == 200:
                signer = behaviour.signer or peer_key
                for name, value in signing.sign_response(
                    status=200, body=data, key=signer, key_id=key_id(signer)
                ).items():
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield FakePeer(f"http://127.0.0.1:{server.server_address[1]}", peer_key, behaviour)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _short_timeout_and_no_proxy(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SAFESHARE_FEDERATION_TIMEOUT = 5
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def remote_at(url: str, key: Ed25519PrivateKey, code: str = "c1") -> RemoteOrganisation:
    return actions.add_remote(
        name=f"Eastshire Council {code}", url=url, public_key_pem=public_pem(key), code=code
    )


def queue_request(remote: RemoteOrganisation, n: int = 0) -> Message:
    request = InformationRequestFactory.create(
        to_organisation=remote.organisation, why_needed=f"Strategy discussion {n}"
    )
    return Message.objects.get(direction=Direction.OUT, about=str(request.pk))


@pytest.fixture
def remote(db: None, own_key: Ed25519PrivateKey, fake_peer: FakePeer) -> RemoteOrganisation:
    return remote_at(fake_peer.url, fake_peer.key)


def close_to(when: datetime.datetime, expected: datetime.datetime) -> bool:
    return abs(when - expected) < datetime.timedelta(seconds=10)


def test_a_verified_answer_delivers_with_the_peers_entry(
    remote: RemoteOrganisation, fake_peer: FakePeer, own_key: Ed25519PrivateKey
) -> None:
    message = queue_request(remote)
    assert message.status == MessageStatus.QUEUED
    assert delivery.deliver_queued() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.peer_entry_hash == PEER_ENTRY
    assert message.delivered_at is not None
    entry = Entry.objects.get(event_type="federation.message.delivered")
    assert entry.payload == {
        "kind": "request",
        "message": str(message.message_id),
        "peer_entry": PEER_ENTRY,
    }
    # What the peer got: the envelope with this side's entry, signed with this side's key.
    [(path, headers, body)] = fake_peer.behaviour.received
    assert path == actions.INBOX_PATH
    assert body == actions.envelope(message)
    assert json.loads(body)["ledger_entry"] == message.entry_hash
    verified = signing.verify_request(
        method="POST",
        url=fake_peer.url + path,
        headers=headers,
        body=body,
        key=own_key.public_key(),
    )
    assert verified.key_id == key_id(own_key)
    # Delivered once: nothing more is sent.
    assert delivery.deliver_queued() == 0
    assert len(fake_peer.behaviour.received) == 1


def test_a_server_error_is_retried_with_backoff(
    remote: RemoteOrganisation, fake_peer: FakePeer
) -> None:
    fake_peer.behaviour.status, fake_peer.behaviour.error = 500, "database down"
    message = queue_request(remote)
    assert delivery.deliver_queued() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error == "500 database down"
    assert close_to(message.next_attempt_at, timezone.now() + datetime.timedelta(minutes=1))
    # Not due yet: not sent again.
    assert delivery.deliver_queued() == 0
    assert len(fake_peer.behaviour.received) == 1
    later = message.next_attempt_at + datetime.timedelta(seconds=1)
    assert delivery.deliver_queued(now=later) == 0
    message.refresh_from_db()
    assert message.attempts == 2
    assert close_to(message.next_attempt_at, timezone.now() + datetime.timedelta(minutes=2))
    assert len(fake_peer.behaviour.received) == 2
    assert not Entry.objects.filter(event_type__startswith="federation.message.d").exists()
    fake_peer.behaviour.status = 200
    assert delivery.deliver_queued(now=message.next_attempt_at) == 1
    message.refresh_from_db()
    assert (message.status, message.last_error) == (MessageStatus.DELIVERED, "")


def test_no_server_is_retried(
    db: None, own_key: Ed25519PrivateKey, peer_key: Ed25519PrivateKey
) -> None:
    message = queue_request(remote_at("http://127.0.0.1:9", peer_key))
    assert delivery.deliver_queued() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error == "no answer: ConnectionError"
    assert close_to(message.next_attempt_at, timezone.now() + datetime.timedelta(minutes=1))


def test_a_refusal_is_kept_with_the_reason_and_not_retried(
    remote: RemoteOrganisation, fake_peer: FakePeer
) -> None:
    fake_peer.behaviour.status = 422
    fake_peer.behaviour.error = "No organisation here has the code c1"
    first = queue_request(remote, 1)
    assert delivery.deliver_queued() == 0
    first.refresh_from_db()
    assert first.status == MessageStatus.REFUSED
    assert first.last_error == "422: No organisation here has the code c1"
    assert first.attempts == 0
    entry = Entry.objects.get(event_type="federation.message.refused")
    assert entry.payload == {"kind": "request", "message": str(first.message_id), "status": 422}
    far = timezone.now() + datetime.timedelta(days=1)
    assert delivery.deliver_queued(now=far) == 0
    assert len(fake_peer.behaviour.received) == 1
    # A refused message does not hold back the next one.
    fake_peer.behaviour.status = 200
    second = queue_request(remote, 2)
    assert delivery.deliver_queued() == 1
    second.refresh_from_db()
    assert second.status == MessageStatus.DELIVERED
    assert fake_peer.ids() == [str(first.message_id), str(second.message_id)]


@pytest.mark.parametrize("status", [408, 429])
def test_timeout_and_too_many_requests_are_retried(
    remote: RemoteOrganisation, fake_peer: FakePeer, status: int
) -> None:
    fake_peer.behaviour.status = status
    message = queue_request(remote)
    delivery.deliver_queued()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)


def test_an_answer_signed_with_another_key_is_retried(
    remote: RemoteOrganisation, fake_peer: FakePeer
) -> None:
    fake_peer.behaviour.signer = Ed25519PrivateKey.generate()
    message = queue_request(remote)
    assert delivery.deliver_queued() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error.startswith("The answer's signature does not verify")
    assert message.peer_entry_hash == ""
    assert not Entry.objects.filter(event_type="federation.message.delivered").exists()


def test_a_peers_later_messages_wait_behind_its_first(
    remote: RemoteOrganisation, fake_peer: FakePeer
) -> None:
    fake_peer.behaviour.status = 503
    first = queue_request(remote, 1)
    second = queue_request(remote, 2)
    assert delivery.deliver_queued() == 0
    assert fake_peer.ids() == [str(first.message_id)]
    second.refresh_from_db()
    assert (second.status, second.attempts) == (MessageStatus.QUEUED, 0)
    # While the first waits for its next attempt, the second is not sent either.
    assert delivery.deliver_queued() == 0
    assert fake_peer.ids() == [str(first.message_id)]
    fake_peer.behaviour.status = 200
    first.refresh_from_db()
    assert delivery.deliver_queued(now=first.next_attempt_at) == 2
    assert fake_peer.ids() == [str(first.message_id)] * 2 + [str(second.message_id)]


def test_another_peer_is_not_held_back(
    remote: RemoteOrganisation, fake_peer: FakePeer, peer_key: Ed25519PrivateKey
) -> None:
    stuck = queue_request(remote_at("http://127.0.0.1:9", Ed25519PrivateKey.generate(), "c2"))
    fine = queue_request(remote, 1)
    assert stuck.created_at < fine.created_at
    assert delivery.deliver_queued() == 1
    fine.refresh_from_db()
    assert fine.status == MessageStatus.DELIVERED


def test_nothing_is_sent_without_this_deployments_key(
    remote: RemoteOrganisation, fake_peer: FakePeer, settings: Any
) -> None:
    queue_request(remote)
    settings.SAFESHARE_FEDERATION_KEY = ""
    assert delivery.deliver_queued() == 0
    assert fake_peer.behaviour.received == []


def test_the_job_delivers_and_forgets_old_nonces(
    remote: RemoteOrganisation, fake_peer: FakePeer
) -> None:
    peer = Peer.objects.get()
    message = queue_request(remote)
    now = timezone.now()
    for nonce, age in [("old" * 8, 601), ("edge" * 6, 599), ("new" * 8, 10)]:
        Nonce.objects.create(peer=peer, nonce=nonce, created=now - datetime.timedelta(seconds=age))
    assert delivery.deliver_job(now=now) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert sorted(Nonce.objects.values_list("nonce", flat=True)) == ["edge" * 6, "new" * 8]
