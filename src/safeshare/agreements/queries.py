"""Reading agreements. The decision form calls `covering` to show whether an agreement
covers sharing with a recipient for a purpose."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.accounts.permissions import can_administer
from safeshare.agreements.models import Agreement
from safeshare.agreements.permissions import can_view_agreements


def covering(
    organisation_a: Organisation, organisation_b: Organisation, purpose: Any, on: datetime.date
) -> list[Agreement]:
    """Agreements in force on `on` (start_on <= on, and no end_on or on <= end_on) that
    have both organisations as parties and include `purpose` (a decisions.Purpose), by
    title. Empty means no agreement covers the share: the form then asks why sharing is
    still right, which it may well be."""
    found = (
        Agreement.objects.filter(parties=organisation_a)
        .filter(parties=organisation_b)
        .filter(purposes=purpose, start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .distinct()
        .order_by("title")
    )
    return list(found)


def agreements_for_user(user: User) -> QuerySet[Agreement]:
    """Administrators: all. Case roles: those their organisation holds or is party to."""
    if can_administer(user):
        return Agreement.objects.all()
    if not can_view_agreements(user):
        return Agreement.objects.none()
    return Agreement.objects.filter(
        Q(owner_id=user.organisation_id) | Q(parties=user.organisation_id)
    ).distinct()


def get_agreement_for_user(user: User, agreement_id: UUID) -> Agreement:
    try:
        return (
            agreements_for_user(user)
            .select_related("owner", "created_by")
            .prefetch_related("parties", "purposes")
            .get(pk=agreement_id)
        )
    except Agreement.DoesNotExist:
        raise Http404 from None


def review_due_by(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.SAFESHARE_AGREEMENT_REVIEW_WARNING_DAYS)


@dataclass(frozen=True)
class ListedAgreement:
    agreement: Agreement
    review_due: bool
    in_force: bool


def agreements_list(user: User, today: datetime.date | None = None) -> list[ListedAgreement]:
    """The user's agreements, those due for review (within the warning days, or past)
    first by review date, then the rest by title."""
    today = today or timezone.localdate()
    due_by = review_due_by(today)
    rows = [
        ListedAgreement(
            a,
            # An agreement that has ended needs no review, only a replacement.
            a.review_on <= due_by and (a.end_on is None or a.end_on >= today),
            a.in_force_on(today),
        )
        for a in agreements_for_user(user).select_related("owner").prefetch_related("parties")
    ]
    return sorted(
        rows,
        key=lambda r: (
            not r.review_due,
            r.agreement.review_on if r.review_due else datetime.date.max,
            r.agreement.title.casefold(),
        ),
    )
