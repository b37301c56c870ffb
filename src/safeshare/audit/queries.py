"""What an information governance lead may see of the access records."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_access_report
from safeshare.audit.models import AccessRecord
from safeshare.subjects.models import Person

# Access records are listed newest first, the id breaking ties (keyset pages).
RECORD_ORDER = ("-at", "-id")


def views_of_person(user: User, person: Person) -> QuerySet[AccessRecord]:
    """Everyone who has looked at this person's record, newest first. The caller has
    already scoped `person` to the user (get_person_for_user)."""
    if not can_view_access_report(user):
        return AccessRecord.objects.none()
    return (
        AccessRecord.objects.filter(person=person)
        .select_related("user", "organisation")
        .order_by(*RECORD_ORDER)
    )


def access_report(
    user: User,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    viewer: User | None = None,
) -> list[QuerySet[AccessRecord]]:
    """The organisation's access report, as two lists to merge (core/pagination.py), each
    read from its own index: reads by its own staff, and reads of its people by anyone (a
    recipient agency's reads of what was shared)."""
    if not can_view_access_report(user):
        return [AccessRecord.objects.none()]
    org = user.organisation_pk()
    sides = [
        AccessRecord.objects.filter(organisation_id=org),
        AccessRecord.objects.filter(person_organisation_id=org),
    ]
    zone = timezone.get_current_timezone()
    narrowed = []
    for records in sides:
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
        narrowed.append(
            records.select_related("user", "organisation", "person", "person_organisation")
        )
    return narrowed


def viewers_for_report(user: User) -> QuerySet[User]:
    """Whom the report can be filtered by: the organisation's own staff."""
    if not can_view_access_report(user):
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_pk()).order_by(
        "last_name", "first_name", "username"
    )
