"""Every change federation makes, each in one transaction with its ledger entry.

Pinning (administrators, from the command line): `add_peer`, `add_remote`, `pin_key`.
Sending (practitioners): a request to a remote organisation is queued by
`RequestForwarder` inside `requests.actions.raise_request`; `send_remote_disclosure`
signs and queues the answer; `record_opened` / `acknowledge` report back; `revoke`
withdraws it. Receiving (`receive`, called by the inbox view): the signature is checked
against the pinned key first, then the nonce, the message and its effect are written in
one transaction: a replay, a bad signature or content this side refuses writes nothing.

Each side's ledger entry for a message carries the other side's entry hash: the message
carries the sender's (`ledger_entry`), the signed answer carries the receiver's, which the
sender records in `federation.message.delivered` (docs/federation.md).
"""

from __future__ import annotations

import datetime
import json
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from safeshare.accounts.models import Organisation, OrganisationKind, User
from safeshare.core.forms import LONG_TEXT, clean_text
from safeshare.decisions.models import Decision, InformationItem
from safeshare.disclosures import notifications as disclosure_notifications
from safeshare.disclosures import permissions as disclosure_permissions
from safeshare.disclosures.actions import check_expiry, expires_at
from safeshare.disclosures.models import MAX_AVAILABLE_DAYS
from safeshare.disclosures.queries import lawful_basis_summary
from safeshare.federation import jws, keys, permissions, signing
from safeshare.federation.models import (
    Direction,
    EventKind,
    InboundRequest,
    Kind,
    Message,
    MessageStatus,
    Nonce,
    Peer,
    ReceivedDisclosure,
    ReceivedEvent,
    RemoteOrganisation,
    SentDisclosure,
    SentEvent,
)
from safeshare.ledger.actions import append_entry
from safeshare.ledger.models import Entry
from safeshare.requests import actions as request_actions
from safeshare.requests.models import InformationRequest, StatutoryBasis
from safeshare.vocabulary.models import ContactMethod, Purpose, Urgency

INBOX_PATH = "/federation/inbox"
MAX_BODY_BYTES = 512 * 1024


class FederationError(ValueError):
    """Input an action refuses; `field` names the form field (or option) at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class Invalid(signing.Refused):
    """A verified message whose content this side refuses (422)."""

    def __init__(self, message: str) -> None:
        super().__init__(422, message)


def entry_hash(entry: Entry) -> str:
    """How one side names an entry to the other: its sequence number and leaf hash."""
    return f"{entry.sequence}:{bytes(entry.leaf_hash).hex()}"


# --- Pinning ----------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.netloc or parts.query or parts.fragment:
        raise FederationError(
            "url", "Enter the deployment's base URL, like https://safeshare.example.gov.uk"
        )
    return url


def add_peer(*, name: str, url: str, public_key_pem: str) -> Peer:
    """Pin another deployment: its base URL and its public key, exchanged out of band."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise FederationError("name", "Enter the deployment's name, 100 characters or fewer")
    url = _clean_url(url)
    try:
        public = keys.load_public(public_key_pem)
    except keys.KeyError_ as exc:
        raise FederationError("key", str(exc)) from exc
    key_id = keys.key_id(public)
    with transaction.atomic():
        if Peer.objects.filter(name=name).exists():
            raise FederationError("name", f"A deployment named {name!r} is already pinned")
        if Peer.objects.filter(base_url=url).exists():
            raise FederationError("url", f"A deployment at {url} is already pinned")
        if Peer.objects.filter(key_id=key_id).exists():
            raise FederationError("key", "Another deployment is already pinned with this key")
        peer = Peer.objects.create(
            name=name, base_url=url, public_key=keys.public_pem(public), key_id=key_id
        )
        append_entry(
            event_type="federation.peer.pinned",
            actor=None,
            organisation=None,
            obj=peer,
            payload={"peer": name, "key_id": key_id},
        )
    return peer


