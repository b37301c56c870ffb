"""Who may do what with subject access requests: the information governance lead of the
organisation holding the person's record, and nobody else (docs/permissions.md)."""

from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_access_report
from safeshare.subject_access.deadlines import MAX_EXTENSION_MONTHS
from safeshare.subject_access.models import SubjectAccessRequest
from safeshare.subjects.models import Person


def can_handle_subject_access(user: User) -> bool:
    """An information governance lead (the role that already sees who viewed a record)."""
    return can_view_access_report(user) and user.is_active


def can_log_request(user: User, person: Person) -> bool:
    return can_handle_subject_access(user) and person.organisation_id == user.organisation_id


def _own(user: User, request: SubjectAccessRequest) -> bool:
    return can_handle_subject_access(user) and request.organisation_id == user.organisation_id


def can_view_request(user: User, request: SubjectAccessRequest) -> bool:
    """See the request and its pack, and export the pack."""
    return _own(user, request)


def extension_months_left(request: SubjectAccessRequest) -> int:
    return MAX_EXTENSION_MONTHS - request.extended_months


def can_extend(user: User, request: SubjectAccessRequest) -> bool:
    """Until it is signed off, while some of the two further months are left."""
    return _own(user, request) and not request.is_signed_off and extension_months_left(request) > 0


def can_redact(user: User, request: SubjectAccessRequest) -> bool:
    """Until the pack is signed off: what was signed off is what goes out."""
    return _own(user, request) and not request.is_signed_off


def can_sign_off(user: User, request: SubjectAccessRequest) -> bool:
    return _own(user, request) and not request.is_signed_off
