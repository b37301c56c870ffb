"""Every change to a decision. Views, API and commands call these and nothing else.

Each takes the acting user as `actor=`, checks the permission, and does its work in one
transaction, so a failure part-way leaves nothing half-written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.core.forms import LONG_TEXT, SHORT_TEXT, clean_text
from safeshare.decisions import completeness, flow, permissions, queries, signoff
from safeshare.decisions.models import (
    ConsentWithdrawal,
    Decision,
    DecisionStatus,
    Explanation,
    FinalisedRecordError,
    InformationItem,
)
from safeshare.ledger.actions import append_entry
from safeshare.requests.actions import record_response, start_response
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import ContactMethod


class DecisionIncomplete(Exception):
    """The record lacks what the outcome needs; `problems` says what, section by section."""

    def __init__(self, problems: list[completeness.Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


# What each page may change: a tampered form cannot reach any other field.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "about": (
        "kind",
        "requester_name",
        "requester_role",
        "requester_organisation",
        "request_method",
        "request_received_at",
        "requester_verification",
        "purpose_category",
        "purpose",
        "urgency",
    ),
    "amendment": ("amendment_reason",),
    "reconsideration": ("new_information",),
    "consent": (
        "consent_status",
        "consent_from",
        "consent_asked_on",
        "consent_method",
        "consent_scope",
        "consent_not_sought_reason",
        "consent_detail",
    ),
    "principles": tuple(key for key, _t, _h in completeness.PRINCIPLES),
    "recipient": (
        "recipient_organisation",
        "recipient_organisation_name",
        "recipient_name",
        "recipient_role",
        "recipient_contact",
        "recipient_verification",
        "recipient_verification_detail",
        "channel",
        "shared_at",
        "shares_all_requested",
        "no_agreement_justification",
    ),
    "transparency": (
        "subject_informed",
        "informed_on",
        "informed_method",
        "informed_by",
        "not_informed_reason",
        "not_informed_detail",
        "inform_review_on",
    ),
    "advice": (
        "advice_sought",
        "adviser_name",
        "adviser_role",
        "adviser_organisation",
        "advised_on",
        "advice",
    ),
    "not_sharing": (
        "not_sharing_reasons",
        "discussed_on",
        "discussion_method",
        "requester_response",
    ),
}

ITEM_FIELDS = (
    "text",
    "nature",
    "opinion_of",
    "currency",
    "relates_to",
    "source",
    "about",
    "special_category",
    "identifies_third_party",
    "third_party_action",
    "third_party_justification",
)


def _check_can_edit(actor: User, decision: Decision) -> None:
    if not permissions.can_record_for(actor, decision):
        raise PermissionDenied("You cannot record decisions for this organisation")
    if not permissions.can_edit_draft(actor, decision):
        raise FinalisedRecordError("A finalised decision cannot be changed; record an amendment")


def _locked(actor: User, decision: Decision) -> Decision:
    """The draft, locked for this transaction: two tabs saving at once queue, not clash."""
    _check_can_edit(actor, decision)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    _check_can_edit(actor, locked)
    return locked


def _check_subjects(actor: User, people: Iterable[Person]) -> list[Person]:
    people = list(people)
    if not permissions.can_record_about(actor, people):
        raise PermissionDenied("You can only record decisions about your organisation's people")
    return people


def start_decision(*, actor: User, subject: Person) -> Decision:
    if not permissions.can_record_decision(actor):
        raise PermissionDenied("Your role cannot record decisions")
    _check_subjects(actor, [subject])
    policy = flow.current_policy()
    with transaction.atomic():
        decision = Decision.objects.create(
            organisation_id=actor.organisation_pk(),
            started_by=actor,
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
        )
        decision.subjects.add(subject)
        _derive_answers(decision, policy)
        decision.save(update_fields=["answers"])
    return decision


def _derive_answers(decision: Decision, policy: flow.Policy) -> None:
    """Fill the answers the engine takes from the record (flow.DERIVED_ANSWERS): the
    organisation's public authority setting and whether the people are adults today. The
    one place they are worked out; stored with the other answers, so the outcome pages, the
    frozen explanation and the record's ledger digest all see the same. Worked out again
    whenever an answer or the people change."""
    decision.answers = flow.with_derived_answers(
        policy,
        decision.answers,
        organisation=decision.organisation,
        people=decision.subjects.all(),
        day=timezone.localdate(),
    )


def set_subjects(*, actor: User, decision: Decision, people: Iterable[Person]) -> Decision:
    people = _check_subjects(actor, people)
    if not people:
        raise ValueError("A decision is about at least one person")
    with transaction.atomic():
        locked = _locked(actor, decision)
        locked.subjects.set(people)
        _derive_answers(locked, flow.policy_for(locked))
        locked.save(update_fields=["answers", "updated_at"])
    return locked


def update_section(
    *, actor: User, decision: Decision, section: str, values: Mapping[str, Any]
) -> Decision:
    """Save one page of the record; only that page's fields can change."""
    allowed = SECTION_FIELDS[section]
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Fields not on the {section} page: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked(actor, decision)
        if section == "principles":
            locked.principles = {key: values.get(key, "") for key in allowed}
            locked.save(update_fields=["principles", "updated_at"])
        else:
            for name, value in values.items():
                setattr(locked, name, "" if value is None and _is_text(name) else value)
            fields = [*values.keys(), "updated_at"]
            if section == "recipient":
                check_recipient(locked)
                fields += ["agreement", "recipient_in_directory"]
            locked.save(update_fields=fields)
    return locked