def pin_key(*, peer_name: str, public_key_pem: str) -> Peer:
    """Key rotation: the peer's new public key replaces the pinned one (exchanged out of
    band as the first was). Messages signed with the old key are refused from now on."""
    try:
        public = keys.load_public(public_key_pem)
    except keys.KeyError_ as exc:
        raise FederationError("key", str(exc)) from exc
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(name=peer_name).first()
        if peer is None:
            raise FederationError("peer", f"No deployment named {peer_name!r} is pinned")
        old = peer.key_id
        peer.previous_keys = [
            *peer.previous_keys,
            {
                "key_id": old,
                "public_key": peer.public_key,
                "retired_at": timezone.now().isoformat(),
            },
        ]
        peer.public_key = keys.public_pem(public)
        peer.key_id = keys.key_id(public)
        peer.pinned_at = timezone.now()
        try:
            with transaction.atomic():
                peer.save()
        except IntegrityError as exc:
            raise FederationError("key", "Another deployment is pinned with this key") from exc
        append_entry(
            event_type="federation.peer.key_rotated",
            actor=None,
            organisation=None,
            obj=peer,
            payload={"peer": peer.name, "old_key_id": old, "key_id": peer.key_id},
        )
    return peer


def add_remote(
    *,
    name: str,
    url: str,
    public_key_pem: str,
    code: str,
    kind: str = OrganisationKind.OTHER,
    peer_name: str | None = None,
) -> RemoteOrganisation:
    """An organisation of another partnership, in this directory: its deployment pinned
    (added now if new; its key must match if already pinned) and its code there."""
    name = (name or "").strip()
    code = (code or "").strip()
    if not name or len(name) > 200:
        raise FederationError("name", "Enter the organisation's name, 200 characters or fewer")
    if not code or len(code) > 64:
        raise FederationError(
            "organisation-code", "Enter the organisation's code on its deployment"
        )
    if kind not in OrganisationKind.values:
        raise FederationError("kind", f"Kind must be one of {', '.join(OrganisationKind.values)}")
    url = _clean_url(url)
    try:
        key_id = keys.key_id(keys.load_public(public_key_pem))
    except keys.KeyError_ as exc:
        raise FederationError("key", str(exc)) from exc
    with transaction.atomic():
        peer = Peer.objects.filter(base_url=url).first()
        if peer is None:
            host = urlsplit(url).netloc
            peer = add_peer(name=peer_name or host, url=url, public_key_pem=public_key_pem)
        elif peer.key_id != key_id:
            raise FederationError(
                "key",
                f"The deployment at {url} is pinned with another key: if it has rotated its "
                f"key, run `safeshare federation pin-key --peer {peer.name} --key FILE`",
            )
        if Organisation.objects.filter(name=name).exists():
            raise FederationError("name", f"An organisation named {name!r} already exists")
        if RemoteOrganisation.objects.filter(peer=peer, code=code).exists():
            raise FederationError(
                "organisation-code", f"{peer.name}'s organisation {code} is already added"
            )
        organisation = Organisation.objects.create(
            name=name,
            kind=kind,
            public_authority=kind not in {OrganisationKind.VOLUNTARY, OrganisationKind.PRIVATE},
        )
        append_entry(
            event_type="accounts.organisation.added",
            actor=None,
            organisation=organisation,
            obj=organisation,
            payload={"kind": kind, "remote": True, "peer": peer.name},
        )
        remote = RemoteOrganisation.objects.create(organisation=organisation, peer=peer, code=code)
        append_entry(
            event_type="federation.remote.added",
            actor=None,
            organisation=organisation,
            obj=remote,
            payload={"peer": peer.name, "code": code},
        )
    return remote


# --- The outbound queue -----------------------------------------------------------------


def envelope(message: Message) -> bytes:
    """The body sent for a queued message: what it stores, with its ledger entry's hash
    (which cannot be in the stored body, since the entry covers that body) and the id of
    the key signing it."""
    stored = json.loads(message.body)
    stored["ledger_entry"] = message.entry_hash
    # The key that signs it now (queueing needs no key: a recipient can open what was
    # sent to them while the administrator has yet to configure one).
    stored["from"] = keys.own_key_id()
    return json.dumps(stored, sort_keys=True, separators=(",", ":")).encode()


