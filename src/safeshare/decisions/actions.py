"""Every change to a decision. Views, API and commands call these and nothing else.

Each takes the acting user as `actor=`, checks the permission, and does its work in one
transaction, so a failure part-way leaves nothing half-written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safeshare.accounts.permissions import can_record_decision
from safeshare.decisions import flow
from safeshare.decisions.models import Decision, DecisionStatus, FinalisedRecordError
from safeshare.subjects.models import Person


class DecisionIncomplete(Exception):
    """The guided questions do not yet lead to an outcome."""


def _check_can_edit(actor: Any, decision: Decision) -> None:
    if not can_record_decision(actor) or decision.organisation_id != actor.organisation_id:
        raise PermissionDenied("You cannot record decisions for this organisation")
    if decision.status != DecisionStatus.DRAFT:
        raise FinalisedRecordError("A finalised decision cannot be changed; record an amendment")


def start_decision(*, actor: Any, subject: Person) -> Decision:
    if not can_record_decision(actor) or subject.organisation_id != actor.organisation_id:
        raise PermissionDenied("You cannot record decisions about this person")
    policy = flow.current_policy()
    with transaction.atomic():
        decision = Decision.objects.create(
            organisation_id=actor.organisation_id,
            started_by=actor,
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
        )
        decision.subjects.add(subject)
    return decision


def set_purpose(*, actor: Any, decision: Decision, purpose: str) -> Decision:
    _check_can_edit(actor, decision)
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        _check_can_edit(actor, locked)
        locked.purpose = purpose
        locked.save(update_fields=["purpose", "updated_at"])
    return locked


def answer_question(
    *, actor: Any, decision: Decision, question_id: str, submitted: str | list[str]
) -> Decision:
    """Store one answer. Raises flow.AnswerError, naming the question, on a bad value."""
    _check_can_edit(actor, decision)
    policy = flow.policy_named(decision.policy_id)
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        _check_can_edit(actor, locked)
        locked.answers = flow.apply_answer(policy, locked.answers, question_id, submitted)
        locked.save(update_fields=["answers", "updated_at"])
    return locked


def finalise_decision(*, actor: Any, decision: Decision) -> Decision:
    """Evaluate the answers once more and freeze the outcome, reasons and policy."""
    _check_can_edit(actor, decision)
    policy = flow.policy_named(decision.policy_id)
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        _check_can_edit(actor, locked)
        if not locked.purpose:
            raise DecisionIncomplete("Enter the purpose of sharing")
        evaluation = flow.next_step(policy, locked.answers)
        if evaluation.outcome == "incomplete":
            raise DecisionIncomplete("Answer all the questions before you confirm the decision")
        result = evaluation.to_json()
        # Freeze the questions as worded when answered: the policy file may be corrected later.
        result["answered"] = [
            {"question": policy.questions[step.question_id].text, "answer": step.answer_label}
            for step in evaluation.path
        ]
        locked.outcome = evaluation.outcome
        locked.reasons = result["reasons"]
        locked.explanation = result
        locked.policy_id = policy.id
        locked.policy_version = policy.version
        locked.policy_sha256 = policy.sha256
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.status = DecisionStatus.FINALISED
        locked.save()
    return locked