def record_advice_answer(
    *, actor: User, decision: Decision, advised_on: datetime.date, advice: str
) -> Decision:
    """Advice given through safeshare (safeshare.advice.actions.answer_advice, which checks
    the adviser was asked) written into the draft's advice fields: who advised (the actor),
    in what role, of which organisation, when and what. A later answer replaces an earlier
    one here; each stays on its advice request. Finalising then records them in the
    decision's digest and its decisions.advice.recorded entry."""
    if not permissions.can_receive_advice(actor, decision):
        raise PermissionDenied("You cannot give advice on this decision")
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not permissions.can_receive_advice(actor, locked):
            raise FinalisedRecordError("A finalised decision cannot be changed")
        locked.advice_sought = True
        locked.adviser_name = actor.display_name()
        locked.adviser_role = actor.job_title or actor.get_role_display()
        locked.adviser_organisation = actor.organisation.name if actor.organisation else ""
        locked.advised_on = advised_on
        locked.advice = advice
        locked.save(update_fields=[*SECTION_FIELDS["advice"], "updated_at"])
    return locked


def check_recipient(decision: Decision) -> None:
    agreements, verified = queries.recipient_checks(decision)
    decision.agreement = agreements[0] if agreements else None
    decision.recipient_in_directory = verified


def _is_text(name: str) -> bool:
    field = Decision._meta.get_field(name)
    return field.get_internal_type() in {"CharField", "TextField"}


def answer_question(
    *, actor: User, decision: Decision, question_id: str, submitted: str | list[str]
) -> Decision:
    """Store one guided answer. Raises flow.AnswerError, naming the question, on a bad value."""
    policy = flow.policy_for(decision)
    with transaction.atomic():
        locked = _locked(actor, decision)
        locked.answers = flow.apply_answer(policy, locked.answers, question_id, submitted)
        _derive_answers(locked, policy)
        locked.save(update_fields=["answers", "updated_at"])
    return locked


def save_item(
    *,
    actor: User,
    decision: Decision,
    values: Mapping[str, Any],
    item: InformationItem | None = None,
) -> InformationItem:
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not item fields: {sorted(unknown)}")
    about = values.get("about")
    with transaction.atomic():
        locked = _locked(actor, decision)
        if about is not None and not locked.subjects.filter(pk=about.pk).exists():
            raise PermissionDenied("An item can only be about a person the decision is about")
        if item is None:
            last = locked.items.aggregate(last=Max("position"))["last"]
            item = InformationItem(decision=locked, position=(last or 0) + 1)
        elif item.decision_id != locked.pk:
            raise PermissionDenied("That item belongs to another decision")
        for name, value in values.items():
            setattr(item, name, value)
        item.full_clean(exclude=["decision"])
        item.save()
        locked.save(update_fields=["updated_at"])
    return item


