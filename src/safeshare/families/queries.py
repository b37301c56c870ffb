"""Every lookup of the families to tell, scoped to the user's organisation and to whose list
each is on (families/permissions.py); anything else is a 404."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions.models import Decision
from safeshare.decisions.queries import get_decision_for_user
from safeshare.families import permissions
from safeshare.families.models import Review, Told, ToTell

# The soonest review date first, the id breaking ties (keyset pages; the index
# families_to_tell_list).
LIST_ORDER = ("review_on", "id")


def to_tell_for(user: User, *, due_on: datetime.date | None = None) -> QuerySet[ToTell]:
    """The people not yet told on the user's list: their own decisions, or a manager's whole
    organisation's. `due_on`: only those whose review date has come by then."""
    if not permissions.can_view_list(user):
        return ToTell.objects.none()
    found = ToTell.objects.filter(organisation_id=user.organisation_pk(), closed_at__isnull=True)
    if not permissions.sees_whole_organisation(user):
        found = found.filter(Q(decision__decided_by=user) | Q(decision__recorded_by=user))
    if due_on is not None:
        found = found.filter(review_on__lte=due_on)
    return found.select_related("decision", "decision__decided_by").prefetch_related(
        "decision__subjects"
    )


def due_count(user: User) -> int:
    """How many on the user's list have reached their review date: one query (the header's
    count and "Your tasks")."""
    return to_tell_for(user, due_on=timezone.localdate()).count()


def get_decision_to_tell(user: User, decision_id: UUID | str) -> Decision:
    """A finalised decision of the user's organisation on their list (told or not): 404
    otherwise, as for any record they may not see."""
    decision = get_decision_for_user(user, decision_id)
    if (
        not decision.is_finalised
        or decision.subject_informed is not False
        or not permissions.is_responsible(user, decision)
    ):
        raise Http404("No such decision to tell")
    return decision


def told_of(decision: Decision) -> Told | None:
    return Told.objects.filter(decision=decision).select_related("recorded_by").first()


def reviews_of(decision: Decision) -> list[Review]:
    """The reviews of one decision, oldest first (a decision holds few)."""
    return list(
        Review.objects.filter(decision=decision)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    )


def told_and_reviews_of(decisions: Sequence[Decision]) -> tuple[list[Told], list[Review]]:
    """For a subject access pack: when the person was told of these decisions, and each
    review of why they had not been yet. Two queries, however many decisions."""
    ids = [d.pk for d in decisions]
    told = list(
        Told.objects.filter(decision_id__in=ids)
        .select_related("recorded_by")
        .order_by("told_on", "recorded_at")
    )
    reviews = list(
        Review.objects.filter(decision_id__in=ids)
        .select_related("recorded_by")
        .order_by("reviewed_on", "recorded_at", "id")
    )
    return told, reviews


def current_review_on(decision: Decision) -> datetime.date | None:
    row = ToTell.objects.filter(decision=decision).only("review_on").first()
    return row.review_on if row is not None else decision.inform_review_on
