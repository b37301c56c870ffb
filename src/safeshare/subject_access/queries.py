"""Every lookup of a subject access request, scoped to the user's organisation."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.decisions.models import InformationItem
from safeshare.decisions.queries import decisions_about_person
from safeshare.subject_access.models import SubjectAccessRequest
from safeshare.subjects.models import Person

# The open list: soonest due first, so overdue ones lead (keyset pages).
OPEN_ORDER = ("due_on", "id")


def _held_by(user: User) -> QuerySet[SubjectAccessRequest]:
    """The organisation's requests, for its case roles: another organisation's request is
    a 404 to everyone; a case role other than the IG lead gets 403 from the permission."""
    if not can_view_case_records(user):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(organisation_id=user.organisation_pk())


def open_requests(user: User) -> QuerySet[SubjectAccessRequest]:
    return (
        _held_by(user)
        .filter(signed_off_at__isnull=True)
        .select_related("person", "logged_by")
        .order_by(*OPEN_ORDER)
    )


def get_request_for_user(user: User, request_id: UUID | str) -> SubjectAccessRequest:
    try:
        return (
            _held_by(user)
            .select_related("person", "organisation", "logged_by", "signed_off_by")
            .get(pk=request_id)
        )
    except (SubjectAccessRequest.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such subject access request") from exc


def latest_request_for_person(user: User, person: Person) -> SubjectAccessRequest | None:
    """The person's most recent request (for the command, which is given the person)."""
    return (
        _held_by(user)
        .filter(person=person)
        .select_related("person", "organisation", "logged_by", "signed_off_by")
        .order_by("-received_on", "-logged_at")
        .first()
    )


def get_item_for_request(
    user: User, request: SubjectAccessRequest, item_id: UUID | str
) -> InformationItem:
    """An item of a decision about the request's person (what the pack holds), or 404."""
    decisions = decisions_about_person(user, request.person).values("pk")
    try:
        return InformationItem.objects.select_related("decision").get(
            pk=item_id, decision__in=decisions
        )
    except (InformationItem.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such item") from exc