def remove_item(*, actor: User, decision: Decision, item: InformationItem) -> None:
    with transaction.atomic():
        locked = _locked(actor, decision)
        if item.decision_id != locked.pk:
            raise PermissionDenied("That item belongs to another decision")
        item.delete()
        locked.save(update_fields=["updated_at"])


def finalise_decision(
    *, actor: User, decision: Decision, decided_by: User | None = None
) -> Decision:
    """Check the record is complete for its outcome, then freeze it with the engine's
    explanation and the policy that produced it."""
    decided_by = decided_by or actor
    if not permissions.can_be_decision_maker(decided_by, actor.organisation_id):
        raise PermissionDenied(
            "The decision maker must be an active member of your organisation with a case role"
        )
    policy = flow.policy_for(decision)
    with transaction.atomic():
        locked = _locked(actor, decision)
        found = queries.problems_for(locked)
        evaluation = flow.next_step(policy, locked.answers)
        if evaluation.outcome == "incomplete" and not any(p.section == "questions" for p in found):
            found.append(completeness.Problem("questions", "Answer the guided questions"))
        if found:
            raise DecisionIncomplete(found)
        result = queries.explain(policy, evaluation, locked.answers)
        locked.outcome = evaluation.outcome
        locked.frozen_explanation = Explanation.freeze(result, policy.sha256)
        locked.policy_id = policy.id
        locked.policy_version = policy.version
        locked.policy_sha256 = policy.sha256
        locked.decided_by = decided_by
        locked.recorded_by = actor
        rule = signoff.rule_before_final(policy, locked)
        if rule is not None:
            # Final only once a manager signs it off (decisions/signoff.py).
            signoff.request_sign_off(actor, locked, rule)
            return locked
        make_final(actor, locked, policy)
    return locked


def make_final(actor: User, locked: Decision, policy: flow.Policy) -> None:
    """Freeze a complete decision (locked in the caller's transaction): finalised now, its
    consent and advice entries, its own entry, the request's response, and a review after
    the event when the policy asks for one. `actor` is who recorded it, or the manager who
    signed it off."""
    locked.decided_at = timezone.now()
    locked.status = DecisionStatus.FINALISED
    locked.save()
    # Consent and advice first: the decision's own entry is the last about it, so the
    # record's ledger receipt (ledger.queries.receipt_for) is that entry's. A review to
    # come is created before them, and is an entry of its own.
    signoff.schedule_review(actor, locked, policy)
    _record_consent_and_advice(actor, locked)
    event = "amended" if locked.supersedes_id else "finalised"
    append_entry(
        event_type=f"decisions.decision.{event}",
        actor=actor,
        organisation=actor.organisation,
        obj=locked,
        payload={
            "outcome": locked.outcome,
            "policy": f"{locked.policy_id}@{locked.policy_version}",
            "supersedes": str(locked.supersedes_id) if locked.supersedes_id else None,
            "reconsiders": str(locked.reconsiders_id) if locked.reconsiders_id else None,
            "items": locked.items.count(),
            "advice_recorded": bool(locked.advice_sought),
            "consent": locked.consent_status or None,
        },
    )
    if locked.request_id:
        record_response(actor=actor, decision=locked)


