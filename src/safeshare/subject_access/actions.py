"""Every change to a subject access request, each with its ledger entry in the same
transaction. The read audit of the person is the caller's (it needs the HTTP request, or
the command's stand-in for one): views and the command call record_access beside these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions.models import InformationItem
from safeshare.ledger.changes import record_change
from safeshare.subject_access import permissions
from safeshare.subject_access.deadlines import due_on
from safeshare.subject_access.models import Extension, Redaction, SubjectAccessRequest
from safeshare.subjects.models import Person

EXPORT_FORMATS = frozenset({"csv", "html", "pdf"})


class InvalidSubjectAccessInput(ValueError):
    """Refused input; `field` names the part of the form that was wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


def _required(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidSubjectAccessInput(field, message)
    return value


def _lock(request: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)


def log_subject_access_request(
    *,
    actor: User,
    person: Person,
    requester_name: str,
    requester_relationship: str,
    identity_check: str,
    received_on: datetime.date,
) -> SubjectAccessRequest:
    if not permissions.can_log_request(actor, person):
        raise PermissionDenied("Only your organisation's information governance lead can do this")
    values: dict[str, Any] = {
        "requester_name": _required("requester_name", requester_name, "Enter who asked"),
        "requester_relationship": _required(
            "requester_relationship",
            requester_relationship,
            "Enter their relationship to the person",
        ),
        "identity_check": _required(
            "identity_check", identity_check, "Enter how their identity was checked"
        ),
    }
    if received_on > timezone.localdate():
        raise InvalidSubjectAccessInput(
            "received_on", "The date received must be today or in the past"
        )
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            organisation_id=actor.organisation_pk(),
            person=person,
            received_on=received_on,
            due_on=due_on(received_on),
            logged_by=actor,
            **values,
        )
        record_change(
            "subject_access.request.logged",
            actor=actor,
            obj=request,
            payload={"person": str(person.pk), "due_on": request.due_on.isoformat()},
        )
    return request


def extend_subject_access_request(
    *, actor: User, request: SubjectAccessRequest, months: int, reason: str
) -> Extension:
    """Move the due date on by `months` (the two further months of Article 12(3) at most,
    in all), with the reason."""
    if not permissions.can_extend(actor, request):
        raise PermissionDenied("This request cannot be extended")
    reason = _required("reason", reason, "Enter why the request needs more time")
    with transaction.atomic():
        locked = _lock(request)
        if not permissions.can_extend(actor, locked):
            raise PermissionDenied("This request cannot be extended")
        if months < 1 or months > permissions.extension_months_left(locked):
            raise InvalidSubjectAccessInput(
                "months",
                f"Choose 1 to {permissions.extension_months_left(locked)} months: a request "
                "can be extended by two further months at most",
            )
        extension = Extension.objects.create(request=locked, months=months, reason=reason, by=actor)
        locked.extended_months += months
        locked.due_on = due_on(locked.received_on, locked.extended_months)
        locked.save(update_fields=["extended_months", "due_on"])
        record_change(
            "subject_access.extension.recorded",
            actor=actor,
            obj=extension,
            payload={"request": str(locked.pk), "months": months},
        )
        record_change(
            "subject_access.request.extended",
            actor=actor,
            obj=locked,
            payload={"extension": str(extension.pk), "due_on": locked.due_on.isoformat()},
        )
    request.extended_months, request.due_on = locked.extended_months, locked.due_on
    return extension


def redact_item(
    *, actor: User, request: SubjectAccessRequest, item: InformationItem, reason: str
) -> Redaction:
    """Leave the item's text out of this request's pack. The item itself is not touched.
    The caller has looked `item` up through queries.get_item_for_request."""
    if not permissions.can_redact(actor, request):
        raise PermissionDenied("This pack is signed off: nothing more can be redacted")
    reason = _required("reason", reason, "Enter why this information is redacted")
    with transaction.atomic():
        locked = _lock(request)
        if not permissions.can_redact(actor, locked):
            raise PermissionDenied("This pack is signed off: nothing more can be redacted")
        if Redaction.objects.filter(request=locked, item=item).exists():
            raise InvalidSubjectAccessInput("reason", "This item is already redacted")
        redaction = Redaction.objects.create(request=locked, item=item, reason=reason, by=actor)
        record_change(
            "subject_access.item.redacted",
            actor=actor,
            obj=redaction,
            payload={"request": str(locked.pk), "item": str(item.pk)},
        )
    return redaction


def sign_off(*, actor: User, request: SubjectAccessRequest) -> SubjectAccessRequest:
    """The IG lead confirms the pack (with its redactions) is what goes to the requester."""
    with transaction.atomic():
        locked = _lock(request)
        if not permissions.can_sign_off(actor, locked):
            raise PermissionDenied("This pack cannot be signed off")
        locked.signed_off_by = actor
        locked.signed_off_at = timezone.now()
        locked.save(update_fields=["signed_off_by", "signed_off_at"])
        record_change(
            "subject_access.request.signed_off",
            actor=actor,
            obj=locked,
            payload={"redactions": locked.redactions.count()},
        )
    request.signed_off_by, request.signed_off_at = locked.signed_off_by, locked.signed_off_at
    return locked


def record_export(*, actor: User, request: SubjectAccessRequest, file_format: str) -> None:
    """The pack left safeshare (a file, or the page for printing): a ledger event."""
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    if not permissions.can_view_request(actor, request):
        raise PermissionDenied("Only your organisation's information governance lead can do this")
    with transaction.atomic():
        record_change(
            "subject_access.pack.exported",
            actor=actor,
            obj=request,
            payload={"format": file_format, "signed_off": request.is_signed_off},
        )
