from __future__ import annotations

from django.db.models import QuerySet

from safeshare.accounts.models import User
from safeshare.messaging.models import OutgoingMessage, Status
from safeshare.messaging.permissions import can_see_failed_messages

FAILED_ORDER = ("-failed_at", "id")


def failed_for(user: User) -> QuerySet[OutgoingMessage]:
    if not can_see_failed_messages(user):
        return OutgoingMessage.objects.none()
    return OutgoingMessage.objects.filter(
        organisation_id=user.organisation_pk(), status=Status.FAILED
    )


def failed_count(user: User) -> int:
    """One query (none for anyone but an administrator)."""
    if not can_see_failed_messages(user):
        return 0
    return failed_for(user).count()
