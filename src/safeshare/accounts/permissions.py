"""Who may do what. Predicates only: views and actions call these, never test roles inline.

The table in docs/permissions.md is the specification these follow.
"""

from __future__ import annotations

from typing import Any

from safeshare.accounts.models import Role


def can_view_case_records(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "has_case_role", False))


def can_record_decision(user: Any) -> bool:
    return can_view_case_records(user) and user.role in {Role.PRACTITIONER, Role.MANAGER}


def can_record_consent_withdrawal(user: Any) -> bool:
    """Record that consent given for a finalised decision was withdrawn: any case role of
    the decision's organisation (the IG lead too: withdrawal often reaches them as a
    data protection request). The organisation is checked where the decision is known."""
    return can_view_case_records(user)


def can_add_person(user: Any) -> bool:
    return can_record_decision(user)


def can_administer(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or (user.is_staff and user.role == Role.ADMINISTRATOR))
    )


def can_view_access_report(user: Any) -> bool:
    """Information governance leads: who viewed their organisation's records."""
    return can_view_case_records(user) and user.role == Role.IG_LEAD


def can_manage_account(actor: Any, user: Any) -> bool:
    """Sign a user out everywhere, or reset their second factor: themselves, or an
    administrator."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.pk == user.pk or can_administer(actor))


def can_change_own_password(actor: Any, user: Any) -> bool:
    """Only the user themselves, signed in: administrators reset passwords in the admin."""
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.pk == user.pk
    )


def can_change_account_access(actor: Any) -> bool:
    """Disable or re-enable an account, change its role or organisation."""
    return can_administer(actor)
