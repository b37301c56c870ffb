"""Every change to a request: keyword-only `actor=`, a permission check, one transaction,
and the ledger entry in that same transaction."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, Role, User
from safeshare.core.forms import LONG_TEXT, clean_text
from safeshare.ledger.changes import record_change
from safeshare.requests import deadlines, forwarding, notifications, permissions
from safeshare.requests.answering import Answer, answering
from safeshare.requests.models import InformationRequest, RequestNote, Response, Status
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import SHARING_OUTCOMES, Outcome

DETAIL_FIELDS = (
    "subject_details",
    "purpose_category",
    "purpose",
    "information_needed",
    "why_needed",
    "urgency",
    "statutory_basis",
    "statutory_basis_detail",
)
EXTERNAL_FIELDS = (
    "external_requester_name",
    "external_requester_role",
    "external_requester_organisation",
    "external_requester_contact",
    "external_received_by",
    "external_identity_check",
)


class InvalidRequestInput(ValueError):
    """Input the action refuses; `field` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


def _reference() -> str:
    # Short enough to read over the phone; not guessable, not derived from any personal data.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "REQ-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _managers(organisation_id: Any) -> list[User]:
    return list(
        User.objects.filter(organisation_id=organisation_id, role=Role.MANAGER, is_active=True)
    )


def _path(request: InformationRequest) -> str:
    return reverse("requests:show", args=[request.pk])


