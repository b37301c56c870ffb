"""What a decision must record before it can be finalised, by outcome.

The briefings: record what, when, how and with whom; the reasons, also when not sharing;
if not sharing, discuss the reasons with the requester. The 2024 advice adds: protect the
identity of anyone who could be harmed, tell the child or carers where safe, and consent is
not the default lawful basis. Each rule here names the page and field a practitioner must
visit, in the words the page uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

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


# Fields that an answer elsewhere on the page makes necessary, each with the message that
# names it: the page's form asks for them (GovUKForm.require) and the check before
# finalising (section_problems) finds them missing from the saved record, in the same words.
Required = tuple[tuple[str, str], ...]

REQUESTER_DETAILS: Required = (
    ("requester_name", "Enter the name of the person who asked for the information"),
    ("requester_role", "Enter the requester's role"),
    ("requester_organisation", "Enter the requester's organisation"),
    ("request_method", "Select how the request was received"),
)
REQUESTER_VERIFICATION: Required = (
    ("requester_verification", "Enter how you checked the requester's identity"),
)
CONSENT_NOT_SOUGHT_REASON: Required = (
    ("consent_not_sought_reason", "Select why consent was not sought"),
)
CONSENT_SCOPE: Required = (
    ("consent_scope", "Enter what the person agreed to be shared, and with whom"),
)
SHARES_ALL_REQUESTED: Required = (
    ("shares_all_requested", "Select whether you are sharing everything the requester asked for"),
)
NO_AGREEMENT_JUSTIFICATION: Required = (
    (
        "no_agreement_justification",
        "No information sharing agreement covers this recipient and purpose: explain why sharing is justified without one",
    ),
)
TOLD_DETAILS: Required = (
    ("informed_on", "Enter the date they were told"),
    ("informed_method", "Select how they were told"),
    ("informed_by", "Enter who told them"),
)
NOT_TOLD_DETAILS: Required = (
    ("not_informed_reason", "Select why they have not been told"),
    ("inform_review_on", "Enter a date to review whether they can be told"),
)
ADVICE_DETAILS: Required = (
    ("adviser_name", "Enter the name of the person who advised you"),
    ("adviser_role", "Enter the adviser's role"),
    ("advised_on", "Enter the date you were advised"),
    ("advice", "Enter what you were advised"),
)
NOT_SHARING_REASONS: Required = (("not_sharing_reasons", "Enter the reasons for not sharing"),)
DISCUSSION_DETAILS: Required = (
    ("discussed_on", "Enter the date you discussed the reasons with the requester"),
    ("discussion_method", "Select how you discussed them"),
    ("requester_response", "Enter the requester's response"),
)
PRINCIPLE_REASONS: Required = tuple(
    (key, f"Explain how sharing is {title.lower()}") for key, title, _hint in PRINCIPLES
)


def missing(value: Callable[[str], Any], required: Required) -> list[tuple[str, str]]:
    """The (field, message) pairs of `required` whose value is blank."""
    return [(name, message) for name, message in required if _blank(value(name))]


def _missing_messages(decision: Decision, required: Required) -> list[str]:
    return [message for _name, message in missing(lambda name: getattr(decision, name), required)]


@dataclass(frozen=True)
class ItemRule:
    """What an information item must say, and when: the item page asks for it in
    `message`; the check page names the item ("Item 2: ...") and says it in `on_check`,
    or in `message` starting lower case."""

    field: str
    applies: Callable[[Callable[[str], Any]], bool]
    message: str
    on_check: str = ""

    def check_message(self, number: int) -> str:
        words = self.on_check or self.message[0].lower() + self.message[1:]
        return f"Item {number}: {words}"


ITEM_RULES: tuple[ItemRule, ...] = (
    ItemRule("text", lambda value: True, "Enter the information to share"),
    ItemRule(
        "opinion_of",
        lambda value: value("nature") == Nature.OPINION,
        "Enter whose opinion it is",
    ),
    ItemRule(
        "relates_to",
        lambda value: value("currency") == Currency.HISTORICAL,
        "Enter the date the historical information relates to",
    ),
    ItemRule("source", lambda value: True, "Enter where the information comes from"),
    ItemRule(
        "third_party_action",
        lambda value: bool(value("identifies_third_party")),
        "Select whether their details were removed or are needed",
        on_check="say whether the other person's details have been removed or are needed",
    ),
    ItemRule(
        "third_party_justification",
        lambda value: (
            bool(value("identifies_third_party"))
            and value("third_party_action") == ThirdPartyAction.JUSTIFIED
        ),
        "Explain why the other person's details must be shared",
    ),
)
ITEM_RULE = {rule.field: rule for rule in ITEM_RULES}


def broken_item_rules(value: Callable[[str], Any]) -> list[ItemRule]:
    """The item rules that `value` (a field's value by name) breaks, in page order."""
    return [rule for rule in ITEM_RULES if rule.applies(value) and _blank(value(rule.field))]


def item_problems(item: InformationItem, number: int) -> list[str]:
    return [
        rule.check_message(number) for rule in broken_item_rules(lambda name: getattr(item, name))
    ]


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
        p["about"].extend(_missing_messages(d, REQUESTER_DETAILS))
        if d.request_received_at is None:
            p["about"].append("Enter when the request was received")
        p["about"].extend(_missing_messages(d, REQUESTER_VERIFICATION))
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
        ]:
            if _blank(value):
                p["consent"].append(message)
        p["consent"].extend(_missing_messages(d, CONSENT_SCOPE))
    elif outcome == Outcome.SHARE_WITHOUT_CONSENT:
        if not d.consent_status:
            p["consent"].append("Select whether consent was sought")
        elif d.consent_status == ConsentStatus.GIVEN:
            p["consent"].append(
                "Consent was given: change your answer to the consent question, or record why you are not relying on it"
            )
        elif d.consent_status == ConsentStatus.NOT_SOUGHT:
            p["consent"].extend(_missing_messages(d, CONSENT_NOT_SOUGHT_REASON))
        elif d.consent_status in {ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN}:
            if _blank(d.consent_from):
                p["consent"].append("Enter who was asked for consent")
            if d.consent_asked_on is None:
                p["consent"].append("Enter the date consent was asked for")

    if sharing:
        if d.request_id:
            p["recipient"].extend(_missing_messages(d, SHARES_ALL_REQUESTED))
        if not items:
            p["items"].append("Add the information you are sharing")
        for number, item in enumerate(items, start=1):
            p["items"].extend(item_problems(item, number))
        p["principles"].extend(
            message for _key, message in missing(d.principles.get, PRINCIPLE_REASONS)
        )
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
        if d.agreement_id is None:
            p["recipient"].extend(_missing_messages(d, NO_AGREEMENT_JUSTIFICATION))
        if not d.channel:
            p["recipient"].append("Select how the information is shared")
        if d.shared_at is None:
            p["recipient"].append("Enter when the information was shared")
        if d.subject_informed is None:
            p["transparency"].append("Select whether the person or family has been told")
        elif d.subject_informed:
            p["transparency"].extend(_missing_messages(d, TOLD_DETAILS))
        else:
            p["transparency"].extend(_missing_messages(d, NOT_TOLD_DETAILS))

    if outcome == Outcome.SEEK_ADVICE and d.advice_sought is not True:
        p["advice"].append("Record the advice you sought")
    if d.advice_sought:
        p["advice"].extend(_missing_messages(d, ADVICE_DETAILS))

    if outcome == Outcome.DO_NOT_SHARE:
        p["not_sharing"].extend(_missing_messages(d, NOT_SHARING_REASONS))
        if d.kind == Kind.REQUEST:
            p["not_sharing"].extend(_missing_messages(d, DISCUSSION_DETAILS))
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
