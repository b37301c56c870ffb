"""Who may see and choose the guidance policy (docs/permissions.md, "Guidance policies")."""

from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_administer


def can_manage_policies(user: User) -> bool:
    """See every available policy and activate one: administrators only. The policy decides
    which questions every practitioner of the partnership is asked."""
    return can_administer(user)
