"""Every change to an advice request: asking, answering, and its withdrawal when the draft
ends first. Each takes the acting user as `actor=`, checks the rule (advice/permissions.py)
and does its work in one transaction with its ledger entry (ids and codes only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.advice import notifications, permissions
from safeshare.advice.models import (
    ADDRESSED,
    PRIORITY,
    ROLE_FOR_KIND,
    AdviceRequest,
    AdviserKind,
    WithdrawnReason,
)
from safeshare.core.forms import LONG_TEXT, clean_text
from safeshare.decisions.actions import record_advice_answer
from safeshare.decisions.models import Decision
from safeshare.ledger.changes import record_change
from safeshare.vocabulary.models import Urgency


class InvalidAdvice(ValueError):
    """What the service refuses in a request or an answer; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class AdviceClosed(ValueError):
    """The request cannot be answered any more: answered, withdrawn, or its decision was
    recorded."""


def _text(value: str, field: str, label: str, required: str) -> str:
    try:
        text = clean_text(value or "", label)
    except ValidationError as exc:
        raise InvalidAdvice(field, " ".join(exc.messages)) from exc
    if not text:
        raise InvalidAdvice(field, required)
    if len(text) > LONG_TEXT:
        raise InvalidAdvice(field, f"{label} must be {LONG_TEXT:,} characters or fewer")
    return text


def advisers_for(request: AdviceRequest) -> list[User]:
    """Who a request is addressed to (for the email): the colleague, or every active
    member of the organisation in the role asked."""
    if request.adviser_kind == AdviserKind.COLLEAGUE:
        return [request.colleague] if request.colleague is not None else []
    return list(
        User.objects.filter(
            organisation_id=request.organisation_id,
            role=ROLE_FOR_KIND[AdviserKind(request.adviser_kind)],
            is_active=True,
        ).exclude(pk=request.asked_by_id)
    )


def ask_advice(
    *,
    actor: User,
    decision: Decision,
    adviser_kind: str,
    question: str,
    share_identities: bool = False,
    colleague: User | None = None,
    urgency: str = "",
) -> AdviceRequest:
    """Ask for advice about a draft. The urgency is the draft's when it has one. Sending
    the same question to the same adviser again while it waits (a double submit) returns
    the waiting request."""
    if not permissions.can_ask(actor, decision):
        raise PermissionDenied("You cannot ask for advice about this decision")
    if adviser_kind not in AdviserKind.values:
        raise InvalidAdvice("adviser_kind", "Select who you want to ask for advice")
    if adviser_kind == AdviserKind.COLLEAGUE:
        if colleague is None or not permissions.can_be_asked(colleague, actor):
            raise InvalidAdvice("colleague", "Select the colleague you want to ask")
    else:
        colleague = None
        role = ROLE_FOR_KIND[AdviserKind(adviser_kind)]
        if (
            not User.objects.filter(
                organisation_id=decision.organisation_id, role=role, is_active=True
            )
            .exclude(pk=actor.pk)
            .exists()
        ):
            # Nobody would ever see it: say so now, not after it has waited for days.
            raise InvalidAdvice(
                "adviser_kind",
                f"Nobody in your organisation is set up in safeshare as its "
                f"{ADDRESSED[AdviserKind(adviser_kind)].lower()}: ask a named colleague",
            )
    text = _text(question, "question", "Your question", "Enter your question")
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not permissions.can_ask(actor, locked):
            raise PermissionDenied("You can only ask for advice about a draft")
        chosen = locked.urgency or urgency
        if chosen not in Urgency.values:
            raise InvalidAdvice("urgency", "Select how urgent this is")
        waiting = AdviceRequest.objects.filter(
            decision=locked,
            asked_by=actor,
            adviser_kind=adviser_kind,
            colleague=colleague,
            question=text,
            answered_at__isnull=True,
            withdrawn_at__isnull=True,
        ).first()
        if waiting is not None:
            return waiting
        request = AdviceRequest.objects.create(
            organisation_id=locked.organisation_id,
            decision=locked,
            asked_by=actor,
            adviser_kind=adviser_kind,
            colleague=colleague,
            question=text,
            urgency=chosen,
            priority=PRIORITY[Urgency(chosen)],
            share_identities=share_identities,
        )
        record_change(
            "advice.request.asked",
            actor=actor,
            obj=request,
            payload={
                "decision": str(locked.pk),
                "adviser_kind": adviser_kind,
                "urgency": chosen,
                "share_identities": share_identities,
            },
        )
        notifications.notify(
            "asked",
            advisers_for(request),
            reverse("advice:show", args=[request.pk]),
            organisation_id=request.organisation_id,
        )
    return request


