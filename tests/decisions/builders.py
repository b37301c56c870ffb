"""Complete decision records for tests, built only through the actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions import actions
from safeshare.decisions.completeness import PRINCIPLES
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose

ANSWERS: dict[str, list[tuple[str, str | list[str]]]] = {
    "share_urgently": [("immediate_risk", "yes")],
    "share": [("immediate_risk", "no"), ("legitimate_purpose", "yes"), ("identifiable", "no")],
    "share_with_consent": [
        ("immediate_risk", "no"),
        ("legitimate_purpose", "yes"),
        ("identifiable", "yes"),
        ("consent", "given"),
    ],
    "share_without_consent": [
        ("immediate_risk", "no"),
        ("legitimate_purpose", "yes"),
        ("identifiable", "yes"),
        ("consent", "not_appropriate"),
        ("special_category", "no"),
        ("lawful_bases", ["art6-e-public-task"]),
    ],
    "do_not_share": [("immediate_risk", "no"), ("legitimate_purpose", "no")],
    "seek_advice": [("immediate_risk", "no"), ("legitimate_purpose", "unsure")],
}

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


def about(kind: str = "proactive", **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": kind,
        "purpose_category": Purpose.objects.get(name="Early help assessment"),
        "purpose": "Early help assessment for the family",
        "urgency": "standard",
        "requester_name": "",
        "requester_role": "",
        "requester_organisation": "",
        "request_method": "",
        "request_received_at": None,
        "requester_verification": "",
    }
    if kind == "request":
        values.update(
            requester_name="Tom Barker",
            requester_role="Social worker",
            requester_organisation="Northshire Children's Social Care",
            request_method="phone",
            request_received_at=timezone.now() - datetime.timedelta(hours=2),
            requester_verification="Called back on the council switchboard",
        )
    values.update(extra)
    return values


def sharing_sections(decision: Decision, user: User, person: Person) -> Decision:
    actions.save_item(
        actor=user,
        decision=decision,
        values={
            "text": "Lily arrived at school with a bruise on her left forearm on 3 November.",
            "nature": "fact",
            "opinion_of": "",
            "currency": "current",
            "relates_to": None,
            "source": "Class teacher's observation",
            "about": person,
            "special_category": False,
            "identifies_third_party": False,
            "third_party_action": "",
            "third_party_justification": "",
        },
    )
    decision = actions.update_section(
        actor=user,
        decision=decision,
        section="principles",
        values={key: f"{title}: justified for this purpose." for key, title, _h in PRINCIPLES},
    )
    decision = actions.update_section(
        actor=user,
        decision=decision,
        section="recipient",
        values={
            "recipient_organisation": None,
            "recipient_organisation_name": "Northshire Children's Social Care",
            "recipient_name": "Tom Barker",
            "recipient_role": "Social worker",
            "recipient_contact": "tom.barker@northshire.example",
            "recipient_verification": "called_back",
            "recipient_verification_detail": "",
            "channel": "secure_email",
            "shared_at": timezone.now(),
            "no_agreement_justification": "Recipient outside the partnership's agreements: a section 47 enquiry.",
        },
    )
    return actions.update_section(
        actor=user,
        decision=decision,
        section="transparency",
        values={
            "subject_informed": False,
            "informed_on": None,
            "informed_method": "",
            "informed_by": "",
            "not_informed_reason": "risk_of_harm",
            "not_informed_detail": "",
            "inform_review_on": datetime.date.today() + datetime.timedelta(days=14),
        },
    )


def draft_for(outcome: str, user: User, person: Person, kind: str = "proactive") -> Decision:
    """A draft with everything the outcome needs, not yet finalised."""
    decision = actions.start_decision(actor=user, subject=person)
    decision = actions.update_section(
        actor=user, decision=decision, section="about", values=about(kind)
    )
    for question_id, value in ANSWERS[outcome]:
        decision = actions.answer_question(
            actor=user, decision=decision, question_id=question_id, submitted=value
        )
    if outcome in {"share_urgently", "share", "share_with_consent", "share_without_consent"}:
        decision = sharing_sections(decision, user, person)
    consent: dict[str, Any] = {
        "consent_from": "",
        "consent_asked_on": None,
        "consent_method": "",
        "consent_scope": "",
        "consent_not_sought_reason": "",
        "consent_detail": "",
    }
    if outcome == "share_with_consent":
        consent.update(
            consent_status="given",
            consent_from="Kerry Morgan, mother",
            consent_asked_on=YESTERDAY,
            consent_method="in_person",
            consent_scope="School attendance and wellbeing, with the early help team",
        )
        decision = actions.update_section(
            actor=user, decision=decision, section="consent", values=consent
        )
    if outcome == "share_without_consent":
        consent.update(consent_status="not_sought", consent_not_sought_reason="prejudice")
        decision = actions.update_section(
            actor=user, decision=decision, section="consent", values=consent
        )
    if outcome == "do_not_share":
        decision = actions.update_section(
            actor=user,
            decision=decision,
            section="not_sharing",
            values={
                "not_sharing_reasons": "No clear purpose was given for the request.",
                "discussed_on": YESTERDAY,
                "discussion_method": "phone",
                "requester_response": "Will come back with the purpose in writing.",
            },
        )
    if outcome == "seek_advice":
        decision = actions.update_section(
            actor=user,
            decision=decision,
            section="advice",
            values={
                "advice_sought": True,
                "adviser_name": "Peter Walsh",
                "adviser_role": "Designated safeguarding lead",
                "adviser_organisation": "Riverside Primary School",
                "advised_on": YESTERDAY,
                "advice": "Discuss with the local authority designated officer without naming the child.",
            },
        )
    return decision


def complete(outcome: str, user: User, person: Person, kind: str = "proactive") -> Decision:
    return actions.finalise_decision(actor=user, decision=draft_for(outcome, user, person, kind))
