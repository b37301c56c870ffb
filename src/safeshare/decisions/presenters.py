"""What the pages show of a decision record: rows of labels and values in the words the
record pages use, built from a decision already fetched (decisions/queries.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeshare.decisions import flow
from safeshare.decisions.completeness import PRINCIPLES
from safeshare.decisions.models import Decision
from safeshare.decisions.queries import DERIVED_ROWS


def answer_rows(
    decision: Decision, policy: flow.Policy, evaluation: flow.Evaluation
) -> list[dict[str, str]]:
    """Each question on the path with the answer in the policy's own words, then the
    answers taken from the record: the people are changed on their page, the organisation's
    public authority setting only by an administrator."""
    rows = []
    for step in evaluation.path:
        current = policy.question_for(step.question_id, decision.answers)
        if current is None:
            continue
        rows.append(
            {
                "question": current.text,
                "answer": step.answer_label,
                "change_url": reverse("decisions:question", args=[decision.pk, current.id]),
            }
        )
    change = {flow.SUBJECT_IS_ADULT: reverse("decisions:people", args=[decision.pk])}
    for key, (question, labels) in DERIVED_ROWS.items():
        if key in decision.answers:
            rows.append(
                {
                    "question": question,
                    "answer": labels[decision.answers[key] is True],
                    "change_url": change.get(key, ""),
                }
            )
    return rows


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
