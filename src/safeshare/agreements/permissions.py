"""Who may read and change information sharing agreements (docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from safeshare.accounts.models import Role, User
from safeshare.accounts.permissions import can_administer, can_view_case_records


def can_view_agreements(user: User) -> bool:
    """Case roles see the agreements their organisation is party to; administrators all."""
    return can_view_case_records(user) or can_administer(user)


def can_add_agreement(user: User) -> bool:
    return can_administer(user) or (can_view_case_records(user) and user.role == Role.IG_LEAD)


def can_choose_holder(user: User) -> bool:
    """Administrators choose which organisation holds an agreement; an IG lead's are
    their own organisation's."""
    return can_administer(user)


def can_edit_agreement(user: User, agreement: Any) -> bool:
    """The information governance lead of the organisation that holds it, or an
    administrator."""
    if can_administer(user):
        return True
    return bool(can_add_agreement(user) and user.organisation_id == agreement.owner_id)
