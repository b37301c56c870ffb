"""Reads for the federation pages: each list one query for its page, whatever its length."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeshare.accounts.models import User
from safeshare.federation import permissions
from safeshare.federation.models import InboundRequest, ReceivedDisclosure, SentDisclosure

RECEIVED_ORDER = ("-received_at", "-id")


def received_by(user: User) -> QuerySet[ReceivedDisclosure]:
    """What other partnerships sent to `user` by name, while in the organisation it went to."""
    return (
        ReceivedDisclosure.objects.filter(
            recipient=user, recipient_organisation_id=user.organisation_id
        )
        .select_related("sender_organisation", "peer")
        .prefetch_related("events")
    )


def get_received(user: User, disclosure_id: Any) -> ReceivedDisclosure:
    """The named recipient's own; anyone else's, or an unknown id: 404."""
    found = received_by(user).filter(pk=disclosure_id).first()
    if found is None or not permissions.is_recipient(user, found):
        raise Http404
    return found


def get_sent(user: User, disclosure_id: Any) -> SentDisclosure:
    found = (
        SentDisclosure.objects.select_related(
            "inbound__peer", "inbound__request", "sent_by", "organisation", "decision"
        )
        .prefetch_related("events")
        .filter(pk=disclosure_id)
        .first()
    )
    if found is None or not permissions.is_sender_side(user, found):
        raise Http404
    return found


def sent_for_request(request_id: Any) -> list[SentDisclosure]:
    return list(
        SentDisclosure.objects.filter(inbound_id=request_id)
        .select_related("sent_by")
        .prefetch_related("events")
        .order_by("-sent_at")[:50]
    )


def inbound_for(request_id: Any) -> InboundRequest | None:
    return InboundRequest.objects.select_related("peer").filter(pk=request_id).first()
