"""Scheduled work for sign-off: remind managers of what waits for them.

For the jobs runner (DecisionsConfig.ready registers `decisions.sign_off_reminders`, once
per slot across app servers). A decision waiting for sign-off more than one working day
(core/workdays.py: weekends and bank holidays are not counted), and a review after the
event past its due date, each have their organisation's managers emailed a link (never who
the decision is about or what it says). Once each: `reminded_at` says it was done, so
running again, or on two servers in the same slot, sends nothing more. A reminder is not
an event of the record (the field is left out of its ledger digest).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Role, User
from safeshare.core.notifications import notify_after_commit
from safeshare.core.workdays import add_working_days
from safeshare.decisions.models import Review, SignOff

# A sign-off waits this many working days before its managers are reminded.
REMIND_AFTER_WORKING_DAYS = 1


def _managers(organisation_id: Any, *, besides: set[object]) -> list[User]:
    """The organisation's active managers, but not whoever made or recorded the decision."""
    return [
        u
        for u in User.objects.filter(
            organisation_id=organisation_id, role=Role.MANAGER, is_active=True
        ).order_by("pk")
        if u.pk not in besides
    ]


def sign_off_reminder_due(sign_off: SignOff) -> datetime.date:
    requested = timezone.localdate(sign_off.requested_at)
    return add_working_days(requested, REMIND_AFTER_WORKING_DAYS)


def remind_managers(*, now: datetime.datetime) -> int:
    """Remind managers of sign-offs waiting past a working day and of overdue reviews;
    returns how many were reminded. Each row is locked and checked again first."""
    today = timezone.localdate(now)
    reminded = 0
    waiting = SignOff.objects.filter(
        resolved_at__isnull=True,
        reminded_at__isnull=True,
        requested_at__lte=now - datetime.timedelta(days=1),
    ).order_by("requested_at", "id")
    for pk in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            found = (
                SignOff.objects.select_for_update(of=("self",))
                .select_related("decision")
                .filter(pk=pk, resolved_at__isnull=True, reminded_at__isnull=True)
                .first()
            )
            if found is None or sign_off_reminder_due(found) > today:
                continue
            SignOff.objects.filter(pk=pk).update(reminded_at=now)
            _notify(
                "sign_off",
                found.organisation_id,
                {found.decision.decided_by_id, found.decision.recorded_by_id},
                reverse("decisions:sign_off", args=[found.decision_id]),
            )
            reminded += 1
    overdue = Review.objects.filter(
        reviewed_at__isnull=True, reminded_at__isnull=True, due_on__lt=today
    ).order_by("due_on", "id")
    for pk in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic():
            review = (
                Review.objects.select_for_update(of=("self",))
                .select_related("decision")
                .filter(pk=pk, reviewed_at__isnull=True, reminded_at__isnull=True)
                .first()
            )
            if review is None:
                continue
            Review.objects.filter(pk=pk).update(reminded_at=now)
            _notify(
                "review",
                review.organisation_id,
                {review.decision.decided_by_id, review.decision.recorded_by_id},
                reverse("decisions:review", args=[review.decision_id]),
            )
            reminded += 1
    return reminded


SUBJECTS = {
    "sign_off": "A decision is waiting for your sign-off in safeshare",
    "review": "A decision is due for review in safeshare",
}
BODIES = {
    "sign_off": "An information sharing decision has waited more than a working day for a "
    "manager's sign-off.",
    "review": "An urgent information sharing decision is past the date it was due to be "
    "reviewed by a manager.",
}


def _notify(kind: str, organisation_id: Any, besides: set[object], path: str) -> None:
    notify_after_commit(
        app="decisions",
        kind=kind,
        subject=SUBJECTS[kind],
        text=BODIES[kind],
        users=_managers(organisation_id, besides=besides),
        path=path,
        organisation_id=organisation_id,
    )
