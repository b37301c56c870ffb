"""Reminding the practitioner and their managers when a review date comes (the scheduled
job families.review_reminders)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from safeshare.families import notifications
from safeshare.families.actions import people_to_remind
from safeshare.families.models import ToTell


def remind_reviews(*, now: datetime.datetime) -> int:
    """Email the people responsible for each decision whose review date has come, once per
    review date (a later review's next date is reminded again); returns how many were
    reminded. Each row is locked and checked again before its email, so two runners in one
    slot remind it once. The email carries a link only."""
    today = timezone.localdate(now)
    not_reminded = Q(reminded_for__isnull=True) | Q(reminded_for__lt=F("review_on"))
    due = ToTell.objects.filter(not_reminded, closed_at__isnull=True, review_on__lte=today)
    reminded = 0
    for pk in list(due.order_by("review_on", "id").values_list("pk", flat=True)):
        with transaction.atomic():
            row = (
                ToTell.objects.select_for_update(of=("self",))
                .select_related("decision")
                .filter(not_reminded, pk=pk, closed_at__isnull=True, review_on__lte=today)
                .first()
            )
            if row is None:
                continue
            ToTell.objects.filter(pk=pk).update(reminded_for=row.review_on)
            notifications.notify(
                "review_due",
                people_to_remind(row),
                reverse("families:told", args=[row.decision_id]),
                organisation_id=row.organisation_id,
            )
            reminded += 1
    return reminded
