"""Who may do what with people's records (see docs/permissions.md). Finding and viewing
them is `accounts.permissions.can_view_case_records`, applied by `subjects.queries`."""

from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.accounts.permissions import has_recording_role


def can_add_person(user: User) -> bool:
    """Add a person to the organisation's records: the roles that record decisions."""
    return has_recording_role(user)
