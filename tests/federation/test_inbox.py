"""POST /federation/inbox: another deployment's signed messages, verified against the key
pinned here, taken once, with their effect and ledger entries in one transaction; a
refused message (bad signature, replay, content refused) writes nothing."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from safeshare.accounts.models import Organisation
from safeshare.federation import actions, jws, keys, signing
from safeshare.federation.models import (
    Direction,
    InboundRequest,
    Message,
    MessageStatus,
    Nonce,
    Peer,
    ReceivedDisclosure,
)
from safeshare.ledger.models import Entry
from safeshare.requests.models import InformationRequest, Status
from tests.factories import OrganisationFactory
from tests.factories.requests import InformationRequestFactory
from tests.federation.conftest import (
    INBOX_PATH,
    PEER_URL,
    SENDER_ENTRY,
    SignedPost,
    counts,
    envelope,
    public_pem,
    request_content,
    signed_headers,
)

pytestmark = pytest.mark.usefixtures("own_key", "peer")


@pytest.fixture
def school(db: None) -> Organisation:
    return OrganisationFactory.create(name="Riverside Primary School")


def error(response: Any) -> str:
    return str(json.loads(response.content)["error"])


def events(name: str) -> int:
    return Entry.objects.filter(event_type=name).count()


def test_a_request_is_taken_with_a_signed_answer(
    signed_post: SignedPost, school: Organisation, own_key: Ed25519PrivateKey, peer: Peer
) -> None:
    content = request_content(school)
    response = signed_post(envelope("request", content))
    assert response.status_code == 200, response.content
    answer = json.loads(response.content)
    verified = signing.verify_response(
        status=200,
        headers=dict(response.headers),
        body=response.content,
        key=own_key.public_key(),
    )
    assert verified.key_id == keys.key_id(own_key.public_key())
    message = Message.objects.get(direction=Direction.IN)
    assert answer == {"received": str(message.message_id), "ledger_entry": message.entry_hash}
    assert message.status == MessageStatus.RECEIVED
    assert message.peer_entry_hash == SENDER_ENTRY
    assert message.peer == peer
    inbound = InboundRequest.objects.get()
    assert inbound.message == message
    assert inbound.remote_request_id == content["request"]["id"]
    assert inbound.requester_name == "Alex Officer"
    local = InformationRequest.objects.get()
    assert inbound.request == local
    assert local.to_organisation == school
    assert local.urgency == "standard"
    assert local.external_requester_organisation == "Eastshire Police (Eastshire)"
    received = Entry.objects.get(event_type="federation.message.received")
    assert actions.entry_hash(received) == message.entry_hash
    assert received.payload["peer_entry"] == SENDER_ENTRY
    assert events("requests.request.received") == 1
    assert Nonce.objects.filter(peer=peer).count() == 1


def test_the_answer_is_signed_with_this_deployments_key(
    signed_post: SignedPost, school: Organisation, peer_key: Ed25519PrivateKey
) -> None:
    response = signed_post(envelope("request", request_content(school)))
    assert response.status_code == 200
    with pytest.raises(signing.Refused):
        signing.verify_response(
            status=200,
            headers=dict(response.headers),
            body=response.content,
            key=peer_key.public_key(),
        )


def test_a_retried_delivery_is_taken_once(signed_post: SignedPost, school: Organisation) -> None:
    body = envelope("request", request_content(school))
    first = signed_post(body)
    assert first.status_code == 200
    before = counts()
    again = signed_post(body)  # the same message, signed again: a new nonce
    assert again.status_code == 200, again.content
    assert json.loads(again.content) == json.loads(first.content)
    after = counts()
    assert after.pop("Nonce") == before.pop("Nonce") + 1  # that signature cannot be replayed
    assert after == before


def test_a_replayed_signature_is_refused_and_writes_nothing(
    signed_post: SignedPost, school: Organisation, peer_key: Ed25519PrivateKey
) -> None:
    body = envelope("request", request_content(school))
    headers = signed_headers(body, peer_key)
    assert signed_post(body, headers=headers).status_code == 200
    before = counts()
    replay = signed_post(body, headers=headers)
    assert replay.status_code == 409
    assert error(replay) == "Replay: this signature's nonce was already used"
    assert "Signature" not in replay.headers
    assert counts() == before


def test_a_key_not_pinned_here_is_refused(signed_post: SignedPost, school: Organisation) -> None:
    before = counts()
    response = signed_post(
        envelope("request", request_content(school)), Ed25519PrivateKey.generate()
    )
    assert response.status_code == 401
    assert error(response) == "The message is signed with a key not pinned here"
    assert counts() == before


def test_an_inactive_peer_is_refused(
    signed_post: SignedPost, school: Organisation, peer: Peer
) -> None:
    Peer.objects.filter(pk=peer.pk).update(active=False)
    response = signed_post(envelope("request", request_content(school)))
    assert response.status_code == 401


def test_a_stale_message_is_refused(signed_post: SignedPost, school: Organisation) -> None:
    before = counts()
    created = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=301)
    response = signed_post(envelope("request", request_content(school)), created=created)
    assert response.status_code == 401
    assert error(response) == (
        "The message is stale: its signature was created more than 300 seconds from now"
    )
    assert counts() == before


def test_a_message_signed_for_another_path_is_refused(
    signed_post: SignedPost, school: Organisation
) -> None:
    response = signed_post(
        envelope("request", request_content(school)), url="http://testserver/federation/other"
    )
    assert response.status_code == 401
    assert error(response).startswith("The signature does not verify")


def test_an_unsigned_message_is_a_bad_request(client: Client, school: Organisation) -> None:
    response = client.post(
        INBOX_PATH,
        data=envelope("request", request_content(school)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert error(response) == (
        "The message is not signed: send Signature-Input and Signature (RFC 9421)"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "The body is not JSON"),
        (b"[1]", "The body must be a JSON object"),
        (
            envelope("gossip", {}),
            "'type' must be one of request, disclosure, receipt, revocation",
        ),
        (
            envelope("request", {}, ledger_entry=None),
            "'ledger_entry' must name the sender's ledger entry",
        ),
        (
            envelope("request", {}, ledger_entry="3:ab"),
            "'ledger_entry' must name the sender's ledger entry",
        ),
        (
            json.dumps({"type": "request", "id": "x", "content": {}}).encode(),
            "'id' must be the message's UUID",
        ),
    ],
)
def test_a_malformed_message_is_a_bad_request(
    signed_post: SignedPost, body: bytes, message: str
) -> None:
    before = counts()
    response = signed_post(body)
    assert response.status_code == 400
    assert error(response) == message
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"to": "not-a-code"}, "No organisation here has the code not-a-code"),
        ({"urgency": "whenever"}, "'urgency' must be one of "),
        ({"statutory_basis": "vibes"}, "'statutory_basis' must be one of "),
        ({"why_needed": ""}, "'why_needed' must be text of 1 to 5000 characters"),
        ({"requester": None}, "A request names who it is 'from' and its 'requester'"),
        ({"due_at": "tomorrow"}, "'due_at' must be a date and time with its offset (ISO 8601)"),
        ({"reference": "R" * 21}, "'reference' must be text of 1 to 20 characters"),
    ],
)
def test_request_content_refused_writes_nothing(
    signed_post: SignedPost, school: Organisation, change: dict[str, Any], message: str
) -> None:
    content = request_content(school, **change)
    if change == {"requester": None}:
        del content["request"]["requester"]
    before = counts()
    response = signed_post(envelope("request", content))
    assert response.status_code == 422, response.content
    assert error(response).startswith(message)
    assert counts() == before
    # The nonce is not kept either: the same signed message can be sent again once the
    # content is acceptable here (an organisation added, say).
    assert Nonce.objects.count() == before["Nonce"]


def test_a_request_to_a_remote_organisation_here_is_refused(
    signed_post: SignedPost, peer_key: Ed25519PrivateKey, own_key: Ed25519PrivateKey
) -> None:
    """A code of an organisation that is itself another deployment's is not one of ours."""
    remote = actions.add_remote(
        name="Eastshire Council", url=PEER_URL, public_key_pem=public_pem(peer_key), code="c1"
    )
    before = counts()
    response = signed_post(envelope("request", request_content(remote.organisation)))
    assert response.status_code == 422
    assert error(response) == f"No organisation here has the code {remote.organisation.pk}"
    assert counts() == before


