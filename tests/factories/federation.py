# (factory_boy's declarations are untyped, as for tests.factories in pyproject.toml.)
"""Federation records made through the actions, and messages from another deployment
made as that deployment would send them: signed (RFC 9421) with the test peer's key,
pinned here, and taken by `federation.actions.receive()`, the inbox's logic.

    peer = pinned_peer()                       # "Westshire", at http://127.0.0.1:9 (no one
                                               # listens: delivery fails fast, stays queued)
    inbound = InboundRequestFactory.create(to=organisation)   # a request from Westshire
    SentDisclosureFactory.create(sent_by=practitioner, subject=person)   # answered, signed
    SentDisclosureFactory.create(..., revoked=True)
    ReceivedDisclosureFactory.create(recipient=practitioner)  # Westshire answered a request
    ReceivedDisclosureFactory.create(recipient=..., opened=True | acknowledged=True |
                                     revoked=True | expired=True)

This deployment's own key is `settings.SAFESHARE_FEDERATION_KEY` when a test set it; if
not, a test key is set while the factory runs (so the matrix's worlds can be made without
a settings fixture).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import uuid
from collections.abc import Iterator
from functools import cache
from typing import Any
from unittest import mock

import factory
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from safeshare.accounts.models import Organisation, OrganisationKind, User
from safeshare.federation import actions, jws, keys, signing
from safeshare.federation.models import (
    EventKind,
    InboundRequest,
    Kind,
    Peer,
    ReceivedDisclosure,
    RemoteOrganisation,
    SentDisclosure,
)
from safeshare.requests import actions as request_actions
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose
from tests.factories import PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory

PEER_NAME = "Westshire"
# Nothing listens on the discard port: delivery to the peer fails at once and the message
# stays queued (the correct behaviour when the other deployment cannot be reached).
PEER_URL = "http://127.0.0.1:9"
REMOTE_NAME = "Westshire Children's Services"
# The person the peer's disclosures are about: not a person of this deployment (and not
# "Lily", whom the access matrix looks for).
REMOTE_PERSON = "Poppy Hartley"
REMOTE_ITEM = "Poppy was seen by the school nurse on 2 November; no concerns noted."
INBOX_URL = "http://testserver" + actions.INBOX_PATH


@cache
def peer_private_pem() -> str:
    """The other deployment's private key (only its public half is pinned here)."""
    return keys.generate()


@cache
def _own_test_key() -> str:
    return keys.generate()


def peer_key() -> Any:
    return keys.load_private(peer_private_pem())


def peer_key_id() -> str:
    return keys.key_id(peer_key().public_key())


@contextlib.contextmanager
def own_key() -> Iterator[None]:
    """This deployment's key: the test's, or a test key while the block runs."""
    if settings.SAFESHARE_FEDERATION_KEY:
        yield
        return
    with override_settings(SAFESHARE_FEDERATION_KEY=_own_test_key()):
        yield


def pinned_peer() -> Peer:
    """The test peer, pinned through the action the first time."""
    found = Peer.objects.filter(name=PEER_NAME).first()
    if found is not None:
        return found
    return actions.add_peer(
        name=PEER_NAME, url=PEER_URL, public_key_pem=keys.public_pem(peer_key().public_key())
    )


def remote_organisation(name: str = REMOTE_NAME, code: str | None = None) -> RemoteOrganisation:
    """An organisation of the peer's partnership in this directory (through add_remote)."""
    found = RemoteOrganisation.objects.filter(organisation__name=name).first()
    if found is not None:
        return found
    pinned_peer()
    return actions.add_remote(
        name=name,
        url=PEER_URL,
        public_key_pem=keys.public_pem(peer_key().public_key()),
        code=code or str(uuid.uuid4()),
        kind=OrganisationKind.CHILDRENS_SOCIAL_CARE,
    )