def _record_consent_and_advice(actor: User, decision: Decision) -> None:
    """Consent and advice are events of their own in the ledger (issue 5), appended with
    the decision that records them: codes and dates only, never who or what was said."""
    amended = bool(decision.supersedes_id)
    if decision.consent_status:
        append_entry(
            event_type="decisions.consent.recorded",
            actor=actor,
            organisation=actor.organisation,
            obj=decision,
            payload={
                "decision": str(decision.pk),
                "consent": decision.consent_status,
                "not_sought_reason": decision.consent_not_sought_reason or None,
                "method": decision.consent_method or None,
                "asked_on": decision.consent_asked_on.isoformat()
                if decision.consent_asked_on
                else None,
                "amendment": amended,
            },
        )
    if decision.advice_sought:
        append_entry(
            event_type="decisions.advice.recorded",
            actor=actor,
            organisation=actor.organisation,
            obj=decision,
            payload={
                "decision": str(decision.pk),
                "advised_on": decision.advised_on.isoformat() if decision.advised_on else None,
                "outcome": decision.outcome,
                "amendment": amended,
            },
        )


def _copy_as_draft(actor: User, original: Decision, **links: Any) -> Decision:
    """A new draft carrying the original's content, subjects and items: the original stays
    exactly as it was."""
    skip = {
        "id",
        "status",
        "outcome",
        "frozen_explanation",
        "decided_by",
        "recorded_by",
        "decided_at",
        "started_by",
        "started_at",
        "updated_at",
        "supersedes",
        "reconsiders",
        "amendment_reason",
        "new_information",
    }
    values = {
        f.attname: getattr(original, f.attname)
        for f in Decision._meta.concrete_fields
        if f.name not in skip
    }
    policy = flow.current_policy()
    values.update(policy_id=policy.id, policy_version=policy.version, policy_sha256=policy.sha256)
    draft = Decision.objects.create(started_by=actor, **values, **links)
    draft.subjects.set(original.subjects.all())
    # The current policy may take other answers than the original's did.
    _derive_answers(draft, policy)
    draft.save(update_fields=["answers"])
    for item in original.items.all():
        InformationItem.objects.create(
            decision=draft,
            **{name: getattr(item, name) for name in ITEM_FIELDS},
            position=item.position,
        )
    return draft


def amend_decision(*, actor: User, decision: Decision) -> Decision:
    """Start a correction: a new draft that will supersede the finalised decision."""
    if not permissions.can_record_for(actor, decision):
        raise PermissionDenied("You cannot amend this decision")
    if not permissions.can_amend(actor, decision):
        raise ValueError("Only a finalised decision is amended; change the draft instead")
    with transaction.atomic():
        return _copy_as_draft(actor, decision, supersedes=decision)


def reconsider_decision(*, actor: User, decision: Decision, new_information: str) -> Decision:
    """The requester brought new information after a refusal (2024 guidance): start a new,
    linked decision. The refusal stays on the record."""
    if not permissions.can_record_for(actor, decision):
        raise PermissionDenied("You cannot reconsider this decision")
    if not permissions.can_reconsider(actor, decision):
        raise ValueError("Only a decision not to share can be reconsidered")
    with transaction.atomic():
        draft = _copy_as_draft(
            actor, decision, reconsiders=decision, new_information=new_information
        )
        # The guided questions are asked again in the light of the new information.
        draft.answers = {}
        _derive_answers(draft, flow.policy_for(draft))
        draft.not_sharing_reasons = ""
        draft.save(update_fields=["answers", "not_sharing_reasons"])
    return draft


def discard_draft(*, actor: User, decision: Decision) -> None:
    """Throw a draft away (it was never a decision, so it leaves no record)."""
    with transaction.atomic():
        locked = _locked(actor, decision)
        if not permissions.can_discard(actor, locked):
            raise PermissionDenied("Only the person who started a draft can discard it")
        locked.items.all().delete()
        locked.delete()


