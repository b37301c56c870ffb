"""Every lookup of a decision goes through here, scoped to the user's organisation, and
what is computed from a record without changing it (its problems, the outcome so far, the
recipient checks). What a page shows of a record is decisions/presenters.py's."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import CASE_ROLES, Organisation, User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.core.planner import not_indexed
from safeshare.decisions import completeness, flow, permissions
from safeshare.decisions.models import Decision, DecisionStatus, Review, SignOff
from safeshare.subjects.models import Person


def decisions_for_user(user: User) -> QuerySet[Decision]:
    if not can_view_case_records(user):
        return Decision.objects.none()
    return Decision.objects.filter(organisation_id=user.organisation_pk())


def get_decision_for_user(user: User, decision_id: UUID | str) -> Decision:
    try:
        return (
            decisions_for_user(user)
            .select_related(
                "frozen_explanation",
                "decided_by",
                "started_by",
                "recorded_by",
                "purpose_category",
                "recipient_organisation",
                "organisation",
                "consent_withdrawal",
                "consent_withdrawal__withdrawn_by_person",
                "consent_withdrawal__recorded_by",
            )
            .get(pk=decision_id)
        )
    except (Decision.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such decision") from exc


# Every list of decisions is ordered newest first, the id breaking ties (keyset pages).
LIST_ORDER = ("-decided_at", "-id")


def recent_decisions_for_user(user: User) -> QuerySet[Decision]:
    """Finalised decisions for a list: one query for the rows (whether a later record has
    corrected each is a subquery on the `supersedes` index, not a query per row), one for
    their subjects and one for their items."""
    return _listed(decisions_for_user(user).filter(status=DecisionStatus.FINALISED))


def _listed(found: QuerySet[Decision]) -> QuerySet[Decision]:
    corrected = Decision.objects.filter(supersedes=OuterRef("pk"), status=DecisionStatus.FINALISED)
    return (
        found.annotate(is_corrected=Exists(corrected))
        .select_related(
            "decided_by", "recipient_organisation", "organisation", "consent_withdrawal"
        )
        # what_happened counts the items: one query for the page's, not one per row.
        .prefetch_related("subjects", "items")
        .order_by(*LIST_ORDER)
    )


def drafts_for_user(user: User) -> QuerySet[Decision]:
    return (
        decisions_for_user(user)
        .filter(
            status__in=[DecisionStatus.DRAFT, DecisionStatus.AWAITING_SIGN_OFF], started_by=user
        )
        .prefetch_related("subjects")
        .order_by("-updated_at")
    )


@dataclass(frozen=True)
class ChronologyFilter:
    outcome: str = ""
    organisation_id: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def decisions_about_person(
    user: User, person: Person, filters: ChronologyFilter | None = None
) -> QuerySet[Decision]:
    """A person's chronology, newest first: every decision about them the user may see."""
    if not can_view_case_records(user):
        return Decision.objects.none()
    # From the person's links (their index), not from every decision of the organisation.
    theirs = Decision.subjects.through.objects.filter(person_id=person.pk).values("decision_id")
    found = _listed(
        Decision.objects.annotate(holder=not_indexed("organisation_id")).filter(
            holder=user.organisation_id, pk__in=theirs, status=DecisionStatus.FINALISED
        )
    )
    f = filters or ChronologyFilter()
    if f.outcome:
        found = found.filter(outcome=f.outcome)
    if f.organisation_id:
        found = found.filter(organisation_id=f.organisation_id)
    if f.date_from:
        found = found.filter(decided_at__date__gte=f.date_from)
    if f.date_to:
        found = found.filter(decided_at__date__lte=f.date_to)
    return found


def covering_agreements(decision: Decision, recipient: Organisation | None) -> list[Any]:
    """The agreements that cover sharing this decision's purpose with `recipient` today
    (none when either is not chosen yet)."""
    from safeshare.agreements.queries import covering

    if recipient is None or not decision.purpose_category_id:
        return []
    return covering(
        decision.organisation, recipient, decision.purpose_category, timezone.localdate()
    )