def content_digest(
    actor: User, to_organisation_id: Any, details: dict[str, Any], external: dict[str, Any]
) -> str:
    """Who asks whom for what, as one SHA-256: two submissions with the same digest are the
    same request."""
    content = {
        "by": str(actor.pk),
        "to": str(to_organisation_id),
        **{name: str(getattr(details[name], "pk", details[name])) for name in DETAIL_FIELDS},
        **{name: str(external.get(name, "")) for name in EXTERNAL_FIELDS if external},
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _open_with(digest: str) -> InformationRequest | None:
    found = InformationRequest.objects.filter(
        content_digest=digest, status__in=[Status.OPEN, Status.ASSIGNED]
    ).first()
    if found is not None:
        found.repeated = True
    return found


def _create_once(digest: str, values: dict[str, Any]) -> InformationRequest | None:
    """The new request, or None when the same one is already open: checked first, then
    held by the unique constraint when two submissions race (a double click on PostgreSQL;
    SQLite's immediate transactions already queue them)."""
    if _open_with(digest) is not None:
        return None
    try:
        with transaction.atomic():
            return InformationRequest.objects.create(content_digest=digest, **values)
    except IntegrityError:
        return None


def raise_request(
    *, actor: User, to_organisation: Organisation, details: dict[str, Any]
) -> InformationRequest:
    """A practitioner asks another agency for information. Sending the same request again
    while it is open returns it (`repeated` is True) and sends nothing more."""
    if not permissions.can_raise_request(actor):
        raise PermissionDenied("Your role cannot make requests for information")
    if to_organisation.pk == actor.organisation_id:
        raise ValueError("A request goes to another organisation")
    digest = content_digest(actor, to_organisation.pk, details, {})
    with transaction.atomic():
        now = timezone.now()
        request = _create_once(
            digest,
            {
                "reference": _reference(),
                "to_organisation": to_organisation,
                "from_organisation_id": actor.organisation_id,
                "requested_by": actor,
                "received_at": now,
                "due_at": deadlines.due_at(now, details["urgency"]),
                **{name: details[name] for name in DETAIL_FIELDS},
            },
        )
        if request is None:
            repeated = _open_with(digest)
            assert repeated is not None
            return repeated
        record_change(
            "requests.request.received",
            actor=actor,
            obj=request,
            payload={"reference": request.reference, "urgency": request.urgency},
        )
        # To an organisation in another partnership: queued for its deployment here, in
        # this transaction (requests/forwarding.py).
        forwarding.forward(actor=actor, request=request)
        notifications.notify(
            "new",
            _managers(to_organisation.pk),
            _path(request),
            organisation_id=request.from_organisation_id,
        )
    return request


def log_external_request(
    *, actor: User, details: dict[str, Any], external: dict[str, Any], received_at: Any = None
) -> InformationRequest:
    """A request that arrived by phone, letter or email from outside safeshare, logged by
    the practitioner who received it, with how the requester's identity was checked."""
    if not permissions.can_raise_request(actor):
        raise PermissionDenied("Your role cannot log requests")
    received_at = received_at or timezone.now()
    digest = content_digest(actor, actor.organisation_id, details, external)
    with transaction.atomic():
        request = _create_once(
            digest,
            {
                "reference": _reference(),
                "to_organisation_id": actor.organisation_id,
                "logged_by": actor,
                "received_at": received_at,
                "due_at": deadlines.due_at(received_at, details["urgency"]),
                "assigned_to": actor,
                "assigned_at": timezone.now(),
                "status": Status.ASSIGNED,
                **{name: details[name] for name in DETAIL_FIELDS},
                **{name: external.get(name, "") for name in EXTERNAL_FIELDS},
            },
        )
        if request is None:
            repeated = _open_with(digest)
            assert repeated is not None
            return repeated
        record_change(
            "requests.request.received",
            actor=actor,
            obj=request,
            payload={"reference": request.reference, "urgency": request.urgency, "external": True},
        )
    return request


def receive_federated_request(
    *,
    to_organisation: Organisation,
    details: dict[str, Any],
    external: dict[str, Any],
    received_at: Any,
    due_at: Any,
    verified_by: str,
) -> InformationRequest:
    """A request from a practitioner in another partnership, received from their
    deployment with its signature verified (safeshare.federation calls this inside the
    transaction that records the message). Queued like a request from outside, for the
    organisation's managers to assign; `verified_by` says how the sender was verified.
    The caller makes sure a message is taken once (a retried delivery is the same one)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("receive_federated_request runs inside the caller's transaction")
    request = InformationRequest.objects.create(
        reference=_reference(),
        to_organisation=to_organisation,
        received_at=received_at,
        due_at=due_at,
        **{name: details[name] for name in DETAIL_FIELDS},
        **{name: external.get(name, "") for name in EXTERNAL_FIELDS},
    )
    record_change(
        "requests.request.received",
        actor=None,
        organisation=to_organisation,
        obj=request,
        payload={
            "reference": request.reference,
            "urgency": request.urgency,
            "external": True,
            "verified_by": verified_by,
        },
    )
    notifications.notify(
        "new", _managers(to_organisation.pk), _path(request), organisation_id=to_organisation.pk
    )
    return request


def assign_request(
    *, actor: User, request: InformationRequest, assignee: User
) -> InformationRequest:
    if not permissions.can_assign(actor, request):
        raise PermissionDenied("You cannot assign this request")
    if assignee.pk != actor.pk and not permissions.can_assign_others(actor):
        raise PermissionDenied("Only a manager can assign a request to someone else")
    if not permissions.can_be_assigned(assignee, request):
        raise PermissionDenied(
            "Assign the request to an active practitioner or manager in your team"
        )
    with transaction.atomic():
        locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
        locked.assigned_to = assignee
        locked.assigned_at = timezone.now()
        if locked.status == Status.OPEN:
            locked.status = Status.ASSIGNED
        locked.save(update_fields=["assigned_to", "assigned_at", "status"])
        record_change(
            "requests.request.assigned",
            actor=actor,
            obj=locked,
            payload={"reference": locked.reference, "assignee": str(assignee.pk)},
        )
        if assignee.pk != actor.pk:
            notifications.notify(
                "assigned", [assignee], _path(locked), organisation_id=locked.to_organisation_id
            )
    return locked


def link_subjects(
    *, actor: User, request: InformationRequest, people: Iterable[Person]
) -> InformationRequest:
    """The receiving agency says which of its own records the request is about."""
    people = list(people)
    if not permissions.can_respond(actor, request):
        raise PermissionDenied("You cannot handle this request")
    if any(p.organisation_id != request.to_organisation_id for p in people):
        raise PermissionDenied("Link your own organisation's records only")
    with transaction.atomic():
        request.subjects.set(people)
        record_change(
            "requests.request.subjects_linked",
            actor=actor,
            obj=request,
            payload={"reference": request.reference, "count": len(people)},
        )
    return request


def start_response(*, actor: User, request: InformationRequest, subject: Person) -> Answer:
    """Answer the request with a decision: the record starts filled in from the request
    (the decisions app makes the draft, through requests.answering)."""
    if not permissions.can_respond(actor, request):
        raise PermissionDenied("You cannot answer this request")
    with transaction.atomic():
        if not request.subjects.filter(pk=subject.pk).exists():
            request.subjects.add(subject)
        decision = answering().start(actor=actor, request=request, subject=subject)
        if request.status == Status.OPEN:
            request.status = Status.ASSIGNED
            request.assigned_to = actor
            request.assigned_at = timezone.now()
            request.save(update_fields=["status", "assigned_to", "assigned_at"])
        record_change(
            "requests.request.response_started",
            actor=actor,
            obj=request,
            payload={"reference": request.reference, "decision": str(decision.pk)},
        )
    return decision


def record_response(*, actor: User, decision: Answer) -> None:
    """Called by finalise_decision, in its transaction, when the decision answers a request."""
    assert decision.request_id is not None
    request = InformationRequest.objects.select_for_update().get(pk=decision.request_id)
    if decision.outcome in SHARING_OUTCOMES:
        response = (
            Response.SHARED if decision.shares_all_requested is not False else Response.SHARED_PART
        )
    elif decision.outcome == Outcome.DO_NOT_SHARE:
        response = Response.DECLINED
    else:
        response = Response.ADVICE
    request.response = response
    if response != Response.ADVICE:
        request.status = Status.ANSWERED
        request.answered_at = decision.decided_at
    request.save(update_fields=["response", "status", "answered_at"])
    record_change(
        "requests.request.answered",
        actor=actor,
        obj=request,
        payload={
            "reference": request.reference,
            "response": response,
            "decision": str(decision.pk),
        },
    )
    if request.requested_by is not None:
        notifications.notify(
            "response",
            [request.requested_by],
            _path(request),
            organisation_id=request.to_organisation_id,
        )


def record_remote_answer(*, request: InformationRequest, answered_at: Any, reference: str) -> None:
    """A request to another partnership's organisation was answered with a signed
    disclosure (safeshare.federation, in the transaction that stores it): answered,
    shared. A request already answered (a second disclosure) is left as it is."""
    locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        return
    locked.response = Response.SHARED
    locked.status = Status.ANSWERED
    locked.answered_at = answered_at
    locked.save(update_fields=["response", "status", "answered_at"])
    record_change(
        "requests.request.answered",
        actor=None,
        organisation=locked.from_organisation,
        obj=locked,
        payload={
            "reference": locked.reference,
            "response": Response.SHARED,
            "disclosure": reference,
        },
    )


def add_new_information(*, actor: User, request: InformationRequest, text: str) -> RequestNote:
    """The requester brings new information (2024: reconsider a refusal when they do)."""
    if not permissions.can_add_information(actor, request):
        raise PermissionDenied("You cannot add information to this request")
    text = clean_text(text or "", "New information")
    if not text:
        raise InvalidRequestInput("text", "Enter the new information")
    if len(text) > LONG_TEXT:
        raise InvalidRequestInput(
            "text", f"New information must be {LONG_TEXT} characters or fewer"
        )
    with transaction.atomic():
        note = RequestNote.objects.create(
            request=request, kind=RequestNote.Kind.NEW_INFORMATION, text=text, by=actor
        )
        if request.status == Status.ANSWERED and request.response == Response.DECLINED:
            request.status = Status.ASSIGNED
            request.save(update_fields=["status"])
        record_change(
            "requests.request.information_added",
            actor=actor,
            obj=request,
            payload={"reference": request.reference, "note": str(note.pk)},
        )
        people = [request.assigned_to] if request.assigned_to else []
        notifications.notify(
            "new_information",
            people + _managers(request.to_organisation_id),
            _path(request),
            organisation_id=actor.organisation_id,
        )
    return note


def withdraw_request(*, actor: User, request: InformationRequest) -> InformationRequest:
    if not permissions.can_withdraw(actor, request):
        raise PermissionDenied("You cannot withdraw this request")
    with transaction.atomic():
        request.status = Status.WITHDRAWN
        request.withdrawn_at = timezone.now()
        request.save(update_fields=["status", "withdrawn_at"])
        record_change(
            "requests.request.withdrawn",
            actor=actor,
            obj=request,
            payload={"reference": request.reference},
        )
    return request


def escalate_overdue(*, now: Any = None) -> int:
    """Open requests past their due date go to the receiving team's managers, once.

    Run by `safeshare requests escalate` from cron (any app server; the row lock makes two
    runs at once escalate each request once)."""
    now = now or timezone.now()
    count = 0
    due = InformationRequest.objects.filter(
        status__in=[Status.OPEN, Status.ASSIGNED], due_at__lt=now, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            request = InformationRequest.objects.select_for_update().get(pk=pk)
            if request.escalated_at is not None:
                continue
            request.escalated_at = now
            request.save(update_fields=["escalated_at"])
            RequestNote.objects.create(request=request, kind=RequestNote.Kind.ESCALATED, at=now)
            record_change(
                "requests.request.escalated",
                actor=None,
                obj=request,
                payload={"reference": request.reference},
                organisation=request.to_organisation,
            )
            notifications.notify(
                "overdue",
                _managers(request.to_organisation_id),
                _path(request),
                organisation_id=request.to_organisation_id,
            )
            count += 1
    return count