def _queue(
    *,
    peer: Peer,
    kind: str,
    content: dict[str, Any],
    actor: User | None,
    organisation: Any,
    about: Any,
) -> Message:
    message_id = uuid.uuid4()
    body = {
        "type": kind,
        "id": str(message_id),
        "sent_at": timezone.now().isoformat(),
        "content": content,
    }
    message = Message.objects.create(
        direction=Direction.OUT,
        peer=peer,
        kind=kind,
        message_id=message_id,
        about=str(about),
        body=json.dumps(body, sort_keys=True, separators=(",", ":")),
        status=MessageStatus.QUEUED,
    )
    entry = append_entry(
        event_type="federation.message.sent",
        actor=actor,
        organisation=organisation,
        obj=message,
        payload={"kind": kind, "message": str(message_id), "peer": peer.name},
    )
    message.entry_hash = entry_hash(entry)
    message.save(update_fields=["entry_hash"])
    from safeshare.federation import delivery

    transaction.on_commit(lambda: delivery.deliver_queued(peer_id=peer.pk))
    return message


def record_delivered(message: Message, peer_entry: str) -> bool:
    """The peer's signed answer named its entry for the message: recorded once."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.status != MessageStatus.QUEUED:
            return False
        locked.status = MessageStatus.DELIVERED
        locked.peer_entry_hash = peer_entry[:80]
        locked.delivered_at = timezone.now()
        locked.last_error = ""
        locked.save()
        append_entry(
            event_type="federation.message.delivered",
            actor=None,
            organisation=None,
            obj=locked,
            payload={
                "kind": locked.kind,
                "message": str(locked.message_id),
                "peer_entry": locked.peer_entry_hash,
            },
        )
    return True


def record_refused(message: Message, status: int, reason: str) -> bool:
    """The peer refused the message for good (a 4xx answer): kept, with why, for the
    administrators; it is not sent again."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.status != MessageStatus.QUEUED:
            return False
        locked.status = MessageStatus.REFUSED
        locked.last_error = f"{status}: {reason}"[:300]
        locked.save()
        append_entry(
            event_type="federation.message.refused",
            actor=None,
            organisation=None,
            obj=locked,
            payload={"kind": locked.kind, "message": str(locked.message_id), "status": status},
        )
    return True


# --- A request to a remote organisation ---------------------------------------------------


class RequestForwarder:
    """Registered with requests/forwarding.py: raise_request calls it in its transaction."""

    def forward(self, *, actor: User, request: InformationRequest) -> None:
        remote = (
            RemoteOrganisation.objects.select_related("peer")
            .filter(organisation_id=request.to_organisation_id)
            .first()
        )
        if remote is None:
            return
        if not remote.peer.active:
            raise PermissionDenied(f"{remote.peer.name}'s deployment is no longer pinned here")
        sender = actor.organisation
        assert sender is not None
        content = {
            "request": {
                "id": str(request.pk),
                "reference": request.reference,
                "to": remote.code,
                "from": {"id": str(sender.pk), "name": sender.name},
                "requester": {
                    "id": str(actor.pk),
                    "name": actor.display_name(),
                    "role": actor.job_title,
                },
                "subject_details": request.subject_details,
                "purpose_category": request.purpose_category.name,
                "purpose": request.purpose,
                "information_needed": request.information_needed,
                "why_needed": request.why_needed,
                "urgency": request.urgency,
                "statutory_basis": request.statutory_basis,
                "statutory_basis_detail": request.statutory_basis_detail,
                "received_at": request.received_at.isoformat(),
                "due_at": request.due_at.isoformat(),
            }
        }
        _queue(
            peer=remote.peer,
            kind=Kind.REQUEST,
            content=content,
            actor=actor,
            organisation=sender,
            about=request.pk,
        )


# --- The answer: a signed disclosure ------------------------------------------------------