def recipient_checks(decision: Decision) -> tuple[list[Any], bool]:
    """Agreements covering this recipient and purpose today, and whether the contact used is
    verified in the partnership directory (issue 7: every recipient is checked)."""
    from safeshare.directory.queries import is_verified_contact

    organisation = decision.recipient_organisation
    if organisation is None:
        return [], False
    agreements = covering_agreements(decision, organisation)
    verified = bool(decision.recipient_contact) and is_verified_contact(
        organisation, decision.recipient_contact
    )
    return agreements, verified


# How the answers taken from the record read on it (flow.DERIVED_ANSWERS): they are not
# asked, but the record says what the guidance was given.
DERIVED_ROWS: dict[str, tuple[str, dict[bool, str]]] = {
    flow.PUBLIC_AUTHORITY: (
        "Is your organisation a public authority?",
        {
            True: "Yes (from your organisation's details)",
            False: "No (from your organisation's details)",
        },
    ),
    flow.SUBJECT_IS_ADULT: (
        "Is everyone this decision is about 18 or over?",
        {True: "Yes (from their records)", False: "No (from their records)"},
    ),
}


def _asked(policy: flow.Policy, question_id: str, answers: Mapping[str, object]) -> str:
    question = policy.question_for(question_id, answers)
    assert question is not None  # the path holds only the policy's own questions
    return question.text


def explain(
    policy: flow.Policy, evaluation: flow.Evaluation, answers: Mapping[str, object]
) -> dict[str, Any]:
    """The engine's explanation, with the questions as worded when answered: the policy
    file may be corrected later, and the record must still read as the practitioner saw it.
    The answers taken from the record come after them."""
    result = evaluation.to_json()
    result["answered"] = [
        {"question": _asked(policy, step.question_id, answers), "answer": step.answer_label}
        for step in evaluation.path
    ] + [
        {"question": question, "answer": labels[answers[key] is True]}
        for key, (question, labels) in DERIVED_ROWS.items()
        if key in answers
    ]
    return result


def current_outcome(decision: Decision) -> str:
    """The outcome the guided answers lead to so far ("" until they are complete)."""
    evaluation = flow.next_step(flow.policy_for(decision), decision.answers)
    return "" if evaluation.outcome == "incomplete" else evaluation.outcome


def problems_for(decision: Decision) -> list[completeness.Problem]:
    outcome = current_outcome(decision)
    return completeness.problems(
        decision, outcome, list(decision.items.all()), decision.subjects.count()
    )


def decision_makers_for(user: User) -> list[User]:
    """Who the user can name as having made a decision (permissions.can_be_decision_maker):
    the active members of their organisation with a case role, by name."""
    return list(
        User.objects.filter(
            organisation_id=user.organisation_pk(), is_active=True, role__in=CASE_ROLES
        ).order_by("last_name", "first_name")
    )


# Sign-off and review after the event (decisions/signoff.py) -----------------------------

# Oldest first: the longest waiting is signed off first (keyset pages).
SIGN_OFF_ORDER = ("requested_at", "id")
REVIEW_ORDER = ("due_on", "created_at", "id")


def sign_off_queue_for(user: User) -> QuerySet[SignOff]:
    """The decisions waiting for this manager's sign-off: their organisation's, never one
    they made or recorded. Three queries a page whatever its length: the rows with their
    decision and who recorded it, and the decisions' people."""
    if not permissions.can_see_sign_offs(user):
        return SignOff.objects.none()
    return (
        SignOff.objects.filter(organisation_id=user.organisation_pk(), resolved_at__isnull=True)
        .exclude(decision__decided_by=user)
        .exclude(decision__recorded_by=user)
        .select_related("decision", "decision__recorded_by", "requested_by")
        .prefetch_related("decision__subjects")
    )


def sign_off_count(user: User) -> int:
    """The header's "Sign-off (N)": one query."""
    return sign_off_queue_for(user).count()


def reviews_for(user: User) -> QuerySet[Review]:
    """Reviews after the event not yet recorded, in the manager's organisation, the
    earliest due first."""
    if not permissions.can_see_sign_offs(user):
        return Review.objects.none()
    return (
        Review.objects.filter(organisation_id=user.organisation_pk(), reviewed_at__isnull=True)
        .select_related("decision", "decision__recorded_by")
        .prefetch_related("decision__subjects")
    )


def reviews_due_count(user: User) -> int:
    """Reviews due today or overdue, for "Your tasks"."""
    return reviews_for(user).filter(due_on__lte=timezone.localdate()).count()
