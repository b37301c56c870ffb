"""Who may hold API tokens (docs/permissions.md). What a token may then reach is decided
by the same predicates as the pages: a token carries its user's access, no more."""

from __future__ import annotations

from typing import Any

from safeshare.accounts.models import User


def can_hold_token(user: User) -> bool:
    """Any active signed-in user, whatever their role: an administrator's or auditor's
    token sees no case content, as their pages do not."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_revoke_token(actor: User, token: Any) -> bool:
    """Your own tokens only."""
    return can_hold_token(actor) and token.user_id == actor.pk
