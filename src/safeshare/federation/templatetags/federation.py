"""The federation's part of a request's page (requests/show.html), so the requests app
never needs to know about other deployments: on the answering side, that the request
came from another partnership and the way to send the answer; on the requesting side,
whether the request reached the other deployment, and what came back."""

from __future__ import annotations

from typing import Any

from django import template

from safeshare.accounts.http import user_of
from safeshare.disclosures import permissions as disclosure_permissions
from safeshare.federation import permissions
from safeshare.federation.models import (
    STATUS_LABELS,
    Direction,
    Kind,
    Message,
    ReceivedDisclosure,
    RemoteOrganisation,
    SentDisclosure,
)
from safeshare.requests.models import InformationRequest

register = template.Library()


@register.inclusion_tag("federation/includes/request.html", takes_context=True)
def federation_exchange(
    context: template.Context, info: InformationRequest, decisions: list[Any]
) -> dict[str, Any]:
    user = user_of(context.get("request"))
    if user is None:
        return {"show": False}
    inbound = getattr(info, "federated", None) if _has_inbound(info) else None
    if inbound is not None and info.to_organisation_id == user.organisation_id:
        sent = list(
            SentDisclosure.objects.filter(inbound=inbound)
            .select_related("sent_by")
            .prefetch_related("events")
            .order_by("-sent_at")
        )
        return {
            "show": True,
            "side": "answering",
            "inbound": inbound,
            "sendable": [d for d in decisions if disclosure_permissions.can_send(user, d)],
            "sent": [(d, d.status()) for d in sent if permissions.is_sender_side(user, d)],
            "labels": STATUS_LABELS,
        }
    remote = (
        RemoteOrganisation.objects.select_related("peer")
        .filter(organisation_id=info.to_organisation_id)
        .first()
    )
    if remote is None or info.from_organisation_id != user.organisation_id:
        return {"show": False}
    message = (
        Message.objects.filter(
            peer=remote.peer, direction=Direction.OUT, kind=Kind.REQUEST, about=str(info.pk)
        )
        .order_by("created_at")
        .first()
    )
    received = [
        (d, d.status())
        for d in ReceivedDisclosure.objects.filter(request=info, recipient=user)
        .prefetch_related("events")
        .order_by("-received_at")
    ]
    return {
        "show": True,
        "side": "requesting",
        "remote": remote,
        "message": message,
        "received": received,
        "labels": STATUS_LABELS,
    }


def _has_inbound(info: InformationRequest) -> bool:
    try:
        return info.federated is not None
    except InformationRequest.federated.RelatedObjectDoesNotExist:
        return False