def from_peer(kind: str, content: dict[str, Any]) -> dict[str, Any]:
    """A message from the peer, as its deployment sends it, taken by the inbox's logic."""
    body = json.dumps(
        {
            "type": kind,
            "id": str(uuid.uuid4()),
            "from": peer_key_id(),
            "sent_at": timezone.now().isoformat(),
            "content": content,
            "ledger_entry": "7:" + "ab" * 32,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    headers = signing.sign_request(
        method="POST", url=INBOX_URL, body=body, key=peer_key(), key_id=peer_key_id()
    )
    return actions.receive(method="POST", url=INBOX_URL, headers=headers, body=body)


def request_content(to: Organisation, *, remote_id: str | None = None) -> dict[str, Any]:
    now = timezone.now()
    purpose = Purpose.objects.get(name="Early help assessment")
    return {
        "request": {
            "id": remote_id or str(uuid.uuid4()),
            "reference": "REQ-WEST01",
            "to": str(to.pk),
            "from": {"id": str(uuid.uuid4()), "name": REMOTE_NAME},
            "requester": {"id": str(uuid.uuid4()), "name": "Tom Barker", "role": "Social worker"},
            "subject_details": "Lily Morgan, born 4 May 2016, Year 4",
            "purpose_category": purpose.name,
            "purpose": "Early help assessment",
            "information_needed": "Attendance this term",
            "why_needed": "To plan support for the family",
            "urgency": "standard",
            "statutory_basis": "none",
            "statutory_basis_detail": "",
            "received_at": now.isoformat(),
            "due_at": (now + datetime.timedelta(days=10)).isoformat(),
        }
    }


class InboundRequestFactory(factory.django.DjangoModelFactory[InboundRequest]):
    """A request from a practitioner of the peer's partnership to `to`, received here."""

    class Meta:
        model = InboundRequest

    to = None

    @classmethod
    def _create(cls, model_class: type[InboundRequest], *args: Any, **kwargs: Any) -> Any:
        to: Organisation = kwargs["to"]
        pinned_peer()
        remote_id = str(uuid.uuid4())
        from_peer(Kind.REQUEST, request_content(to, remote_id=remote_id))
        return InboundRequest.objects.select_related("request", "peer").get(
            remote_request_id=remote_id
        )


class SentDisclosureFactory(factory.django.DjangoModelFactory[SentDisclosure]):
    """A request from the peer to `sent_by`'s organisation, answered by a finalised sharing
    decision about `subject`, and its items sent, signed, through the action."""

    class Meta:
        model = SentDisclosure

    sent_by = factory.SubFactory(UserFactory)
    subject = factory.LazyAttribute(
        lambda o: PersonFactory.create(
            organisation=o.sent_by.organisation, given_names="Lily", family_name="Morgan"
        )
    )
    decision = None  # made from the inbound request unless given
    message = "For the early help assessment."
    expires_in_days = 7
    revoke = False
    revoke_reason = "Sent before the assessment was agreed"

    class Params:
        revoked = factory.Trait(revoke=True)

    @classmethod
    def _create(cls, model_class: type[SentDisclosure], *args: Any, **kwargs: Any) -> Any:
        actor: User = kwargs["sent_by"]
        with own_key():
            decision = kwargs["decision"]
            if decision is None:
                inbound = InboundRequestFactory.create(to=actor.organisation)
                decision = DecisionFactory.create(
                    started_by=actor,
                    subject=kwargs["subject"],
                    request=inbound.request,
                    share=True,
                    finalised=True,
                )
            sent = actions.send_remote_disclosure(
                actor=actor,
                decision=decision,
                items=list(decision.items.all()),
                message=kwargs["message"],
                expires_on=timezone.localdate()
                + datetime.timedelta(days=kwargs["expires_in_days"]),
            )
            if kwargs["revoke"]:
                actions.revoke(actor=actor, disclosure=sent, reason=kwargs["revoke_reason"])
        return SentDisclosure.objects.prefetch_related("events").get(pk=sent.pk)


def raise_remote_request(actor: User, to: RemoteOrganisation | None = None) -> Any:
    """`actor` asks the peer's organisation for information (queued for the peer)."""
    remote = to or remote_organisation()
    with own_key():
        return request_actions.raise_request(
            actor=actor,
            to_organisation=remote.organisation,
            details={
                "subject_details": "Poppy Hartley, born 1 March 2015",
                "purpose_category": Purpose.objects.get(name="Early help assessment"),
                "purpose": "Early help assessment",
                "information_needed": "Health visits this year",
                "why_needed": "To plan support",
                "urgency": "standard",
                "statutory_basis": "none",
                "statutory_basis_detail": "",
            },
        )


def disclosure_payload(
    request: Any, recipient: User, *, sent_at: datetime.datetime, days: int
) -> dict[str, Any]:
    until = datetime.datetime.combine(
        timezone.localtime(sent_at).date() + datetime.timedelta(days=days + 1),
        datetime.time.min,
    )
    return {
        "id": str(uuid.uuid4()),
        "reference": "FED-WEST" + uuid.uuid4().hex[:4].upper(),
        "request": {"id": str(request.pk), "reference": request.reference},
        "recipient": {"id": str(recipient.pk), "name": recipient.display_name()},
        "sender": {
            "organisation": REMOTE_NAME,
            "name": "Alex Reid",
            "role": "Health visitor",
            "contact": "alex.reid@westshire.example",
        },
        "about": [REMOTE_PERSON],
        "purpose": "Early help assessment",
        "purpose_category": "Early help assessment",
        "lawful_basis": [["Lawful basis", "Public task"]],
        "items": [
            {
                "text": REMOTE_ITEM,
                "nature": "Fact",
                "opinion_of": "",
                "currency": "Current",
                "relates_to": None,
                "source": "School nurse's record",
                "about": REMOTE_PERSON,
            }
        ],
        "message": "For your assessment.",
        "sent_at": sent_at.isoformat(),
        "expires_at": timezone.make_aware(until).isoformat(),
    }


class ReceivedDisclosureFactory(factory.django.DjangoModelFactory[ReceivedDisclosure]):
    """`recipient` asked the peer's organisation (raise_request, queued for the peer), and
    the peer answered with a signed disclosure (a JWS inside a signed message), received
    through `receive()`. Then, through the actions: opened, acknowledged by the recipient;
    revoked by the peer (its signed revocation message); expired (received `days_ago`)."""

    class Meta:
        model = ReceivedDisclosure

    recipient = factory.SubFactory(UserFactory)
    request = None  # raised by the recipient unless given
    expires_in_days = 7
    sent_days_ago = 0
    open = False
    acknowledge = False
    revoke = False

    class Params:
        opened = factory.Trait(open=True)
        acknowledged = factory.Trait(open=True, acknowledge=True)
        revoked = factory.Trait(revoke=True)
        expired = factory.Trait(sent_days_ago=9, expires_in_days=7)

    @classmethod
    def _create(cls, model_class: type[ReceivedDisclosure], *args: Any, **kwargs: Any) -> Any:
        recipient: User = kwargs["recipient"]
        days_ago: int = kwargs["sent_days_ago"]
        then = timezone.now() - datetime.timedelta(days=days_ago)
        clock = mock.patch.object(timezone, "now", lambda: then)
        with own_key(), clock if days_ago else contextlib.nullcontext():
            request = kwargs["request"] or raise_remote_request(recipient)
            payload = disclosure_payload(
                request, recipient, sent_at=timezone.now(), days=kwargs["expires_in_days"]
            )
            from_peer(Kind.DISCLOSURE, {"jws": jws.sign(payload, peer_key())})
            received = ReceivedDisclosure.objects.get(remote_id=payload["id"])
            if kwargs["open"]:
                actions.record_opened(actor=recipient, disclosure=received)
            if kwargs["acknowledge"]:
                actions.acknowledge(actor=recipient, disclosure=received)
            if kwargs["revoke"]:
                revoke_from_peer(received)
        return ReceivedDisclosure.objects.prefetch_related("events").get(pk=received.pk)


def revoke_from_peer(received: ReceivedDisclosure) -> None:
    """The peer's signed revocation of a disclosure it sent here."""
    from_peer(
        Kind.REVOCATION,
        {"disclosure": received.remote_id, "at": timezone.now().isoformat()},
    )


def report_from_peer(sent: SentDisclosure, kind: str = EventKind.OPENED) -> None:
    """The peer's signed read receipt (or acknowledgement) of a disclosure sent from here."""
    from_peer(
        Kind.RECEIPT, {"disclosure": str(sent.pk), "kind": kind, "at": timezone.now().isoformat()}
    )


__all__ = [
    "InboundRequestFactory",
    "Person",
    "ReceivedDisclosureFactory",
    "SentDisclosureFactory",
]
