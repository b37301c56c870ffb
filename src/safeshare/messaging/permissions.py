from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_administer


def can_see_failed_messages(user: User) -> bool:
    """An organisation's administrator: the messages its people sent that failed."""
    return can_administer(user) and user.organisation_id is not None