def _reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "FED-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _item(item: InformationItem) -> dict[str, Any]:
    return {
        "text": item.text,
        "nature": item.get_nature_display(),
        "opinion_of": item.opinion_of,
        "currency": item.get_currency_display(),
        "relates_to": item.relates_to.isoformat() if item.relates_to else None,
        "source": item.source,
        "about": item.about.full_name if item.about is not None else "",
    }


def send_remote_disclosure(
    *,
    actor: User,
    decision: Decision,
    items: Sequence[InformationItem],
    message: str,
    expires_on: datetime.date,
) -> SentDisclosure:
    """Items of a finalised sharing decision that answers a request from another
    partnership, signed as a JWS for the practitioner who asked, and queued for their
    deployment. The same items, message and expiry again, while the first is available,
    return the first (`repeated`)."""
    if not disclosure_permissions.can_send(actor, decision):
        raise PermissionDenied("You cannot send information from this decision")
    inbound = (
        InboundRequest.objects.select_related("peer").filter(request_id=decision.request_id).first()
    )
    if inbound is None:
        raise PermissionDenied("This decision does not answer a request from another partnership")
    chosen = list(items)
    if not chosen:
        raise FederationError("items", "Select at least one piece of information to send")
    if len({i.pk for i in chosen}) != len(chosen) or any(
        i.decision_id != decision.pk for i in chosen
    ):
        raise FederationError("items", "Send only information recorded in this decision, each once")
    message = clean_text(message or "", "Message")
    if len(message) > LONG_TEXT:
        raise FederationError("message", f"Message must be {LONG_TEXT} characters or fewer")
    try:
        check_expiry(expires_on)
    except ValueError as exc:
        raise FederationError("expires_on", str(exc)) from exc
    key = keys.own_key()
    chosen.sort(key=lambda i: (i.position, str(i.pk)))
    until = expires_at(expires_on)
    ids = [str(i.pk) for i in chosen]
    with transaction.atomic():
        Decision.objects.select_for_update().filter(pk=decision.pk).exists()
        for earlier in SentDisclosure.objects.filter(
            decision=decision, message=message, expires_at=until
        ).prefetch_related("events"):
            if earlier.item_ids == ids and earlier.status() not in {"revoked", "expired"}:
                earlier.repeated = True  # type: ignore[attr-defined]
                return earlier
        now = timezone.now()
        disclosure_id = uuid.uuid4()
        reference = _reference()
        organisation = actor.organisation
        assert organisation is not None
        full = Decision.objects.select_related("purpose_category", "frozen_explanation").get(
            pk=decision.pk
        )
        payload = {
            "id": str(disclosure_id),
            "reference": reference,
            "request": {"id": inbound.remote_request_id, "reference": inbound.remote_reference},
            "recipient": {
                "id": inbound.requester_id,
                "name": inbound.requester_name,
                "organisation": inbound.organisation_code,
            },
            "sender": {
                "organisation": organisation.name,
                "name": actor.display_name(),
                "role": actor.job_title,
                "contact": actor.email,
            },
            "about": [p.full_name for p in full.subjects.all()],
            "purpose": full.purpose,
            "purpose_category": full.purpose_category.name if full.purpose_category else "",
            "lawful_basis": [list(row) for row in lawful_basis_summary(full)],
            "items": [_item(i) for i in chosen],
            "message": message,
            "sent_at": now.isoformat(),
            "expires_at": until.isoformat(),
        }
        token = jws.sign(payload, key)
        sent = SentDisclosure.objects.create(
            id=disclosure_id,
            reference=reference,
            decision=decision,
            inbound=inbound,
            organisation=organisation,
            sent_by=actor,
            jws=token,
            item_ids=ids,
            message=message,
            sent_at=now,
            expires_at=until,
        )
        append_entry(
            event_type="federation.disclosure.sent",
            actor=actor,
            organisation=organisation,
            obj=sent,
            payload={
                "disclosure": str(sent.pk),
                "reference": reference,
                "decision": str(decision.pk),
                "peer": inbound.peer.name,
                "items": len(chosen),
                "expires_on": expires_on.isoformat(),
            },
        )
        _queue(
            peer=inbound.peer,
            kind=Kind.DISCLOSURE,
            content={"jws": token},
            actor=actor,
            organisation=organisation,
            about=sent.pk,
        )
    return sent


