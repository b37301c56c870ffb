"""Who may do what with people's records (see docs/permissions.md). Finding and viewing
them is `accounts.permissions.can_view_case_records`, applied by `subjects.queries`."""

from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_administer, has_recording_role


def can_add_person(user: User) -> bool:
    """Add a person to the organisation's records: the roles that record decisions."""
    return has_recording_role(user)


def can_import_people(user: User) -> bool:
    """Import people from a CSV file (a school's pupil list, say) into the user's own
    organisation: its administrator, as the directory's import is administrators' work.
    An account without an organisation (a platform operator) imports into none."""
    return can_administer(user) and user.organisation_id is not None
