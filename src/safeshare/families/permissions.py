"""Who sees the families to tell and who records that they were told (docs/permissions.md,
"Telling the family later").

The practitioner sees the decisions they made or recorded; managers (the designated
safeguarding lead) see their organisation's. Recording that the family was told, or that a
review found it still not safe to tell, is for the same people, as recording roles: the
information governance lead reads decisions but does not record them. Nobody outside the
decision's organisation sees any of it (families/queries.py scopes every lookup: 404).
"""

from __future__ import annotations

from safeshare.accounts.models import Role, User
from safeshare.accounts.permissions import can_view_case_records, has_recording_role
from safeshare.decisions.models import Decision


def can_view_list(user: User) -> bool:
    return can_view_case_records(user)


def sees_whole_organisation(user: User) -> bool:
    return can_view_case_records(user) and user.role == Role.MANAGER


def is_responsible(user: User, decision: Decision) -> bool:
    """Whose list the decision is on: the practitioner who made or recorded it, and the
    organisation's managers."""
    if not can_view_case_records(user) or decision.organisation_id != user.organisation_pk():
        return False
    return sees_whole_organisation(user) or user.pk in {
        decision.decided_by_id,
        decision.recorded_by_id,
    }


def can_record(user: User, decision: Decision) -> bool:
    """Record "told on ..." or a review: a recording role responsible for a finalised
    decision whose person or family was not told when it was made."""
    return bool(
        has_recording_role(user)
        and is_responsible(user, decision)
        and decision.is_finalised
        and decision.subject_informed is False
    )