def revoke(*, actor: User, disclosure: SentDisclosure, reason: str) -> SentEvent:
    """The sending organisation withdraws a disclosure it sent to another partnership;
    the revocation is sent, signed, and the recipient there can no longer open it."""
    if not permissions.can_revoke(actor, disclosure):
        raise PermissionDenied("You cannot revoke this disclosure")
    reason = clean_text(reason or "", "Reason")
    if not reason:
        raise FederationError("reason", "Enter why you are revoking it")
    if len(reason) > LONG_TEXT:
        raise FederationError("reason", f"Reason must be {LONG_TEXT} characters or fewer")
    with transaction.atomic():
        locked = SentDisclosure.objects.select_for_update().get(pk=disclosure.pk)
        done = SentEvent.objects.filter(disclosure=locked, kind=EventKind.REVOKED).first()
        if done is not None:
            return done
        event = SentEvent.objects.create(
            disclosure=locked, kind=EventKind.REVOKED, by=actor, reason=reason
        )
        append_entry(
            event_type="federation.disclosure.revoked",
            actor=actor,
            organisation=actor.organisation,
            obj=event,
            payload={"disclosure": str(locked.pk), "reference": locked.reference},
        )
        inbound = InboundRequest.objects.select_related("peer").get(pk=locked.inbound_id)
        _queue(
            peer=inbound.peer,
            kind=Kind.REVOCATION,
            # The reason stays here, as within a partnership: the recipient is not shown it.
            content={"disclosure": str(locked.pk), "at": event.at.isoformat()},
            actor=actor,
            organisation=actor.organisation,
            about=locked.pk,
        )
    return event


# --- On the requesting side: the named recipient opens and acknowledges -----------------


def _receipt(actor: User, disclosure: ReceivedDisclosure, kind: str) -> ReceivedEvent | None:
    if not permissions.can_open(actor, disclosure):
        raise PermissionDenied("You cannot open this disclosure")
    with transaction.atomic():
        locked = ReceivedDisclosure.objects.select_for_update().get(pk=disclosure.pk)
        if ReceivedEvent.objects.filter(disclosure=locked, kind=kind).exists():
            return None
        if (
            not ReceivedDisclosure.objects.prefetch_related("events")
            .get(pk=locked.pk)
            .is_available()
        ):
            raise PermissionDenied("This disclosure has been revoked or has expired")
        event = ReceivedEvent.objects.create(disclosure=locked, kind=kind, by=actor)
        append_entry(
            event_type=f"federation.disclosure.{kind}",
            actor=actor,
            organisation=actor.organisation,
            obj=event,
            payload={"disclosure": str(locked.pk), "reference": locked.reference},
        )
        _queue(
            peer=Peer.objects.get(pk=locked.peer_id),
            kind=Kind.RECEIPT,
            content={"disclosure": locked.remote_id, "kind": kind, "at": event.at.isoformat()},
            actor=actor,
            organisation=actor.organisation,
            about=locked.pk,
        )
    return event


def record_opened(*, actor: User, disclosure: ReceivedDisclosure) -> ReceivedEvent | None:
    """The read receipt, the first time the named recipient opens it; reported back."""
    return _receipt(actor, disclosure, EventKind.OPENED)


def acknowledge(*, actor: User, disclosure: ReceivedDisclosure) -> ReceivedEvent | None:
    """The recipient acknowledges receiving it, once; reported back."""
    if disclosure.status() == "new":
        record_opened(actor=actor, disclosure=disclosure)
    return _receipt(actor, disclosure, EventKind.ACKNOWLEDGED)


# --- Receiving ----------------------------------------------------------------------------


