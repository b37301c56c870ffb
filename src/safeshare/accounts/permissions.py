"""Who may do what. Predicates only: views and actions call these, never test roles inline.

The table in docs/permissions.md is the specification these follow.
"""

from __future__ import annotations

from safeshare.accounts.models import Role, User


def can_view_case_records(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "has_case_role", False))


# The case roles that record: decisions, requests, people's records and disclosures each
# build their own rule on this (decisions.permissions.can_record_decision and the like).
RECORDING_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})


def has_recording_role(user: User) -> bool:
    """A signed-in practitioner or manager: the case roles that record, not only read."""
    return can_view_case_records(user) and user.role in RECORDING_ROLES


def can_administer(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or (user.is_staff and user.role == Role.ADMINISTRATOR))
    )


def can_view_access_report(user: User) -> bool:
    """Information governance leads: who viewed their organisation's records."""
    return can_view_case_records(user) and user.role == Role.IG_LEAD


def can_manage_account(actor: User, user: User) -> bool:
    """Sign a user out everywhere, or reset their second factor: themselves, or an
    administrator."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.pk == user.pk or can_administer(actor))


def can_change_own_password(actor: User, user: User) -> bool:
    """Only the user themselves, signed in: administrators reset passwords in the admin."""
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.pk == user.pk
    )


def can_change_account_access(actor: User) -> bool:
    """Disable or re-enable an account, change its role or organisation."""
    return can_administer(actor)