def test_the_same_request_in_another_message_is_refused(
    signed_post: SignedPost, school: Organisation
) -> None:
    content = request_content(school)
    assert signed_post(envelope("request", content)).status_code == 200
    before = counts()
    response = signed_post(envelope("request", content))  # a new message id
    assert response.status_code == 422
    assert error(response).endswith("was already received in another message")
    assert counts() == before


def test_a_body_over_the_limit_is_refused(signed_post: SignedPost) -> None:
    body = b'{"pad":"' + b"x" * actions.MAX_BODY_BYTES + b'"}'
    before = counts()
    response = signed_post(body)
    assert response.status_code == 413
    assert error(response) == "The message is too large"
    assert counts() == before
    with pytest.raises(signing.Refused) as caught:
        actions.receive(method="POST", url="http://testserver" + INBOX_PATH, headers={}, body=body)
    assert caught.value.status == 413


def test_without_its_own_key_the_inbox_is_unavailable(
    signed_post: SignedPost, school: Organisation, settings: Any
) -> None:
    settings.SAFESHARE_FEDERATION_KEY = ""
    before = counts()
    response = signed_post(envelope("request", request_content(school)))
    assert response.status_code == 503
    assert error(response) == "This deployment does not take part in federation"
    assert counts() == before


def test_get_is_not_allowed(client: Client) -> None:
    assert client.get(INBOX_PATH).status_code == 405


