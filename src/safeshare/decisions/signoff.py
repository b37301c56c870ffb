"""Sign-off before a decision is final, and review after the event (issue 17).

The guidance policy's `sign_off` section (docs/guidance.md, "Sign-off") says which
decisions wait for a manager's sign-off (`before_final`) and which a manager reviews after
the event (`review_after`); a partnership's own policy file changes that without code.

- `finalise_decision` (actions.py) asks `rule_before_final`: when a rule covers the
  decision, it waits (status AWAITING_SIGN_OFF, a SignOff row, the entry
  decisions.decision.sign_off_requested) instead of being final. The practitioner can no
  longer change it.
- A manager of the same organisation, who neither made nor recorded it, approves it
  (`approve`: final, signed off by them, decisions.decision.signed_off then the
  decision's own entries) or returns it with reasons (`return_for_changes`: a draft again,
  the reasons shown on it, decisions.decision.returned).
- A final decision a `review_after` rule covers gets a Review due in working days
  (`schedule_review`, decisions.decision.review_due); a manager records it once
  (`record_review`, decisions.decision.reviewed).

Every action locks the decision's row: a second click of the same button finds the work
done and returns the same record (or says it was returned), never a second entry.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeshare import guidance
from safeshare.accounts.models import User
from safeshare.core.forms import LONG_TEXT, clean_text
from safeshare.core.workdays import add_working_days
from safeshare.decisions import flow, permissions
from safeshare.decisions.models import (
    Decision,
    DecisionStatus,
    Kind,
    Review,
    SignOff,
    SignOffResult,
)
from safeshare.ledger.actions import append_entry


class InvalidSignOff(ValueError):
    """A sign-off or review the service refuses; `field` names the form field at fault
    ("decision" when it is the decision's state)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


# --- Which rule covers a decision -------------------------------------------------------


def _facts(decision: Decision) -> dict[str, object]:
    return {
        "outcome": decision.outcome,
        "consent": decision.consent_status,
        "in_response_to_request": bool(decision.request_id) or decision.kind == Kind.REQUEST,
        "urgency": decision.urgency,
    }


def rule_before_final(policy: flow.Policy, decision: Decision) -> guidance.SignOffRule | None:
    """The policy's first `before_final` rule covering the decision (its outcome set)."""
    return guidance.first_covering(policy.sign_off_before_final, **_facts(decision))  # type: ignore[arg-type]


def review_rule(policy: flow.Policy, decision: Decision) -> guidance.SignOffRule | None:
    return guidance.first_covering(policy.review_after, **_facts(decision))  # type: ignore[arg-type]


def rule_named(decision: Decision, where: str) -> guidance.SignOffRule | None:
    """The rule a sign-off or review cites, read again from the decision's policy file (for
    the pages); None if the file no longer has it."""
    try:
        policy = flow.policy_for(decision)
    except flow.PolicyError:
        return None
    for rule in (*policy.sign_off_before_final, *policy.review_after):
        if rule.where == where:
            return rule
    return None


def _role(user: User) -> str:
    return user.job_title or user.get_role_display()


# --- Before final -----------------------------------------------------------------------


def request_sign_off(actor: User, locked: Decision, rule: guidance.SignOffRule) -> SignOff:
    """Called by finalise_decision, in its transaction, with the draft locked and complete
    (outcome, explanation and decision maker set)."""
    now = timezone.now()
    locked.status = DecisionStatus.AWAITING_SIGN_OFF
    locked.save()
    sign_off = SignOff.objects.create(
        decision=locked,
        organisation_id=locked.organisation_id,
        rule=rule.where,
        requested_by=actor,
        requested_at=now,
    )
    append_entry(
        event_type="decisions.decision.sign_off_requested",
        actor=actor,
        organisation=actor.organisation,
        obj=sign_off,
        payload={"decision": str(locked.pk), "outcome": locked.outcome, "rule": rule.where},
    )
    return sign_off


def open_sign_off(decision: Decision) -> SignOff | None:
    return SignOff.objects.filter(decision=decision, resolved_at__isnull=True).first()


def _lock_for_sign_off(actor: User, decision: Decision) -> tuple[Decision, SignOff | None]:
    if not permissions.is_manager(actor) or not permissions.is_own(actor, decision):
        raise PermissionDenied("Only a manager of this organisation can sign off its decisions")
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status == DecisionStatus.AWAITING_SIGN_OFF and not permissions.can_sign_off(
        actor, locked
    ):
        raise PermissionDenied("You cannot sign off a decision you made or recorded")
    return locked, open_sign_off(locked)


def approve(*, actor: User, decision: Decision) -> Decision:
    """Sign the decision off: it is final now, signed off by the actor. Approving again
    (a double click) returns the decision as the first approval left it."""
    from safeshare.decisions import actions

    with transaction.atomic():
        locked, sign_off = _lock_for_sign_off(actor, decision)
        if sign_off is None:
            if locked.is_finalised:
                return locked
            raise InvalidSignOff(
                "decision", "This decision is not waiting for sign-off: it was returned"
            )
        now = timezone.now()
        sign_off.result = SignOffResult.APPROVED
        sign_off.resolved_by = actor
        sign_off.resolved_by_role = _role(actor)
        sign_off.resolved_at = now
        sign_off.save()
        append_entry(
            event_type="decisions.decision.signed_off",
            actor=actor,
            organisation=actor.organisation,
            obj=sign_off,
            payload={"decision": str(locked.pk), "outcome": locked.outcome, "rule": sign_off.rule},
        )
        actions.make_final(actor, locked, flow.policy_for(locked))
    return locked


def return_for_changes(*, actor: User, decision: Decision, reasons: str) -> Decision:
    """Send the decision back to the practitioner as a draft, with the reasons (required),
    which the draft shows. Returning again finds it already a draft and does nothing."""
    try:
        text = clean_text(reasons or "", "Reasons")
    except ValidationError as exc:
        raise InvalidSignOff("reasons", " ".join(exc.messages)) from exc
    if not text:
        raise InvalidSignOff("reasons", "Enter why you are returning the decision")
    if len(text) > LONG_TEXT:
        raise InvalidSignOff("reasons", f"Reasons must be {LONG_TEXT} characters or fewer")
    with transaction.atomic():
        locked, sign_off = _lock_for_sign_off(actor, decision)
        if sign_off is None:
            if locked.status == DecisionStatus.DRAFT:
                return locked
            raise InvalidSignOff("decision", "This decision has already been signed off")
        sign_off.result = SignOffResult.RETURNED
        sign_off.resolved_by = actor
        sign_off.resolved_by_role = _role(actor)
        sign_off.resolved_at = timezone.now()
        sign_off.return_reasons = text
        sign_off.save()
        # A draft again: the outcome is the engine's once more, frozen when it is final.
        locked.status = DecisionStatus.DRAFT
        locked.outcome = ""
        locked.frozen_explanation = None
        locked.decided_by = None
        locked.recorded_by = None
        locked.save()
        append_entry(
            event_type="decisions.decision.returned",
            actor=actor,
            organisation=actor.organisation,
            obj=sign_off,
            payload={"decision": str(locked.pk), "rule": sign_off.rule},
        )
    return locked


def last_return(decision: Decision) -> SignOff | None:
    """The latest return of a draft, for the practitioner to see why (None when the draft
    was never returned, or was resubmitted since)."""
    if decision.status != DecisionStatus.DRAFT:
        return None
    latest = (
        SignOff.objects.filter(decision=decision)
        .select_related("resolved_by")
        .order_by("-requested_at", "-id")
        .first()
    )
    return latest if latest is not None and latest.result == SignOffResult.RETURNED else None


def approval(decision: Decision) -> SignOff | None:
    if not decision.is_finalised:
        return None
    return (
        SignOff.objects.filter(decision=decision, result=SignOffResult.APPROVED)
        .select_related("resolved_by")
        .first()
    )


# --- After the event --------------------------------------------------------------------


def schedule_review(actor: User, locked: Decision, policy: flow.Policy) -> Review | None:
    """Called as a decision becomes final: a review after the event when a `review_after`
    rule covers it, due that many working days from today."""
    rule = review_rule(policy, locked)
    if rule is None:
        return None
    now = timezone.now()
    review = Review.objects.create(
        decision=locked,
        organisation_id=locked.organisation_id,
        rule=rule.where,
        created_at=now,
        due_on=add_working_days(timezone.localdate(now), rule.within_working_days or 1),
    )
    append_entry(
        event_type="decisions.decision.review_due",
        actor=actor,
        organisation=actor.organisation,
        obj=review,
        payload={"decision": str(locked.pk), "rule": rule.where, "due_on": str(review.due_on)},
    )
    return review


def record_review(*, actor: User, decision: Decision, notes: str) -> Review:
    """A manager's review after the event (text required), recorded once: a second submit
    returns the first review unchanged."""
    try:
        text = clean_text(notes or "", "Review")
    except ValidationError as exc:
        raise InvalidSignOff("notes", " ".join(exc.messages)) from exc
    if not text:
        raise InvalidSignOff("notes", "Enter your review of the decision")
    if len(text) > LONG_TEXT:
        raise InvalidSignOff("notes", f"Review must be {LONG_TEXT} characters or fewer")
    if not permissions.is_manager(actor) or not permissions.is_own(actor, decision):
        raise PermissionDenied("Only a manager of this organisation can review its decisions")
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        review = Review.objects.filter(decision=locked).first()
        if review is None:
            raise InvalidSignOff("decision", "This decision has no review after the event")
        if review.reviewed_at is not None:
            return review
        if not permissions.can_review(actor, locked):
            raise PermissionDenied("You cannot review a decision you made or recorded")
        review.reviewed_by = actor
        review.reviewed_by_role = _role(actor)
        review.reviewed_at = timezone.now()
        review.notes = text
        review.save()
        append_entry(
            event_type="decisions.decision.reviewed",
            actor=actor,
            organisation=actor.organisation,
            obj=review,
            payload={"decision": str(locked.pk), "rule": review.rule},
        )
    return review


def due_date_text(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"
