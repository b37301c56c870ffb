"""Who sees which figures (docs/permissions.md, "Partnership figures").

The partnership auditor sees the whole partnership's; an information governance lead or a
manager sees their own organisation's. Nobody else sees any: the figures hold no personal
data, but they are the partnership's assurance, not every practitioner's.
"""

from __future__ import annotations

from uuid import UUID

from safeshare.accounts.models import Role, User

OWN_ORGANISATION_ROLES = frozenset({Role.IG_LEAD, Role.MANAGER})


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_partnership_figures(user: User) -> bool:
    """The partnership auditor: every organisation's figures, and the agency filter."""
    return _signed_in(user) and user.role == Role.AUDITOR


def can_view_figures(user: User) -> bool:
    """The auditor, or an IG lead or manager of an organisation (their own figures)."""
    return can_view_partnership_figures(user) or (
        _signed_in(user)
        and user.organisation_id is not None
        and user.role in OWN_ORGANISATION_ROLES
    )


def figures_scope(user: User) -> UUID | None:
    """Whose figures the user sees: None for the whole partnership, or their organisation.
    Call only after can_view_figures."""
    if can_view_partnership_figures(user):
        return None
    return user.organisation_pk()
