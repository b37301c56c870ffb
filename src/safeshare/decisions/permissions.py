"""Who may do what with a decision record, and in which state (see docs/permissions.md).

One predicate per rule. The actions in `decisions/actions.py` call these and refuse
(PermissionDenied, or the state's own error) whatever the caller; views call the same
predicates only to decide what to show, so a page never offers what the action refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safeshare.accounts.models import Role, User
from safeshare.accounts.permissions import can_view_case_records, has_recording_role
from safeshare.decisions.models import ConsentStatus, Decision, DecisionStatus
from safeshare.vocabulary.models import Outcome

# Outcomes a requester can ask to have looked at again with new information (2024 advice:
# "if the decision is not to share, ... reconsider if new information comes to light").
RECONSIDERABLE_OUTCOMES = frozenset({Outcome.DO_NOT_SHARE, Outcome.SEEK_ADVICE})


def can_record_decision(user: User) -> bool:
    """Start a decision, or change one: practitioners and managers."""
    return has_recording_role(user)


def can_record_consent_withdrawal(user: User) -> bool:
    """Record that consent given for a finalised decision was withdrawn: any case role of
    the decision's organisation (the IG lead too: withdrawal often reaches them as a
    data protection request). The organisation is checked where the decision is known
    (can_withdraw_consent)."""
    return can_view_case_records(user)


def is_own(user: User, decision: Decision) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and decision.organisation_id == user.organisation_id
    )


def can_record_for(user: User, decision: Decision) -> bool:
    """Record for this decision's organisation, whatever its state (the state is each
    rule's own below)."""
    return can_record_decision(user) and is_own(user, decision)


def can_record_about(user: User, people: Iterable[Any]) -> bool:
    """A decision is only about the people of the recording user's own organisation."""
    return all(person.organisation_id == user.organisation_id for person in people)


def can_edit_draft(user: User, decision: Decision) -> bool:
    """Change a draft's pages: practitioners and managers of its organisation (a colleague
    may carry on a draft someone else started, as cover does)."""
    return can_record_for(user, decision) and decision.status == DecisionStatus.DRAFT


def can_receive_advice(user: User, decision: Decision) -> bool:
    """Have advice given through safeshare written into a draft's advice fields: the
    adviser, of the draft's organisation with a case role (the IG lead too, who does not
    edit drafts); who may advise on which request is safeshare.advice's rule."""
    return (
        can_view_case_records(user)
        and is_own(user, decision)
        and decision.status == DecisionStatus.DRAFT
    )


def can_discard(user: User, decision: Decision) -> bool:
    """Throw a draft away: only the person who started it. Discarding removes what a
    colleague wrote, so cover carries a draft on instead of discarding it."""
    return (
        can_edit_draft(user, decision)
        and decision.started_by_id == user.pk
        and not decision.sign_offs.exists()
    )


def can_be_decision_maker(candidate: Any, organisation_id: Any) -> bool:
    """Who may be named as having made the decision: an active member of the deciding
    organisation with a case role (the practitioner, their manager or designated
    safeguarding lead, the information governance lead who advised)."""
    return bool(
        candidate is not None
        and candidate.is_active
        and getattr(candidate, "has_case_role", False)
        and candidate.organisation_id == organisation_id
    )


def can_amend(user: User, decision: Decision) -> bool:
    """Start a correction that supersedes a finalised decision."""
    return can_record_for(user, decision) and decision.is_finalised


def reconsiderable(decision: Decision) -> bool:
    return decision.is_finalised and decision.outcome in RECONSIDERABLE_OUTCOMES


def can_reconsider(user: User, decision: Decision) -> bool:
    """Look again at a finalised decision not to share (or to seek advice first) when the
    requester brings new information: a new, linked decision."""
    return can_record_for(user, decision) and reconsiderable(decision)


def withdrawable(decision: Decision) -> bool:
    """Consent can be recorded as withdrawn on a finalised decision that relied on it."""
    return decision.is_finalised and decision.consent_status == ConsentStatus.GIVEN


def can_record_withdrawal_for(user: User, decision: Decision) -> bool:
    """Record consent withdrawal for this decision's organisation, whatever its state."""
    return can_record_consent_withdrawal(user) and is_own(user, decision)


def can_withdraw_consent(user: User, decision: Decision) -> bool:
    """Record that consent was withdrawn: any case role of the decision's organisation, on
    a decision that relied on consent and has no withdrawal recorded yet."""
    return (
        can_record_withdrawal_for(user, decision)
        and withdrawable(decision)
        and decision.withdrawal is None
    )


# Sign-off and review after the event (decisions/signoff.py) -----------------------------


def is_manager(user: User) -> bool:
    """A signed-in, active manager (designated safeguarding lead): who signs off and
    reviews decisions under the policy's `sign_off` rules."""
    return bool(can_view_case_records(user) and user.is_active and user.role == Role.MANAGER)


def can_see_sign_offs(user: User) -> bool:
    """The sign-off queue and the reviews list: managers, for their own organisation."""
    return is_manager(user)


def can_sign_off(user: User, decision: Decision) -> bool:
    """Approve or return a decision waiting for sign-off: a manager of its organisation who
    neither made nor recorded it (nobody signs off their own decision)."""
    return (
        is_manager(user)
        and is_own(user, decision)
        and decision.status == DecisionStatus.AWAITING_SIGN_OFF
        and user.pk not in {decision.decided_by_id, decision.recorded_by_id}
    )


def can_review(user: User, decision: Decision) -> bool:
    """Record the review after the event of a finalised decision: a manager of its
    organisation who neither made nor recorded it."""
    return (
        is_manager(user)
        and is_own(user, decision)
        and decision.is_finalised
        and user.pk not in {decision.decided_by_id, decision.recorded_by_id}
    )