def answer_advice(*, actor: User, request: AdviceRequest, answer: str) -> AdviceRequest:
    """Answer a request addressed to the actor. The answer is written into the draft's
    advice fields (who, role, organisation, when, what), and the asker is told. The same
    answer sent twice by its adviser (a double submit) changes nothing."""
    if not permissions.is_addressed_to(actor, request):
        raise PermissionDenied("This request for advice is not addressed to you")
    text = _text(answer, "answer", "Your advice", "Enter your advice")
    with transaction.atomic():
        locked = (
            # Lock the request's own row only: PostgreSQL refuses FOR UPDATE on the
            # nullable side of the outer join to the draft (gone once it is discarded).
            AdviceRequest.objects.select_for_update(of=("self",))
            .select_related("decision", "asked_by")
            .get(pk=request.pk)
        )
        if locked.answered_by_id == actor.pk and locked.answer == text:
            return locked
        if not permissions.can_answer(actor, locked):
            raise AdviceClosed(_closed_message(locked))
        assert locked.decision is not None  # can_answer: the draft is there
        now = timezone.now()
        locked.answered_by = actor
        locked.answered_at = now
        locked.answer = text
        locked.save(update_fields=["answered_by", "answered_at", "answer"])
        record_advice_answer(
            actor=actor, decision=locked.decision, advised_on=timezone.localdate(now), advice=text
        )
        record_change(
            "advice.request.answered",
            actor=actor,
            obj=locked,
            payload={"decision": str(locked.decision_id), "adviser_kind": locked.adviser_kind},
        )
        notifications.notify(
            "answered",
            [locked.asked_by],
            reverse("advice:show", args=[locked.pk]),
            organisation_id=actor.organisation_id,
        )
    return locked


def _closed_message(request: AdviceRequest) -> str:
    if request.answered_at is not None:
        return f"This request was answered on {timezone.localtime(request.answered_at):%-d %B %Y at %H:%M}"
    if request.withdrawn_reason == WithdrawnReason.SIGN_OFF:
        return "This request was withdrawn: the draft was sent for sign-off before an answer"
    if request.withdrawn_at is not None or request.decision is None:
        return "This request was withdrawn: the draft it was about has gone"
    return "The decision has been recorded, so advice can no longer be added to it"


def withdraw_open_advice(*, actor: User | None, decision: Decision, reason: str) -> int:
    """The draft ended before its advice came: finalised, or discarded (then every request
    of it, answered or not, lets go of the draft, which is deleted). The service's own
    change when called on the draft's end (actor None); the entry is in the organisation's
    name. Returns how many requests changed."""
    discarded = reason == WithdrawnReason.DISCARDED
    changed = 0
    with transaction.atomic():
        found = AdviceRequest.objects.select_for_update(of=("self",)).filter(
            decision_id=decision.pk
        )
        if not discarded:
            found = found.filter(Q(answered_at__isnull=True) & Q(withdrawn_at__isnull=True))
        now = timezone.now()
        for request in found.select_related("organisation"):
            waiting = request.is_waiting
            if waiting:
                request.withdrawn_at = now
                request.withdrawn_reason = reason
            if discarded:
                request.decision = None
            request.save(update_fields=["withdrawn_at", "withdrawn_reason", "decision"])
            record_change(
                "advice.request.withdrawn" if waiting else "advice.request.draft_discarded",
                actor=actor,
                obj=request,
                organisation=request.organisation,
                payload={"reason": reason},
            )
            changed += 1
    return changed
