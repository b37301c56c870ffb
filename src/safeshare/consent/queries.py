"""Every read of the consent register, scoped to the user's organisation: another
organisation's person or entry is a 404."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.consent import permissions
from safeshare.consent.models import ConsentEntry, ConsentEvent, EntryStatus, EventKind, Reliance
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person

# Newest first (keyset pages).
REGISTER_ORDER = ("-recorded_at", "-id")


def _with_events(found: QuerySet[ConsentEntry]) -> QuerySet[ConsentEntry]:
    return found.select_related("purpose", "person", "recorded_by").prefetch_related(
        Prefetch("events", queryset=ConsentEvent.objects.select_related("recorded_by"))
    )


def entries_for_user(user: User) -> QuerySet[ConsentEntry]:
    if not permissions.can_use_register(user):
        return ConsentEntry.objects.none()
    return ConsentEntry.objects.filter(organisation_id=user.organisation_pk())


def register_of(user: User, person: Person) -> QuerySet[ConsentEntry]:
    return _with_events(entries_for_user(user).filter(person=person))


def held_about(organisation_id: Any, person: Person) -> QuerySet[ConsentEntry]:
    """Every entry an organisation holds about a person, oldest first, with its events:
    a subject access pack's "consent register" section (the caller has checked that the
    user may assemble that organisation's pack). History included: nothing is deleted."""
    return _with_events(
        ConsentEntry.objects.filter(organisation_id=organisation_id, person=person)
    ).order_by("recorded_at", "id")


def get_entry_for_user(user: User, person: Person, entry_id: UUID | str) -> ConsentEntry:
    try:
        return register_of(user, person).get(pk=entry_id)
    except (ConsentEntry.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such consent entry") from exc


def decisions_relying_on(user: User, entry: ConsentEntry) -> list[Decision]:
    """The decisions whose consent is this entry now (their latest reliance), oldest
    first; a discarded draft has no row left to show."""
    return list(
        Decision.objects.filter(
            organisation_id=user.organisation_pk(),
            pk__in=Reliance.objects.filter(entry=entry).values("decision_id"),
        )
        .select_related("purpose_category", "consent_withdrawal")
        .prefetch_related("subjects")
        .order_by("started_at", "id")
    )


def current_entry_of(decision: Decision) -> ConsentEntry | None:
    """The entry a decision relies on now: its latest reliance."""
    reliance = (
        Reliance.objects.filter(decision_id=decision.pk)
        .select_related("entry", "entry__person", "entry__purpose")
        .order_by("-recorded_at", "-id")
        .first()
    )
    return reliance.entry if reliance is not None else None


def choices_for(user: User, decision: Decision) -> QuerySet[ConsentEntry]:
    """What a draft can pick: its people's given entries, for its purpose when it has one,
    not withdrawn and not expired."""
    today = timezone.localdate()
    found = entries_for_user(user).filter(
        person__in=decision.subjects.all(), status=EntryStatus.GIVEN
    )
    if decision.purpose_category_id:
        found = found.filter(purpose_id=decision.purpose_category_id)
    found = found.exclude(
        Exists(ConsentEvent.objects.filter(entry=OuterRef("pk"), kind=EventKind.WITHDRAWN))
    ).exclude(expires_on__lte=today)
    return _with_events(found)


def _due(today: datetime.date) -> Q:
    reviewed = ConsentEvent.objects.filter(entry=OuterRef("pk"), kind=EventKind.REVIEWED)
    return (
        Q(expires_on__lte=today)
        | (Q(review_on__lte=today) & ~Exists(reviewed))
        | Exists(reviewed.filter(next_review_on__lte=today))
    )


def due_for(user: User, today: datetime.date | None = None) -> QuerySet[ConsentEntry]:
    """Given entries the user recorded that reached their review or expiry date, not
    withdrawn ("Your tasks": consents to review). A review moves the date on; its latest
    next review date counts (checked again on the entry, ConsentEntry.review_due)."""
    today = today or timezone.localdate()
    return _with_events(
        entries_for_user(user)
        .filter(recorded_by=user, status=EntryStatus.GIVEN)
        .exclude(
            Exists(ConsentEvent.objects.filter(entry=OuterRef("pk"), kind=EventKind.WITHDRAWN))
        )
        .filter(_due(today))
    )


def due_count(user: User) -> int:
    return due_for(user).count()
