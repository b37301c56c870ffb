"""Scheduled work for advice: remind advisers of requests that have waited too long.

For the jobs runner (it registers `remind_advisers`, once per slot across app servers).
Seeking advice "promptly" (HM Government 2024, rule 4) needs an answer promptly: an
immediate or urgent request waits at most an hour, any other one working day
(core/workdays.py: weekends and bank holidays are not counted), before its advisers are
emailed a link (never the question). Once per request: `reminded_at` says it was done, so
running again, or on two servers in the same slot, sends nothing more.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse

from safeshare.advice import notifications
from safeshare.advice.actions import advisers_for
from safeshare.advice.models import AdviceRequest
from safeshare.core.workdays import Target, add_working_time

# How long a request waits before its advisers are reminded, by urgency.
REMIND_AFTER: dict[str, Target] = {
    "immediate": Target(hours=1),
    "urgent": Target(hours=1),
    "standard": Target(working_days=1),
}


def reminder_due(request: AdviceRequest) -> datetime.datetime:
    return add_working_time(request.asked_at, request.urgency, REMIND_AFTER)


def remind_advisers(*, now: datetime.datetime) -> int:
    """Email the advisers of each waiting request past its threshold and not reminded yet;
    returns how many requests were reminded. Each is locked and checked again before its
    email, so two runners in one slot remind it once."""
    reminded = 0
    # No threshold is shorter than an hour: nothing younger can be due.
    candidates = AdviceRequest.objects.filter(
        answered_at__isnull=True,
        withdrawn_at__isnull=True,
        reminded_at__isnull=True,
        asked_at__lte=now - datetime.timedelta(hours=1),
    ).order_by("asked_at", "id")
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            request = (
                AdviceRequest.objects.select_for_update(of=("self",))
                .select_related("colleague")
                .filter(pk=pk, reminded_at__isnull=True, answered_at__isnull=True)
                .filter(withdrawn_at__isnull=True)
                .first()
            )
            if request is None or reminder_due(request) > now:
                continue
            # A field left out of the record's ledger digest: a reminder is not an event
            # of the request (advice/models.py).
            AdviceRequest.objects.filter(pk=pk).update(reminded_at=now)
            notifications.notify(
                "reminder",
                advisers_for(request),
                reverse("advice:show", args=[request.pk]),
                organisation_id=request.organisation_id,
            )
            reminded += 1
    return reminded
