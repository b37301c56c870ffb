"""Scheduled work for the consent register: tell the recorder when an entry reaches its
review date (its latest review's next date, or the one recorded) or its expiry date. Once
per entry, kind and date (ReviewNotice's unique constraint), so running again, or on two
servers in the same slot, sends nothing more. A link only: no name, no purpose."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from safeshare.consent import notifications
from safeshare.consent.models import (
    ConsentEntry,
    ConsentEvent,
    EntryStatus,
    EventKind,
    ReviewNotice,
)


def notify_reviews(*, now: datetime.datetime) -> int:
    today = timezone.localdate(now)
    candidates = (
        ConsentEntry.objects.filter(status=EntryStatus.GIVEN)
        .exclude(
            Exists(ConsentEvent.objects.filter(entry=OuterRef("pk"), kind=EventKind.WITHDRAWN))
        )
        .filter(
            Q(review_on__lte=today)
            | Q(expires_on__lte=today)
            | Exists(
                ConsentEvent.objects.filter(
                    entry=OuterRef("pk"), kind=EventKind.REVIEWED, next_review_on__lte=today
                )
            )
        )
        .select_related("recorded_by")
        .prefetch_related("events")
        .order_by("recorded_at", "id")
    )
    sent = 0
    for entry in candidates:
        due: list[tuple[str, datetime.date]] = []
        if entry.expires_on and entry.expires_on <= today:
            due.append((ReviewNotice.Kind.EXPIRY, entry.expires_on))
        elif entry.review_due(today) and entry.next_review_on is not None:
            due.append((ReviewNotice.Kind.REVIEW, entry.next_review_on))
        for kind, on in due:
            try:
                with transaction.atomic():
                    ReviewNotice.objects.create(entry=entry, kind=kind, due_on=on, sent_at=now)
                    notifications.notify(
                        kind,
                        [entry.recorded_by],
                        reverse("consent:show", args=[entry.person_id, entry.pk]),
                        organisation_id=entry.organisation_id,
                    )
            except IntegrityError:
                continue  # told already
            sent += 1
    return sent
