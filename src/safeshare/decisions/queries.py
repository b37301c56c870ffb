"""Every lookup of a decision goes through here, scoped to the user's organisation, and
the read-only views of a record (summary, chronology, timeliness) are built here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import CASE_ROLES, User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.core.planner import not_indexed
from safeshare.decisions import completeness, flow
from safeshare.decisions.completeness import PRINCIPLES
from safeshare.decisions.models import Decision, DecisionStatus
from safeshare.subjects.models import Person


def decisions_for_user(user: Any) -> QuerySet[Decision]:
    if not can_view_case_records(user):
        return Decision.objects.none()
    return Decision.objects.filter(organisation_id=user.organisation_id)


def get_decision_for_user(user: Any, decision_id: UUID | str) -> Decision:
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


def recent_decisions_for_user(user: Any) -> QuerySet[Decision]:
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


def drafts_for_user(user: Any) -> QuerySet[Decision]:
    return (
        decisions_for_user(user)
        .filter(status=DecisionStatus.DRAFT, started_by=user)
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
    user: Any, person: Person, filters: ChronologyFilter | None = None
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


def recipient_checks(decision: Decision) -> tuple[list[Any], bool]:
    """Agreements covering this recipient and purpose today, and whether the contact used is
    verified in the partnership directory (issue 7: every recipient is checked)."""
    from safeshare.agreements.queries import covering
    from safeshare.directory.queries import is_verified_contact

    organisation = decision.recipient_organisation
    if organisation is None:
        return [], False
    agreements = (
        covering(
            decision.organisation, organisation, decision.purpose_category, timezone.localdate()
        )
        if decision.purpose_category_id
        else []
    )
    verified = bool(decision.recipient_contact) and is_verified_contact(
        organisation, decision.recipient_contact
    )
    return agreements, verified


def explain(policy: flow.Policy, evaluation: flow.Evaluation) -> dict[str, Any]:
    """The engine's explanation, with the questions as worded when answered: the policy
    file may be corrected later, and the record must still read as the practitioner saw it."""
    result = evaluation.to_json()
    result["answered"] = [
        {"question": policy.questions[step.question_id].text, "answer": step.answer_label}
        for step in evaluation.path
    ]
    return result


def current_outcome(decision: Decision) -> str:
    """The outcome the guided answers lead to so far ("" until they are complete)."""
    evaluation = flow.next_step(flow.policy_named(decision.policy_id), decision.answers)
    return "" if evaluation.outcome == "incomplete" else evaluation.outcome


def problems_for(decision: Decision) -> list[completeness.Problem]:
    outcome = current_outcome(decision)
    return completeness.problems(
        decision, outcome, list(decision.items.all()), decision.subjects.count()
    )


def decision_makers_for(user: Any) -> list[User]:
    """Who the user can name as having made a decision (permissions.can_be_decision_maker):
    the active members of their organisation with a case role, by name."""
    return list(
        User.objects.filter(
            organisation_id=user.organisation_id, is_active=True, role__in=CASE_ROLES
        ).order_by("last_name", "first_name")
    )


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%-d %B %Y at %H:%M") if value else ""


def _date(value: datetime.date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def decision_summary(
    decision: Decision, explanation: dict[str, Any], *, draft: bool
) -> list[dict[str, Any]]:
    """The whole record as sections of (label, value, change page) rows: what, when, how,
    with whom, why, who was told, who advised. The same rows serve check-your-answers, the
    record page and the printed copy."""
    d = decision

    def change(section: str) -> str | None:
        return section if draft else None

    sections: list[dict[str, Any]] = []

    def add(title: str, section: str, rows: list[tuple[str, str]]) -> None:
        rows = [(label, value) for label, value in rows if value not in (None, "")]
        if rows:
            sections.append({"title": title, "section": change(section), "rows": rows})

    add(
        "People the decision is about",
        "people",
        [("People", ", ".join(p.full_name for p in d.subjects.all()))],
    )
    links = []
    if d.supersedes_id:
        links.append(
            (
                "Corrects the decision recorded",
                _local(d.supersedes.decided_at) if d.supersedes else "",
            )
        )
        links.append(("Why it was corrected", d.amendment_reason))
    if d.reconsiders_id:
        links.append(
            (
                "Reconsiders the decision recorded",
                _local(d.reconsiders.decided_at) if d.reconsiders else "",
            )
        )
        links.append(("New information", d.new_information))
    add(
        "The request or reason for sharing",
        "about",
        [
            ("Type", d.get_kind_display() if d.kind else ""),
            (
                "Requested by",
                ", ".join(
                    x for x in [d.requester_name, d.requester_role, d.requester_organisation] if x
                ),
            ),
            (
                "Request received",
                f"{_local(d.request_received_at)} ({d.get_request_method_display().lower()})"
                if d.request_received_at
                else "",
            ),
            ("Requester's identity checked by", d.requester_verification),
            ("Purpose", str(d.purpose_category) if d.purpose_category_id else ""),
            ("Purpose in detail", d.purpose),
            ("Urgency", d.get_urgency_display() if d.urgency else ""),
            *links,
        ],
    )
    sections.append(
        {
            "title": "Should the information be shared?",
            "section": None,
            "rows": [(row["question"], row["answer"]) for row in explanation.get("answered", [])],
            "answered_path": not explanation.get("answered"),
        }
    )
    bases = [b for b in explanation.get("lawful_bases", []) if b.get("accepted")]
    if bases:
        sections[-1]["rows"].append(
            ("Lawful bases relied on", "; ".join(b["title"] for b in bases))
        )
    consent_rows = [
        ("Consent", d.get_consent_status_display() if d.consent_status else ""),
        (
            "Asked",
            ", ".join(
                x
                for x in [
                    d.consent_from,
                    _date(d.consent_asked_on),
                    d.get_consent_method_display().lower() if d.consent_method else "",
                ]
                if x
            ),
        ),
        ("What they agreed to", d.consent_scope),
        (
            "Why consent was not sought",
            d.get_consent_not_sought_reason_display() if d.consent_not_sought_reason else "",
        ),
        ("More about consent", d.consent_detail),
    ]
    add("Consent", "consent", consent_rows)
    items = list(d.items.all())
    if items:
        sections.append(
            {
                "title": "Information shared",
                "section": "items" if draft else None,
                "rows": [],
                "information_items": items,
            }
        )
    add(
        "The seven principles",
        "principles",
        [(title, d.principles.get(key, "")) for key, title, _h in PRINCIPLES],
    )
    add(
        "Who received it, and how",
        "recipient",
        [
            ("Organisation", d.recipient_organisation_display),
            ("Person", ", ".join(x for x in [d.recipient_name, d.recipient_role] if x)),
            ("Contact used", d.recipient_contact),
            (
                "Identity and contact checked",
                d.get_recipient_verification_display() if d.recipient_verification else "",
            ),
            ("Details of the check", d.recipient_verification_detail),
            ("Shared by", d.get_channel_display() if d.channel else ""),
            ("Shared on", _local(d.shared_at)),
        ],
    )
    told = "" if d.subject_informed is None else ("Yes" if d.subject_informed else "No")
    add(
        "Telling the person or family",
        "transparency",
        [
            ("Told", told),
            (
                "When and how",
                ", ".join(
                    x
                    for x in [
                        _date(d.informed_on),
                        d.get_informed_method_display().lower() if d.informed_method else "",
                        f"by {d.informed_by}" if d.informed_by else "",
                    ]
                    if x
                ),
            ),
            ("Why not", d.get_not_informed_reason_display() if d.not_informed_reason else ""),
            ("Details", d.not_informed_detail),
            ("Review on", _date(d.inform_review_on)),
        ],
    )
    advice = "" if d.advice_sought is None else ("Yes" if d.advice_sought else "No")
    add(
        "Advice",
        "advice",
        [
            ("Advice sought", advice),
            (
                "Adviser",
                ", ".join(x for x in [d.adviser_name, d.adviser_role, d.adviser_organisation] if x),
            ),
            ("Advised on", _date(d.advised_on)),
            ("What was advised", d.advice),
        ],
    )
    add(
        "Reasons for not sharing",
        "not_sharing",
        [
            ("Reasons", d.not_sharing_reasons),
            (
                "Discussed with the requester",
                ", ".join(
                    x
                    for x in [
                        _date(d.discussed_on),
                        d.get_discussion_method_display().lower() if d.discussion_method else "",
                    ]
                    if x
                ),
            ),
            ("Requester's response", d.requester_response),
        ],
    )
    return sections
