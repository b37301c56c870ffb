"""Who may do what with requests (see docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from safeshare.accounts.models import Role, User
from safeshare.accounts.permissions import (
    RECORDING_ROLES,
    can_view_case_records,
    has_recording_role,
)
from safeshare.requests.models import InformationRequest

# The roles that record decisions (handling a request is recording one).
ASSIGNABLE_ROLES = RECORDING_ROLES


def can_raise_request(user: User) -> bool:
    return has_recording_role(user)


def is_receiver(user: User, request: InformationRequest) -> bool:
    return can_view_case_records(user) and request.to_organisation_id == user.organisation_id


def is_requester_side(user: User, request: InformationRequest) -> bool:
    return can_view_case_records(user) and request.from_organisation_id == user.organisation_id


def can_assign(user: User, request: InformationRequest) -> bool:
    """A manager assigns to anyone in the team; a practitioner may take a request themselves."""
    return is_receiver(user, request) and has_recording_role(user) and request.is_open


def can_assign_others(user: User) -> bool:
    return bool(getattr(user, "role", None) == Role.MANAGER)


def can_be_assigned(candidate: Any, request: InformationRequest) -> bool:
    """Who can handle a request: an active practitioner or manager of the receiving
    organisation (handling one is recording a decision)."""
    return bool(
        candidate is not None
        and candidate.is_active
        and candidate.role in ASSIGNABLE_ROLES
        and candidate.organisation_id == request.to_organisation_id
    )


def can_respond(user: User, request: InformationRequest) -> bool:
    return is_receiver(user, request) and has_recording_role(user) and request.status != "withdrawn"


def can_add_information(user: User, request: InformationRequest) -> bool:
    return (
        is_requester_side(user, request)
        and has_recording_role(user)
        and request.status != "withdrawn"
    )


def can_withdraw(user: User, request: InformationRequest) -> bool:
    return is_requester_side(user, request) and has_recording_role(user) and request.is_open