# --- Disclosures and receipts ------------------------------------------------------------


@pytest.fixture
def sent_request(peer_key: Ed25519PrivateKey) -> InformationRequest:
    """A request this deployment sent to an organisation on the peer's deployment."""
    remote = actions.add_remote(
        name="Eastshire Council", url=PEER_URL, public_key_pem=public_pem(peer_key), code="c1"
    )
    return InformationRequestFactory.create(to_organisation=remote.organisation)


def disclosure(sent: InformationRequest, **changes: Any) -> dict[str, Any]:
    now = datetime.datetime.now(datetime.UTC)
    assert sent.requested_by is not None
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "reference": "FED-ABCDEFGH",
        "request": {"id": str(sent.pk), "reference": sent.reference},
        "recipient": {"id": str(sent.requested_by.pk), "name": "Sam", "organisation": "x"},
        "sender": {"organisation": "Eastshire Council", "name": "Jo", "role": "DSL"},
        "items": [{"text": "Attends every day"}],
        "message": "",
        "sent_at": now.isoformat(),
        "expires_at": (now + datetime.timedelta(days=30)).isoformat(),
    }
    payload.update(changes)
    return payload


def test_a_disclosure_answering_a_request_sent_from_here_is_taken(
    signed_post: SignedPost, sent_request: InformationRequest, peer_key: Ed25519PrivateKey
) -> None:
    token = jws.sign(disclosure(sent_request), peer_key)
    response = signed_post(envelope("disclosure", {"jws": token}))
    assert response.status_code == 200, response.content
    received = ReceivedDisclosure.objects.get()
    assert (received.request, received.recipient) == (sent_request, sent_request.requested_by)
    assert received.jws == token
    sent_request.refresh_from_db()
    assert sent_request.status == Status.ANSWERED
    assert events("federation.disclosure.received") == 1
    assert events("requests.request.answered") == 1


