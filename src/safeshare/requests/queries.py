"""Every lookup of a request, scoped: a request is visible only to the two agencies involved."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.requests.models import InformationRequest, Status

# Queues are ordered by when a request is due, the id breaking ties (keyset pages).
QUEUE_ORDER = ("due_at", "id")


def _with_people(found: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    return found.select_related(
        "to_organisation", "from_organisation", "requested_by", "assigned_to", "purpose_category"
    )


def requests_for_user(user: User) -> QuerySet[InformationRequest]:
    if not can_view_case_records(user):
        return InformationRequest.objects.none()
    org = user.organisation_id
    return _with_people(
        InformationRequest.objects.filter(Q(to_organisation_id=org) | Q(from_organisation_id=org))
    )


def get_request_for_user(user: User, request_id: UUID | str) -> InformationRequest:
    try:
        return requests_for_user(user).get(pk=request_id)
    except (InformationRequest.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such request") from exc


def incoming(user: User) -> QuerySet[InformationRequest]:
    """Requests to the user's organisation (one side of requests_for_user, without its OR,
    so the queue reads the (to_organisation, ...) indexes)."""
    if not can_view_case_records(user):
        return InformationRequest.objects.none()
    return _with_people(InformationRequest.objects.filter(to_organisation_id=user.organisation_id))


def outgoing(user: User) -> QuerySet[InformationRequest]:
    if not can_view_case_records(user):
        return InformationRequest.objects.none()
    return _with_people(
        InformationRequest.objects.filter(from_organisation_id=user.organisation_id)
    )


def queue_counts(user: User) -> dict[str, int]:
    """For the header: open incoming requests, and how many are overdue."""
    if not can_view_case_records(user):
        return {"open": 0, "overdue": 0}
    # One statement for both, on every page's header, read from the (to_organisation,
    # status, due_at) index alone: nothing else may go in it, or every page reads the
    # table's rows (issue 14: 20 ms a page with 10,000 open requests).
    counts = InformationRequest.objects.filter(
        to_organisation_id=user.organisation_id, status__in=[Status.OPEN, Status.ASSIGNED]
    ).aggregate(
        open=Count("due_at"),
        overdue=Count("due_at", filter=Q(due_at__lt=timezone.now())),
    )
    return {name: int(value or 0) for name, value in counts.items()}


def assigned_count(user: User) -> int:
    """Open requests assigned to the user, for "Your tasks": one query on the
    assigned_to index."""
    if not can_view_case_records(user):
        return 0
    return InformationRequest.objects.filter(
        to_organisation_id=user.organisation_id,
        assigned_to=user,
        status__in=[Status.OPEN, Status.ASSIGNED],
    ).count()
