"""What an adviser is shown of a draft: the one place that decides.

HM Government 2018, golden rule 3: "Seek advice ... if you are in any doubt about sharing
the information concerned, without disclosing the identity of the individual where
possible" (guidance/CITATIONS.md, golden-rule-3). Unless the practitioner chose to share the person's identity,
the adviser sees the question, the purpose and the guided answers so far, with the people
described only by kind and age; every name, identifier (in any spacing or punctuation) and
date of birth of the people the decision is about is taken out of the free text shown, and
the items of information (whose text may name them) are counted, not shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from safeshare.advice.models import AdviceRequest
from safeshare.decisions import flow
from safeshare.decisions.models import Decision, InformationItem
from safeshare.decisions.presenters import answer_rows
from safeshare.subjects.models import Person

NAME = "[name]"
IDENTIFIER = "[identifier]"
DATE_OF_BIRTH = "[date of birth]"


@dataclass(frozen=True)
class PersonShown:
    description: str  # "Child, aged 9"
    name: str = ""  # only when shared
    born: str = ""
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdviserView:
    shares_identities: bool
    question: str
    purpose_category: str
    purpose: str
    urgency: str
    people: list[PersonShown]
    answers: list[dict[str, str]]
    item_count: int
    items: list[InformationItem] = field(default_factory=list)
    # The people shown by name: each is recorded as read (none when anonymised).
    people_shown: list[Person] = field(default_factory=list)


def _date_patterns(person: Person) -> list[str]:
    day = person.date_of_birth
    if day is None:
        return []
    d, m, y = day.day, day.month, day.year
    month = day.strftime("%B")
    sep = r"\s*[/.\-]\s*"
    return [
        # 4/5/2016, 04.05.16, 4-5-2016 ...
        rf"\b0?{d}{sep}0?{m}{sep}(?:{y}|{y % 100:02d})\b",
        # 2016-05-04
        rf"\b{y}{sep}0?{m}{sep}0?{d}\b",
        # 4 May 2016, 4th May 2016, 4 May, May 4 2016
        rf"\b0?{d}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{month}|{month[:3]})\.?(?:,?\s+(?:{y}|{y % 100:02d}))?\b",
        rf"\b(?:{month}|{month[:3]})\.?\s+0?{d}(?:st|nd|rd|th)?(?:,?\s+{y})?\b",
    ]


def _identifier_pattern(value: str) -> str | None:
    chars = [c for c in value if c.isalnum()]
    if len(chars) < 3:
        return None
    # Any spacing or punctuation between the characters: "943 476 5919", "943-476-5919".
    return r"(?<![A-Za-z0-9])" + r"[\s\-./]*".join(re.escape(c) for c in chars) + r"(?![A-Za-z0-9])"


def _name_parts(person: Person) -> list[str]:
    parts = {person.full_name, person.given_names, person.family_name, person.known_as}
    for name in (person.given_names, person.family_name, person.known_as):
        parts.update(re.split(r"[\s\-]+", name or ""))
    return sorted((p for p in parts if p and len(p) >= 2), key=len, reverse=True)


def redact(text: str, people: list[Person]) -> str:
    """`text` with the people's names, identifiers and dates of birth replaced."""
    for person in people:
        for pattern in _date_patterns(person):
            text = re.sub(pattern, DATE_OF_BIRTH, text, flags=re.IGNORECASE)
        for identifier in person.identifiers.all():
            found = _identifier_pattern(identifier.value)
            if found:
                text = re.sub(found, IDENTIFIER, text, flags=re.IGNORECASE)
        for name in _name_parts(person):
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME, text, flags=re.IGNORECASE)
    return text


def _describe(person: Person) -> str:
    age = person.age_on(timezone.localdate())
    kind = person.get_kind_display()
    return f"{kind}, aged {age}" if age is not None else kind


def adviser_view(request: AdviceRequest, decision: Decision) -> AdviserView:
    """Everything the adviser's page shows of the draft, anonymised unless the
    practitioner chose to share the person's identity (`share_identities`)."""
    people = list(decision.subjects.prefetch_related("identifiers"))
    shared = request.share_identities
    policy = flow.policy_named(decision.policy_id)
    evaluation = flow.next_step(policy, decision.answers)
    rows: list[dict[str, Any]] = answer_rows(decision, policy, evaluation)

    def shown(text: str) -> str:
        return text if shared else redact(text, people)

    items = list(decision.items.all())
    return AdviserView(
        shares_identities=shared,
        question=shown(request.question),
        purpose_category=str(decision.purpose_category) if decision.purpose_category_id else "",
        purpose=shown(decision.purpose),
        urgency=request.get_urgency_display(),
        people=[
            PersonShown(
                description=_describe(p),
                name=p.full_name,
                born=f"{p.date_of_birth:%-d %B %Y}" if p.date_of_birth else "",
                identifiers=tuple(str(i) for i in p.identifiers.all()),
            )
            if shared
            else PersonShown(description=_describe(p))
            for p in people
        ],
        answers=[
            {"question": row["question"], "answer": shown(str(row["answer"]))} for row in rows
        ],
        item_count=len(items),
        items=items if shared else [],
        people_shown=people if shared else [],
    )