def test_a_disclosure_for_a_request_not_sent_from_here_is_refused(
    signed_post: SignedPost, sent_request: InformationRequest, peer_key: Ed25519PrivateKey
) -> None:
    payload = disclosure(sent_request, request={"id": str(uuid.uuid4()), "reference": "X"})
    before = counts()
    response = signed_post(envelope("disclosure", {"jws": jws.sign(payload, peer_key)}))
    assert response.status_code == 422
    assert error(response) == (
        "The disclosure does not answer a request this deployment sent to its deployment"
    )
    assert counts() == before


def test_a_disclosure_for_a_request_sent_to_a_local_organisation_is_refused(
    signed_post: SignedPost, school: Organisation, peer_key: Ed25519PrivateKey
) -> None:
    local = InformationRequestFactory.create(to_organisation=school)
    before = counts()
    response = signed_post(envelope("disclosure", {"jws": jws.sign(disclosure(local), peer_key)}))
    assert response.status_code == 422
    assert counts() == before


def test_a_disclosure_signed_with_another_key_is_refused(
    signed_post: SignedPost, sent_request: InformationRequest
) -> None:
    token = jws.sign(disclosure(sent_request), Ed25519PrivateKey.generate())
    before = counts()
    response = signed_post(envelope("disclosure", {"jws": token}))
    assert response.status_code == 422
    assert error(response) == "The disclosure is not signed with the key pinned for its deployment"
    assert counts() == before


def test_a_disclosure_for_someone_other_than_the_requester_is_refused(
    signed_post: SignedPost, sent_request: InformationRequest, peer_key: Ed25519PrivateKey
) -> None:
    payload = disclosure(sent_request, recipient={"id": str(uuid.uuid4()), "name": "Other"})
    before = counts()
    response = signed_post(envelope("disclosure", {"jws": jws.sign(payload, peer_key)}))
    assert response.status_code == 422
    assert error(response) == (
        "The disclosure's recipient is not the practitioner who made the request"
    )
    assert counts() == before
    sent_request.refresh_from_db()
    assert sent_request.status != Status.ANSWERED


def test_a_receipt_for_a_disclosure_not_sent_from_here_is_refused(
    signed_post: SignedPost,
) -> None:
    content = {
        "disclosure": str(uuid.uuid4()),
        "kind": "opened",
        "at": datetime.datetime.now(datetime.UTC).isoformat(),
    }
    before = counts()
    response = signed_post(envelope("receipt", content))
    assert response.status_code == 422
    assert error(response) == "No disclosure was sent from here to that deployment with that id"
    assert counts() == before


def test_a_revocation_of_an_unknown_disclosure_is_refused(signed_post: SignedPost) -> None:
    content = {"disclosure": "d-1", "at": datetime.datetime.now(datetime.UTC).isoformat()}
    before = counts()
    response = signed_post(envelope("revocation", content))
    assert response.status_code == 422
    assert error(response) == "No disclosure from that deployment has that id here"
    assert counts() == before


@pytest.mark.parametrize("name", ["due_at", "received_at"])
def test_a_well_formed_but_impossible_date_is_refused_not_a_server_error(
    signed_post: SignedPost, school: Organisation, name: str
) -> None:
    """parse_datetime raises ValueError for a date like 30 February: content refused (422),
    not an unhandled error (500)."""
    content = request_content(school, **{name: "2026-02-30T10:00:00+00:00"})
    before = counts()
    response = signed_post(envelope("request", content))
    assert response.status_code == 422
    assert error(response) == f"'{name}' must be a date and time with its offset (ISO 8601)"
    assert counts() == before


def test_a_body_not_in_utf_8_is_a_bad_request(
    signed_post: SignedPost, school: Organisation
) -> None:
    """json.loads takes UTF-16 too, but the message is stored as UTF-8 text: refused (400)
    rather than failing (500) when it is stored."""
    body = envelope("request", request_content(school)).decode().encode("utf-16")
    before = counts()
    response = signed_post(body)
    assert response.status_code == 400
    assert error(response) == "The body is not JSON"
    assert counts() == before
