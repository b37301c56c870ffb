"""What an information governance lead may see of the access records."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_access_report
from safeshare.audit.models import AccessRecord
from safeshare.subjects.models import Person


def views_of_person(user: Any, person: Person) -> QuerySet[AccessRecord]:
    """Everyone who has looked at this person's record, newest first. The caller has
    already scoped `person` to the user (get_person_for_user)."""
    if not can_view_access_report(user):
        return AccessRecord.objects.none()
    return (
        AccessRecord.objects.filter(person=person)
        .select_related("user", "organisation")
        .order_by("-at")
    )


def access_report(
    user: Any,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    viewer: User | None = None,
) -> QuerySet[AccessRecord]:
    """The organisation's access report: reads by its own staff, and reads of its people
    by anyone (once shares exist, a recipient agency's reads of what was shared)."""
    if not can_view_access_report(user):
        return AccessRecord.objects.none()
    org = user.organisation_id
    records = AccessRecord.objects.filter(Q(organisation_id=org) | Q(person__organisation_id=org))
    zone = timezone.get_current_timezone()
    if date_from:
        records = records.filter(
            at__gte=datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
        )
    if date_to:
        records = records.filter(
            at__lt=datetime.datetime.combine(
                date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
        )
    if viewer is not None:
        records = records.filter(user=viewer)
    return records.select_related("user", "organisation", "person").order_by("-at")


def viewers_for_report(user: Any) -> QuerySet[User]:
    """Whom the report can be filtered by: the organisation's own staff."""
    if not can_view_access_report(user):
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id).order_by(
        "last_name", "first_name", "username"
    )
