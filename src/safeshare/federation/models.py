"""Requests and disclosures between partnerships' deployments (issue 19; docs/federation.md,
"Exchanging requests and disclosures"; docs/adr/0023-federation-exchange.md).

- `Peer`: another partnership's deployment, its base URL and its Ed25519 public key,
  pinned by an administrator (`safeshare federation add-remote` / `add-peer`), exchanged
  out of band. Every message from it must verify against this key.
- `RemoteOrganisation`: an organisation of that partnership, as it appears in this
  directory (an accounts.Organisation of its own, so a practitioner raises a request to it
  as to any organisation), with its code on the peer.
- `Message`: every signed message sent to or received from a peer, as it went over the
  wire, with this side's ledger entry hash and the other side's. Received ones never
  change; sent ones change once, when delivered (with the peer's entry hash).
- `Nonce`: the nonces of the signatures accepted, so a replay is refused (unique per peer).
- `InboundRequest`: a request that came from a peer, linked to the request queued here.
- `SentDisclosure` / `SentEvent`: what this deployment shared with a peer's practitioner,
  the JWS it signed, and what was reported back (opened, acknowledged) or done (revoked).
- `ReceivedDisclosure` / `ReceivedEvent`: a signed disclosure from a peer for a named
  practitioner here, stored as received, and what happened to it here.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision
from safeshare.requests.models import InformationRequest


class ImmutableFederationRecord(Exception):
    """A message, nonce or disclosure record was about to be changed or deleted."""


class WriteOnce(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableFederationRecord(
                f"A {self._meta.verbose_name} cannot be changed once recorded"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableFederationRecord(f"A {self._meta.verbose_name} cannot be deleted")


class Peer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    base_url = models.CharField(max_length=300, unique=True)
    # The Ed25519 public key as PEM (SubjectPublicKeyInfo), and its RFC 7638 thumbprint,
    # which is the `keyid` of its signatures and the `kid` of its JWS.
    public_key = models.TextField()
    key_id = models.CharField(max_length=64, unique=True)
    pinned_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    # Keys pinned before a rotation ({"key_id", "public_key", "retired_at"}), kept so the
    # disclosures they signed still verify.
    previous_keys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RemoteOrganisation(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, primary_key=True, related_name="remote"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="organisations")
    # The organisation's id on the peer (what `safeshare federation show-key` prints there).
    code = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "code"], name="remote_organisation_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} at {self.peer_id}"


class Direction(models.TextChoices):
    OUT = "out", "Sent"
    IN = "in", "Received"


class Kind(models.TextChoices):
    REQUEST = "request", "Request for information"
    DISCLOSURE = "disclosure", "Signed disclosure"
    RECEIPT = "receipt", "Opened or acknowledged"
    REVOCATION = "revocation", "Revocation"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    DELIVERED = "delivered", "Delivered"
    REFUSED = "refused", "Refused by the other deployment"
    RECEIVED = "received", "Received"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The envelope's id, the same on both sides: a retried delivery is the same message.
    message_id = models.UUIDField()
    # The id of the record here the message is about (a request, a disclosure), for pages.
    about = models.CharField(max_length=64, blank=True, db_index=True)
    # The JSON body as signed (sent) or as received, byte for byte.
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=MessageStatus.choices)
    # Hex "sequence:leaf hash" of this side's ledger entry for the message, and of the
    # other side's (carried in the message when received; in the signed answer when sent).
    entry_hash = models.CharField(max_length=80, blank=True)
    peer_entry_hash = models.CharField(max_length=80, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Delivery bookkeeping, outside the ledger's digest (it changes on every attempt).
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)

    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset(
        {"entry_hash", "attempts", "next_attempt_at", "last_error"}
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["direction", "status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "direction", "message_id"], name="federation_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.kind} {self.message_id}"


class Nonce(WriteOnce):
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(max_length=100)
    created = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "nonce"], name="federation_nonce_once")
        ]

    def __str__(self) -> str:
        return self.nonce


class InboundRequest(WriteOnce):
    """A request a peer's practitioner raised to an organisation here."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, primary_key=True, related_name="federated"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="+")
    remote_request_id = models.CharField(max_length=64)
    remote_reference = models.CharField(max_length=20)
    organisation_code = models.CharField(max_length=64)
    organisation_name = models.CharField(max_length=200)
    requester_id = models.CharField(max_length=64)
    requester_name = models.CharField(max_length=200)
    requester_role = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "remote_request_id"], name="federation_inbound_request_once"
            )
        ]

    def __str__(self) -> str:
        return self.remote_reference


class SentDisclosure(WriteOnce):
    """Items of a finalised decision here, signed (JWS, EdDSA) for a peer's practitioner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    inbound = models.ForeignKey(
        InboundRequest, on_delete=models.PROTECT, related_name="disclosures"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The signed payload (compact JWS): the content, as the peer received it.
    jws = models.TextField()
    item_ids = models.JSONField()
    message = models.TextField(blank=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.reference

    def event(self, kind: str) -> SentEvent | None:
        return next((e for e in self.events.all() if e.kind == kind), None)

    def status(self, now: datetime.datetime | None = None) -> str:
        return _status(self, now)

    @property
    def available_until(self) -> datetime.date:
        """The last day it can be opened (`expires_at` is the start of the next day)."""
        return timezone.localtime(self.expires_at - datetime.timedelta(microseconds=1)).date()


class EventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REVOKED = "revoked", "Revoked"


class SentEvent(WriteOnce):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disclosure = models.ForeignKey(SentDisclosure, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    # The sender here who revoked it; none for what the peer reported.
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "kind"], name="federation_sent_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.disclosure_id}"


class ReceivedDisclosure(WriteOnce):
    """A peer's signed disclosure for a named practitioner here, as received."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="+")
    remote_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=20)
    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    jws = models.TextField()
    # The verified payload, parsed once (what the pages show); the JWS is the evidence.
    content = models.JSONField()
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-received_at", "-id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "remote_id"], name="federation_received_disclosure_once"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def event(self, kind: str) -> ReceivedEvent | None:
        return next((e for e in self.events.all() if e.kind == kind), None)

    def status(self, now: datetime.datetime | None = None) -> str:
        return _status(self, now)

    def is_available(self, now: datetime.datetime | None = None) -> bool:
        return self.status(now) not in {EventKind.REVOKED, "expired"}

    @property
    def available_until(self) -> datetime.date:
        return timezone.localtime(self.expires_at - datetime.timedelta(microseconds=1)).date()


class ReceivedEvent(WriteOnce):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disclosure = models.ForeignKey(
        ReceivedDisclosure, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    # The recipient who opened or acknowledged it; none for the peer's revocation.
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "kind"], name="federation_received_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.disclosure_id}"


def _status(disclosure: SentDisclosure | ReceivedDisclosure, now: datetime.datetime | None) -> str:
    if disclosure.event(EventKind.REVOKED) is not None:
        return EventKind.REVOKED
    if (now or timezone.now()) >= disclosure.expires_at:
        return "expired"
    if disclosure.event(EventKind.ACKNOWLEDGED) is not None:
        return EventKind.ACKNOWLEDGED
    if disclosure.event(EventKind.OPENED) is not None:
        return EventKind.OPENED
    return "new"


STATUS_LABELS = {
    "new": "New",
    "opened": "Opened",
    "acknowledged": "Acknowledged",
    "revoked": "Revoked",
    "expired": "Expired",
}