class InvalidWithdrawal(ValueError):
    """A consent withdrawal the service refuses; `field` names what was wrong ("decision"
    when it is the decision itself: not finalised, no consent given, already withdrawn)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class AlreadyWithdrawn(InvalidWithdrawal):
    def __init__(self, withdrawal: ConsentWithdrawal) -> None:
        self.withdrawal = withdrawal
        super().__init__(
            "decision",
            "Consent withdrawal has already been recorded for this decision, on "
            f"{withdrawal.recorded_at:%-d %B %Y}. It cannot be recorded twice or changed",
        )


def _text(value: str, label: str, limit: int) -> str:
    try:
        text = clean_text(value or "", label)
    except ValidationError as exc:
        raise InvalidWithdrawal(_FIELDS[label], " ".join(exc.messages)) from exc
    if len(text) > limit:
        raise InvalidWithdrawal(_FIELDS[label], f"{label} must be {limit} characters or fewer")
    return text


_FIELDS = {"Name and relationship": "withdrawn_by_name", "What happens now": "next_steps"}


def record_consent_withdrawal(
    *,
    actor: User,
    decision: Decision,
    withdrawn_on: datetime.date,
    method: str,
    next_steps: str,
    withdrawn_by_person: Person | None = None,
    withdrawn_by_name: str = "",
) -> ConsentWithdrawal:
    """Record that the consent a finalised decision relied on was withdrawn. The decision
    itself does not change: the practitioner reviews it (an amendment) and considers what
    was already shared. Once per decision; the record is never changed."""
    if not permissions.can_record_withdrawal_for(actor, decision):
        raise PermissionDenied("You cannot record consent withdrawal for this decision")
    name = _text(withdrawn_by_name, "Name and relationship", SHORT_TEXT)
    steps = _text(next_steps, "What happens now", LONG_TEXT)
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        existing = ConsentWithdrawal.objects.filter(decision=locked).first()
        if existing is not None:
            raise AlreadyWithdrawn(existing)
        if not permissions.withdrawable(locked):
            raise InvalidWithdrawal(
                "decision",
                "Consent withdrawal can only be recorded on a finalised decision where "
                "consent was given",
            )
        if withdrawn_by_person is not None:
            if not locked.subjects.filter(pk=withdrawn_by_person.pk).exists():
                raise InvalidWithdrawal(
                    "withdrawn_by", "Select someone this decision is about, or someone else"
                )
            name = ""
        elif not name:
            raise InvalidWithdrawal("withdrawn_by", "Select or enter who withdrew consent")
        if withdrawn_on is None:
            raise InvalidWithdrawal("withdrawn_on", "Enter the date consent was withdrawn")
        if withdrawn_on > timezone.localdate():
            raise InvalidWithdrawal(
                "withdrawn_on", "Date consent was withdrawn must be today or in the past"
            )
        if locked.consent_asked_on and withdrawn_on < locked.consent_asked_on:
            raise InvalidWithdrawal(
                "withdrawn_on",
                "Date consent was withdrawn must be on or after the date consent was asked for, "
                f"{locked.consent_asked_on:%-d %B %Y}",
            )
        if method not in ContactMethod.values:
            raise InvalidWithdrawal("method", "Select how they told you consent was withdrawn")
        if not steps:
            raise InvalidWithdrawal("next_steps", "Enter what happens now consent is withdrawn")
        withdrawal = ConsentWithdrawal.objects.create(
            decision=locked,
            organisation_id=locked.organisation_id,
            withdrawn_by_person=withdrawn_by_person,
            withdrawn_by_name=name,
            withdrawn_on=withdrawn_on,
            method=method,
            next_steps=steps,
            recorded_by=actor,
        )
        append_entry(
            event_type="decisions.consent.withdrawn",
            actor=actor,
            organisation=actor.organisation,
            obj=withdrawal,
            payload={
                "decision": str(locked.pk),
                "withdrawn_on": withdrawn_on.isoformat(),
                "method": method,
                "by_subject": withdrawn_by_person is not None,
            },
        )
    return withdrawal


def answer_request(*, actor: User, request: InformationRequest, subject: Person) -> Decision:
    """Start a decision that answers a request: the request's side (its checks, the link,
    the assignment and its ledger entry) is requests.actions.start_response, which has this
    app make the draft through the seam (requests/answering.py)."""
    answer = start_response(actor=actor, request=request, subject=subject)
    assert isinstance(answer, Decision)
    return answer
