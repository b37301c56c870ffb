"""Fixtures for the federation unit tests: this deployment's key, a pinned peer (another
deployment) with its own key, and helpers that sign messages as that peer would.

    own_key        this deployment's private key, set as SAFESHARE_FEDERATION_KEY
    peer_key       the other deployment's private key (never seen by this one in life)
    peer           that deployment pinned here with actions.add_peer
    signed_post    POST a body to /federation/inbox signed with a key (default peer_key)
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from safeshare.accounts.models import Organisation
from safeshare.federation import actions, keys, signing
from safeshare.federation.models import (
    InboundRequest,
    Message,
    Nonce,
    Peer,
    ReceivedDisclosure,
    ReceivedEvent,
    RemoteOrganisation,
    SentDisclosure,
    SentEvent,
)
from safeshare.ledger.models import Entry
from safeshare.requests.models import InformationRequest

INBOX_PATH = "/federation/inbox"
INBOX_URL = "http://testserver" + INBOX_PATH
PEER_URL = "https://eastshire.example"
SENDER_ENTRY = "7:" + "ab" * 32

SignedPost = Callable[..., Any]


def public_pem(key: Ed25519PrivateKey) -> str:
    return keys.public_pem(key.public_key())


def key_id(key: Ed25519PrivateKey) -> str:
    return keys.key_id(key.public_key())


def envelope(
    kind: str,
    content: dict[str, Any],
    *,
    message_id: uuid.UUID | None = None,
    sender: Ed25519PrivateKey | None = None,
    ledger_entry: str | None = SENDER_ENTRY,
) -> bytes:
    found: dict[str, Any] = {
        "type": kind,
        "id": str(message_id or uuid.uuid4()),
        "from": key_id(sender) if sender is not None else "unused",
        "sent_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "content": content,
    }
    if ledger_entry is not None:
        found["ledger_entry"] = ledger_entry
    return json.dumps(found, sort_keys=True, separators=(",", ":")).encode()


def signed_headers(
    body: bytes,
    key: Ed25519PrivateKey,
    *,
    url: str = INBOX_URL,
    method: str = "POST",
    created: datetime.datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    return signing.sign_request(
        method=method,
        url=url,
        body=body,
        key=key,
        key_id=key_id(key),
        created=created,
        nonce=nonce,
    )


def request_content(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    """A request message's content as another deployment's RequestForwarder sends it."""
    now = datetime.datetime.now(datetime.UTC)
    request: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "reference": "REQ-EAST0001",
        "to": str(organisation.pk),
        "from": {"id": str(uuid.uuid4()), "name": "Eastshire Police"},
        "requester": {"id": str(uuid.uuid4()), "name": "Alex Officer", "role": "Detective"},
        "subject_details": "Lily Morgan, born 4 May 2016",
        "purpose_category": "Section 47 enquiry (child protection)",
        "purpose": "Section 47 enquiry",
        "information_needed": "Attendance this term",
        "why_needed": "Strategy discussion tomorrow",
        "urgency": "standard",
        "statutory_basis": "ca1989_s47",
        "statutory_basis_detail": "",
        "received_at": now.isoformat(),
        "due_at": (now + datetime.timedelta(days=5)).isoformat(),
    }
    request.update(changes)
    return {"request": request}


TABLES = (
    Peer,
    RemoteOrganisation,
    Message,
    Nonce,
    InboundRequest,
    SentDisclosure,
    SentEvent,
    ReceivedDisclosure,
    ReceivedEvent,
    InformationRequest,
    Entry,
)


def counts() -> dict[str, int]:
    """Rows in every table a message could write to."""
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture
def own_key(settings: Any) -> Ed25519PrivateKey:
    pem = keys.generate()
    settings.SAFESHARE_FEDERATION_KEY = pem
    return keys.load_private(pem)


@pytest.fixture
def peer_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def peer(db: None, peer_key: Ed25519PrivateKey) -> Peer:
    return actions.add_peer(name="Eastshire", url=PEER_URL, public_key_pem=public_pem(peer_key))


@pytest.fixture
def signed_post(client: Client, peer_key: Ed25519PrivateKey) -> SignedPost:
    """POST `body` to the inbox signed with `key` (the peer's by default); `headers`
    replaces the signed headers, for tampering."""

    def post(
        body: bytes,
        key: Ed25519PrivateKey | None = None,
        *,
        headers: dict[str, str] | None = None,
        **sign: Any,
    ) -> Any:
        found = headers if headers is not None else signed_headers(body, key or peer_key, **sign)
        found = {k: v for k, v in found.items() if k.lower() != "content-type"}
        return client.post(INBOX_PATH, data=body, content_type="application/json", headers=found)

    return post
