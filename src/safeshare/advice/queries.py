"""Every lookup of an advice request, scoped to the user's organisation; another
organisation's request, or one the user may not see, is a 404."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.advice import permissions
from safeshare.advice.models import KIND_FOR_ROLE, AdviceRequest
from safeshare.decisions.models import Decision

# Urgent first (immediate, urgent, standard), then the longest waiting (keyset pages).
QUEUE_ORDER = ("priority", "asked_at", "id")


def requests_for_user(user: User) -> QuerySet[AdviceRequest]:
    if not can_view_case_records(user):
        return AdviceRequest.objects.none()
    return AdviceRequest.objects.filter(organisation_id=user.organisation_pk())


def get_request_for_user(user: User, request_id: UUID | str) -> AdviceRequest:
    try:
        found = (
            requests_for_user(user)
            .select_related(
                "decision",
                "decision__purpose_category",
                "asked_by",
                "asked_by__organisation",
                "colleague",
                "answered_by",
            )
            .get(pk=request_id)
        )
    except (AdviceRequest.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such advice request") from exc
    if not permissions.can_see(user, found):
        raise Http404("No such advice request")
    return found


def queue_for(user: User) -> QuerySet[AdviceRequest]:
    """The requests waiting for this user's advice: addressed to their role in their
    organisation (managers, IG leads) or to them by name; never their own."""
    if not can_view_case_records(user):
        return AdviceRequest.objects.none()
    addressed = Q(colleague=user)
    kind = KIND_FOR_ROLE.get(user.role)  # type: ignore[call-overload]
    if kind is not None:
        addressed |= Q(organisation_id=user.organisation_pk(), adviser_kind=kind)
    return (
        AdviceRequest.objects.filter(
            addressed,
            organisation_id=user.organisation_pk(),
            answered_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .exclude(asked_by=user)
        .select_related("asked_by", "colleague")
    )


def waiting_count(user: User) -> int:
    """How many wait in the user's queue (the header's "Advice (N waiting)"): one query."""
    return queue_for(user).count()


def requests_of_decision(user: User, decision: Decision) -> list[AdviceRequest]:
    """The advice asked about a draft, oldest first, for its pages (a draft holds few)."""
    return list(
        requests_for_user(user)
        .filter(decision=decision)
        .select_related("asked_by", "colleague", "answered_by")
        .order_by("asked_at", "id")
    )


def waited_text(since: datetime.datetime, now: datetime.datetime) -> str:
    """How long a request has waited, in its largest whole unit: "5 minutes", "2 hours",
    "3 days"."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    for size, unit in ((24 * 60, "day"), (60, "hour")):
        if minutes >= size:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
