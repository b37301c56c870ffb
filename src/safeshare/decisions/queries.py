"""Every lookup of a decision goes through here, scoped to the user's organisation."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from safeshare.accounts.permissions import can_view_case_records
from safeshare.decisions.models import Decision, DecisionStatus
from safeshare.subjects.models import Person


def decisions_for_user(user: Any) -> QuerySet[Decision]:
    if not can_view_case_records(user):
        return Decision.objects.none()
    return Decision.objects.filter(organisation_id=user.organisation_id)


def get_decision_for_user(user: Any, decision_id: UUID | str) -> Decision:
    try:
        return (
            decisions_for_user(user).select_related("decided_by", "started_by").get(pk=decision_id)
        )
    except (Decision.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such decision") from exc


def recent_decisions_for_user(user: Any) -> QuerySet[Decision]:
    return (
        decisions_for_user(user)
        .filter(status=DecisionStatus.FINALISED)
        .select_related("decided_by")
        .prefetch_related("subjects")
        .order_by("-decided_at")
    )


def drafts_for_user(user: Any) -> QuerySet[Decision]:
    return (
        decisions_for_user(user)
        .filter(status=DecisionStatus.DRAFT, started_by=user)
        .prefetch_related("subjects")
        .order_by("-updated_at")
    )


def decisions_about_person(user: Any, person: Person) -> QuerySet[Decision]:
    """A person's history, newest first."""
    return recent_decisions_for_user(user).filter(subjects=person)
