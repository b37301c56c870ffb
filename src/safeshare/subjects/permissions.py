"""Who may do what with people's records (see docs/permissions.md). Finding and viewing
them is `accounts.permissions.can_view_case_records`, applied by `subjects.queries`."""

from __future__ import annotations

from typing import Any

from safeshare.accounts.permissions import has_recording_role


def can_add_person(user: Any) -> bool:
    """Add a person to the organisation's records: the roles that record decisions."""
    return has_recording_role(user)
