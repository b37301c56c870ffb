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


def can_add_person(user: Any) -> bool:
    return can_record_decision(user)


def can_administer(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or (user.is_staff and user.role == Role.ADMINISTRATOR))
    )