def _text(content: Mapping[str, Any], name: str, limit: int, *, required: bool = True) -> str:
    value = content.get(name, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise Invalid(f"'{name}' must be text of 1 to {limit} characters")
    return value


def _when(content: Mapping[str, Any], name: str) -> datetime.datetime:
    value = content.get(name)
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, like 30 February
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Invalid(f"'{name}' must be a date and time with its offset (ISO 8601)")
    return parsed


def _on_request(peer: Peer, message: Message, content: Mapping[str, Any]) -> None:
    request = content.get("request")
    if not isinstance(request, dict):
        raise Invalid("A request message carries 'request'")
    code = _text(request, "to", 64)
    try:
        to = Organisation.objects.filter(pk=uuid.UUID(code), remote__isnull=True).first()
    except ValueError:
        to = None
    if to is None:
        raise Invalid(f"No organisation here has the code {code}")
    sender = request.get("from")
    requester = request.get("requester")
    if not isinstance(sender, dict) or not isinstance(requester, dict):
        raise Invalid("A request names who it is 'from' and its 'requester'")
    urgency = _text(request, "urgency", 16)
    if urgency not in Urgency.values:
        raise Invalid(f"'urgency' must be one of {', '.join(Urgency.values)}")
    basis = _text(request, "statutory_basis", 16)
    if basis not in StatutoryBasis.values:
        raise Invalid(f"'statutory_basis' must be one of {', '.join(StatutoryBasis.values)}")
    category = _text(request, "purpose_category", 200)
    purpose = (
        Purpose.objects.filter(name=category).first()
        or Purpose.objects.filter(active=True).order_by("position", "name").last()
    )
    if purpose is None:
        raise Invalid("This deployment has no purposes for sharing set up")
    received_at = _when(request, "received_at")
    due_at = _when(request, "due_at")
    remote_id = _text(request, "id", 64)
    if InboundRequest.objects.filter(peer=peer, remote_request_id=remote_id).exists():
        raise Invalid(f"Request {remote_id} was already received in another message")
    sender_name = _text(sender, "name", 200)
    details = {
        "subject_details": _text(request, "subject_details", LONG_TEXT),
        "purpose_category": purpose,
        "purpose": _text(request, "purpose", LONG_TEXT),
        "information_needed": _text(request, "information_needed", LONG_TEXT),
        "why_needed": _text(request, "why_needed", LONG_TEXT),
        "urgency": urgency,
        "statutory_basis": basis,
        "statutory_basis_detail": _text(request, "statutory_basis_detail", 300, required=False),
    }
    if purpose.name != category:
        details["purpose"] = f"{details['purpose']}\n\n(Their purpose: {category})"[:LONG_TEXT]
    external = {
        "external_requester_name": _text(requester, "name", 200),
        "external_requester_role": _text(requester, "role", 200, required=False),
        "external_requester_organisation": f"{sender_name} ({peer.name})"[:200],
        "external_requester_contact": "",
        "external_received_by": ContactMethod.IN_SYSTEM,
        "external_identity_check": (
            f"Sent by {peer.name}'s safeshare deployment, its signature (RFC 9421, Ed25519) "
            f"verified against the key pinned here (key {peer.key_id})."
        ),
    }
    local = request_actions.receive_federated_request(
        to_organisation=to,
        details=details,
        external=external,
        received_at=received_at,
        due_at=due_at,
        verified_by=f"federation:{peer.name}",
    )
    InboundRequest.objects.create(
        request=local,
        peer=peer,
        message=message,
        remote_request_id=remote_id,
        remote_reference=_text(request, "reference", 20),
        organisation_code=_text(sender, "id", 64),
        organisation_name=sender_name,
        requester_id=_text(requester, "id", 64),
        requester_name=external["external_requester_name"],
        requester_role=external["external_requester_role"],
    )


def _on_disclosure(peer: Peer, message: Message, content: Mapping[str, Any]) -> None:
    token = _text(content, "jws", 400_000)
    try:
        if jws.kid_of(token) != peer.key_id:
            raise Invalid("The disclosure is not signed with the key pinned for its deployment")
        payload = jws.verify(token, keys.load_public(peer.public_key))
    except jws.InvalidJWS as exc:
        raise Invalid(str(exc)) from exc
    request_ref = payload.get("request")
    recipient_ref = payload.get("recipient")
    if not isinstance(request_ref, dict) or not isinstance(recipient_ref, dict):
        raise Invalid("The disclosure names the 'request' it answers and its 'recipient'")
    try:
        request = (
            InformationRequest.objects.select_related("requested_by", "to_organisation__remote")
            .filter(pk=uuid.UUID(str(request_ref.get("id"))))
            .first()
        )
    except ValueError:
        request = None
    remote = getattr(request.to_organisation, "remote", None) if request is not None else None
    if request is None or remote is None or remote.peer_id != peer.pk:
        raise Invalid(
            "The disclosure does not answer a request this deployment sent to its deployment"
        )
    recipient = request.requested_by
    if recipient is None or str(recipient.pk) != str(recipient_ref.get("id")):
        raise Invalid("The disclosure's recipient is not the practitioner who made the request")
    if not recipient.is_active or recipient.organisation_id is None:
        raise Invalid("The disclosure's recipient can no longer receive information here")
    items = payload.get("items")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise Invalid("The disclosure must carry at least one item")
    sent_at = _when(payload, "sent_at")
    until = _when(payload, "expires_at")
    if not sent_at < until <= sent_at + datetime.timedelta(days=MAX_AVAILABLE_DAYS + 1):
        raise Invalid(
            f"The disclosure must expire after it is sent, within {MAX_AVAILABLE_DAYS} days"
        )
    remote_id = _text(payload, "id", 64)
    if ReceivedDisclosure.objects.filter(peer=peer, remote_id=remote_id).exists():
        raise Invalid(f"Disclosure {remote_id} was already received in another message")
    received = ReceivedDisclosure.objects.create(
        peer=peer,
        message=message,
        remote_id=remote_id,
        reference=_text(payload, "reference", 20),
        request=request,
        recipient=recipient,
        recipient_organisation_id=recipient.organisation_id,
        sender_organisation=request.to_organisation,
        jws=token,
        content=payload,
        sent_at=sent_at,
        expires_at=until,
    )
    append_entry(
        event_type="federation.disclosure.received",
        actor=None,
        organisation=recipient.organisation,
        obj=received,
        payload={
            "disclosure": str(received.pk),
            "reference": received.reference,
            "peer": peer.name,
            "peer_entry": message.peer_entry_hash,
        },
    )
    request_actions.record_remote_answer(
        request=request, answered_at=sent_at, reference=received.reference
    )
    disclosure_notifications.notify(
        "sent",
        recipient,
        reverse("federation:received_show", args=[received.pk]),
        organisation_id=recipient.organisation_id,
    )


def _on_receipt(peer: Peer, message: Message, content: Mapping[str, Any]) -> None:
    kind = _text(content, "kind", 16)
    if kind not in {EventKind.OPENED, EventKind.ACKNOWLEDGED}:
        raise Invalid("'kind' must be opened or acknowledged")
    sent = _sent_to(peer, content)
    at = _when(content, "at")
    if SentEvent.objects.filter(disclosure=sent, kind=kind).exists():
        return
    event = SentEvent.objects.create(disclosure=sent, kind=kind, at=at)
    append_entry(
        event_type=f"federation.disclosure.reported_{kind}",
        actor=None,
        organisation=sent.organisation,
        obj=event,
        payload={
            "disclosure": str(sent.pk),
            "reference": sent.reference,
            "peer_entry": message.peer_entry_hash,
        },
    )


def _sent_to(peer: Peer, content: Mapping[str, Any]) -> SentDisclosure:
    try:
        sent = (
            SentDisclosure.objects.select_related("inbound", "organisation")
            .filter(pk=uuid.UUID(str(content.get("disclosure"))))
            .first()
        )
    except ValueError:
        sent = None
    if sent is None or sent.inbound.peer_id != peer.pk:
        raise Invalid("No disclosure was sent from here to that deployment with that id")
    return sent


def _on_revocation(peer: Peer, message: Message, content: Mapping[str, Any]) -> None:
    remote_id = _text(content, "disclosure", 64)
    received = ReceivedDisclosure.objects.filter(peer=peer, remote_id=remote_id).first()
    if received is None:
        raise Invalid("No disclosure from that deployment has that id here")
    if ReceivedEvent.objects.filter(disclosure=received, kind=EventKind.REVOKED).exists():
        return
    event = ReceivedEvent.objects.create(
        disclosure=received, kind=EventKind.REVOKED, at=_when(content, "at")
    )
    append_entry(
        event_type="federation.disclosure.revocation_received",
        actor=None,
        organisation=received.recipient_organisation,
        obj=event,
        payload={
            "disclosure": str(received.pk),
            "reference": received.reference,
            "peer_entry": message.peer_entry_hash,
        },
    )
    disclosure_notifications.notify(
        "revoked",
        received.recipient,
        reverse("federation:received_show", args=[received.pk]),
        organisation_id=received.recipient_organisation_id,
    )


HANDLERS: dict[str, Callable[[Peer, Message, Mapping[str, Any]], None]] = {
    Kind.REQUEST: _on_request,
    Kind.DISCLOSURE: _on_disclosure,
    Kind.RECEIPT: _on_receipt,
    Kind.REVOCATION: _on_revocation,
}


def _envelope(body: bytes) -> dict[str, Any]:
    try:
        # UTF-8 only (json.loads would take UTF-16 too): the message is stored as UTF-8 text.
        found = json.loads(body.decode("utf-8"))
    except ValueError as exc:
        raise signing.Refused(400, "The body is not JSON") from exc
    if not isinstance(found, dict):
        raise signing.Refused(400, "The body must be a JSON object")
    if found.get("type") not in HANDLERS:
        raise signing.Refused(400, f"'type' must be one of {', '.join(HANDLERS)}")
    try:
        uuid.UUID(str(found.get("id")))
    except ValueError as exc:
        raise signing.Refused(400, "'id' must be the message's UUID") from exc
    entry = found.get("ledger_entry")
    if not isinstance(entry, str) or not 66 <= len(entry) <= 80:
        raise signing.Refused(400, "'ledger_entry' must name the sender's ledger entry")
    if not isinstance(found.get("content"), dict):
        raise signing.Refused(400, "'content' must be a JSON object")
    return found


def receive(*, method: str, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """Take one message from a peer: verified, then recorded with its effect, once.
    Returns the answer's body; raises signing.Refused (status and why) with nothing written."""
    if len(body) > MAX_BODY_BYTES:
        raise signing.Refused(413, "The message is too large")
    key_id = signing.signed_key_id(headers)
    peer = Peer.objects.filter(key_id=key_id, active=True).first()
    if peer is None:
        raise signing.Refused(401, "The message is signed with a key not pinned here")
    verified = signing.verify_request(
        method=method, url=url, headers=headers, body=body, key=keys.load_public(peer.public_key)
    )
    found = _envelope(body)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Nonce.objects.create(peer=peer, nonce=verified.nonce, created=verified.created)
        except IntegrityError as exc:
            raise signing.Refused(409, "Replay: this signature's nonce was already used") from exc
        message_id = uuid.UUID(str(found["id"]))
        earlier = Message.objects.filter(
            peer=peer, direction=Direction.IN, message_id=message_id
        ).first()
        if earlier is not None:
            # A retried delivery (the answer was lost): the same message, taken once.
            return {"received": str(message_id), "ledger_entry": earlier.entry_hash}
        message = Message.objects.create(
            direction=Direction.IN,
            peer=peer,
            kind=found["type"],
            message_id=message_id,
            body=body.decode("utf-8"),
            status=MessageStatus.RECEIVED,
            peer_entry_hash=found["ledger_entry"],
            delivered_at=timezone.now(),
        )
        HANDLERS[found["type"]](peer, message, found["content"])
        entry = append_entry(
            event_type="federation.message.received",
            actor=None,
            organisation=None,
            obj=message,
            payload={
                "kind": message.kind,
                "message": str(message_id),
                "peer": peer.name,
                "peer_entry": message.peer_entry_hash,
            },
        )
        message.entry_hash = entry_hash(entry)
        message.save(update_fields=["entry_hash"])
    return {"received": str(message_id), "ledger_entry": message.entry_hash}
