"""What a decision must record before it can be finalised, by outcome.

The briefings: record what, when, how and with whom; the reasons, also when not sharing;
if not sharing, discuss the reasons with the requester. The 2024 advice adds: protect the
identity of anyone who could be harmed, tell the child or carers where safe, and consent is
not the default lawful basis. Each rule here names the page and field a practitioner must
visit, in the words the page uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from safeshare.decisions.models import (
    ConsentStatus,
    Currency,
    Decision,
    InformationItem,
    Kind,
    Nature,
    ThirdPartyAction,
)
from safeshare.vocabulary.models import SHARING_OUTCOMES, Outcome

Status = Literal["completed", "incomplete", "not_started", "optional", "not_needed"]

PRINCIPLES: list[tuple[str, str, str]] = [
    (
        "necessary_and_proportionate",
        "Necessary and proportionate",
        "Why this amount of information is needed for this purpose, given the level of risk, "
        "and its impact on the person and anyone else",
    ),
    ("relevant", "Relevant", "Why it is relevant, and why this recipient needs it"),
    ("adequate", "Adequate", "Why it is of good enough quality to be relied on"),
    (
        "accurate",
        "Accurate",
        "How you have checked it, and marked fact, opinion, current and historical",
    ),
    ("timely", "Timely", "Why now, and what delay would mean for the child"),
    ("secure", "Secure", "How the way you are sharing follows your organisation's policy"),
    ("recorded", "Recorded", "Where your organisation's own record of this sharing is kept"),
]

SECTIONS: list[tuple[str, str]] = [
    ("people", "People the decision is about"),
    ("about", "The request or reason for sharing"),
    ("questions", "Should the information be shared?"),
    ("consent", "Consent"),
    ("items", "Information to share"),
    ("principles", "The seven principles"),
    ("recipient", "Who receives it, and how"),
    ("transparency", "Telling the person"),
    ("advice", "Advice"),
    ("not_sharing", "Reasons for not sharing"),
]
SECTION_TITLES = dict(SECTIONS)


@dataclass(frozen=True)
class Problem:
    section: str
    message: str


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def item_problems(item: InformationItem, number: int) -> list[str]:
    problems = []
    label = f"Item {number}"
    if _blank(item.text):
        problems.append(f"{label}: enter the information to share")
    if item.nature == Nature.OPINION and _blank(item.opinion_of):
        problems.append(f"{label}: enter whose opinion it is")
    if item.currency == Currency.HISTORICAL and item.relates_to is None:
        problems.append(f"{label}: enter the date the historical information relates to")
    if _blank(item.source):
        problems.append(f"{label}: enter where the information comes from")
    if item.identifies_third_party:
        if not item.third_party_action:
            problems.append(
                f"{label}: say whether the other person's details have been removed or are needed"
            )
        elif item.third_party_action == ThirdPartyAction.JUSTIFIED and _blank(
            item.third_party_justification
        ):
            problems.append(f"{label}: explain why the other person's details must be shared")
    return problems


def section_problems(
    decision: Decision, outcome: str, items: Sequence[InformationItem], subject_count: int
) -> dict[str, list[str]]:
    """Problems per section for the outcome the guided questions lead to ("" if none yet)."""
    d = decision
    sharing = outcome in SHARING_OUTCOMES
    p: dict[str, list[str]] = {name: [] for name, _ in SECTIONS}

    if subject_count == 0:
        p["people"].append("Select at least one person the decision is about")

    if not d.kind:
        p["about"].append(
            "Select whether you are responding to a request or sharing on your own initiative"
        )
    if d.kind == Kind.REQUEST:
        if _blank(d.requester_name):
            p["about"].append("Enter the name of the person who asked for the information")
        if _blank(d.requester_role):
            p["about"].append("Enter the requester's role")
        if _blank(d.requester_organisation):
            p["about"].append("Enter the requester's organisation")
        if not d.request_method:
            p["about"].append("Select how the request was received")
        if d.request_received_at is None:
            p["about"].append("Enter when the request was received")
        if _blank(d.requester_verification):
            p["about"].append("Enter how you checked the requester's identity")
    if d.purpose_category_id is None:
        p["about"].append("Select the purpose of sharing")
    if _blank(d.purpose):
        p["about"].append("Enter the purpose of sharing")
    if not d.urgency:
        p["about"].append("Select how urgent this is")
    if d.supersedes_id and _blank(d.amendment_reason):
        p["about"].append("Enter why the earlier decision is being corrected")
    if d.reconsiders_id and _blank(d.new_information):
        p["about"].append("Enter the new information that led you to reconsider")

    if not outcome:
        p["questions"].append("Answer the guided questions")

    if outcome == Outcome.SHARE_WITH_CONSENT:
        if d.consent_status != ConsentStatus.GIVEN:
            p["consent"].append(
                "Select that consent was given, or change your answers to the questions"
            )
        for value, message in [
            (d.consent_from, "Enter who gave consent"),
            (d.consent_asked_on, "Enter the date consent was given"),
            (d.consent_method, "Select how consent was given"),
            (d.consent_scope, "Enter what the person agreed to be shared, and with whom"),
        ]:
            if _blank(value):
                p["consent"].append(message)
    elif outcome == Outcome.SHARE_WITHOUT_CONSENT:
        if not d.consent_status:
            p["consent"].append("Select whether consent was sought")
        elif d.consent_status == ConsentStatus.GIVEN:
            p["consent"].append(
                "Consent was given: change your answer to the consent question, or record why you are not relying on it"
            )
        elif d.consent_status == ConsentStatus.NOT_SOUGHT and not d.consent_not_sought_reason:
            p["consent"].append("Select why consent was not sought")
        elif d.consent_status in {ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN}:
            if _blank(d.consent_from):
                p["consent"].append("Enter who was asked for consent")
            if d.consent_asked_on is None:
                p["consent"].append("Enter the date consent was asked for")

    if sharing:
        if d.request_id and d.shares_all_requested is None:
            p["recipient"].append(
                "Select whether you are sharing everything the requester asked for"
            )
        if not items:
            p["items"].append("Add the information you are sharing")
        for number, item in enumerate(items, start=1):
            p["items"].extend(item_problems(item, number))
        for key, title, _hint in PRINCIPLES:
            if _blank(d.principles.get(key)):
                p["principles"].append(f"Explain how sharing is {title.lower()}")
        if d.recipient_organisation_id is None and _blank(d.recipient_organisation_name):
            p["recipient"].append("Enter the organisation receiving the information")
        if _blank(d.recipient_name):
            p["recipient"].append("Enter the name of the person receiving the information")
        if _blank(d.recipient_role):
            p["recipient"].append("Enter the recipient's role")
        if not d.recipient_verification:
            p["recipient"].append(
                "Select how you checked the recipient's identity and contact details"
            )
        if d.agreement_id is None and _blank(d.no_agreement_justification):
            p["recipient"].append(
                "No information sharing agreement covers this recipient and purpose: explain why sharing is justified without one"
            )
        if not d.channel:
            p["recipient"].append("Select how the information is shared")
        if d.shared_at is None:
            p["recipient"].append("Enter when the information was shared")
        if d.subject_informed is None:
            p["transparency"].append("Select whether the person or family has been told")
        elif d.subject_informed:
            if d.informed_on is None:
                p["transparency"].append("Enter the date they were told")
            if not d.informed_method:
                p["transparency"].append("Select how they were told")
            if _blank(d.informed_by):
                p["transparency"].append("Enter who told them")
        else:
            if not d.not_informed_reason:
                p["transparency"].append("Select why they have not been told")
            if d.inform_review_on is None:
                p["transparency"].append("Enter a date to review whether they can be told")

    if outcome == Outcome.SEEK_ADVICE and d.advice_sought is not True:
        p["advice"].append("Record the advice you sought")
    if d.advice_sought:
        for value, message in [
            (d.adviser_name, "Enter the name of the person who advised you"),
            (d.adviser_role, "Enter the adviser's role"),
            (d.advised_on, "Enter the date you were advised"),
            (d.advice, "Enter what you were advised"),
        ]:
            if _blank(value):
                p["advice"].append(message)

    if outcome == Outcome.DO_NOT_SHARE:
        if _blank(d.not_sharing_reasons):
            p["not_sharing"].append("Enter the reasons for not sharing")
        if d.kind == Kind.REQUEST:
            if d.discussed_on is None:
                p["not_sharing"].append(
                    "Enter the date you discussed the reasons with the requester"
                )
            if not d.discussion_method:
                p["not_sharing"].append("Select how you discussed them")
            if _blank(d.requester_response):
                p["not_sharing"].append("Enter the requester's response")
    return p


def applicable_sections(decision: Decision, outcome: str) -> dict[str, Status]:
    """Which sections this outcome needs: required, optional or not needed."""
    sharing = outcome in SHARING_OUTCOMES
    needed: dict[str, Status] = {
        "people": "incomplete",
        "about": "incomplete",
        "questions": "incomplete",
        "consent": "incomplete"
        if outcome in {Outcome.SHARE_WITH_CONSENT, Outcome.SHARE_WITHOUT_CONSENT}
        else ("optional" if outcome else "not_needed"),
        "items": "incomplete" if sharing else "not_needed",
        "principles": "incomplete" if sharing else "not_needed",
        "recipient": "incomplete" if sharing else "not_needed",
        "transparency": "incomplete" if sharing else "not_needed",
        "advice": "incomplete" if outcome == Outcome.SEEK_ADVICE else "optional",
        "not_sharing": "incomplete" if outcome == Outcome.DO_NOT_SHARE else "not_needed",
    }
    return needed


def problems(
    decision: Decision, outcome: str, items: Sequence[InformationItem], subject_count: int
) -> list[Problem]:
    """Every problem in sections this outcome needs, in page order."""
    needed = applicable_sections(decision, outcome)
    per_section = section_problems(decision, outcome, items, subject_count)
    found: list[Problem] = []
    for name, _title in SECTIONS:
        if needed[name] == "not_needed":
            continue
        found.extend(Problem(name, message) for message in per_section[name])
    return found
