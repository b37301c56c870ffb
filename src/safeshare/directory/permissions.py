"""Who may read and change the directory (docs/permissions.md, "Directory")."""

from __future__ import annotations

from typing import Any

from safeshare.accounts.models import Role, User
from safeshare.accounts.permissions import can_administer, can_view_case_records


def can_view_directory(user: User) -> bool:
    """Every case role in the partnership, and administrators, who keep it. Professional
    contacts are what a practitioner needs to reach the right person in another agency."""
    return can_view_case_records(user) or can_administer(user)


def can_manage_directory(user: User, organisation: Any) -> bool:
    """Add, change and verify an organisation's contact points and practitioners: its own
    information governance lead, or an administrator (any organisation)."""
    if can_administer(user):
        return True
    return bool(
        can_view_case_records(user)
        and user.role == Role.IG_LEAD
        and organisation is not None
        and user.organisation_id == organisation.pk
    )


def can_be_listed_for(user: User | None, organisation: Any) -> bool:
    """Who a contact point or practitioner entry may name as its safeshare user: someone
    who works for that organisation."""
    return bool(user is not None and user.organisation_id == organisation.pk)


def can_import_directory(user: User) -> bool:
    """CSV import and export of the whole directory: administrators only."""
    return can_administer(user)
