"""What a compiled policy is made of, and the rules every policy shares.

A `Policy` is built by `compiler.parse_policy` from a policy file and read by
`evaluate.evaluate`; nothing here reads files or evaluates answers. The outcome codes the
engine can return are `OUTCOMES`: the decisions model stores all of them but `incomplete`
(tests/decisions/test_outcome_codes.py holds the two together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

from .catalogue import Catalogue, Citation
from .schema import OutcomeName

# The outcome codes the engine can return, and the only ones: every evaluation ends in one.
# `incomplete` means more answers are needed; the others are decisions. Spelled once, as
# the type a policy file's outcomes are checked against (schema.OutcomeName).
OUTCOMES: tuple[str, ...] = get_args(OutcomeName)
OUTCOME_TITLES: dict[str, str] = {
    "share_urgently": "Share urgently",
    "share": "Share",
    "share_with_consent": "Share with consent",
    "share_without_consent": "Share without consent",
    "do_not_share": "Do not share",
    "seek_advice": "Seek advice",
    "incomplete": "More answers needed",
}
SHARING_OUTCOMES = frozenset(
    {"share_urgently", "share", "share_with_consent", "share_without_consent"}
)
DECIDED_OUTCOMES = frozenset(OUTCOMES) - {"incomplete"}


# The form value of the "I'm not sure" choice that a question may offer.
UNSURE_VALUE = "unsure"

YES_NO = ("yes", "no")
# The answer keys every policy has, with the kind and option values they must offer, so
# that the command-line contract and the engine's rules mean the same in every file.
STANDARD_QUESTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "immediate_risk": ("yes_no", YES_NO),
    "legitimate_purpose": ("choice", ("yes", "no", "unsure")),
    "identifiable": ("yes_no", YES_NO),
    "consent": ("choice", ("given", "refused", "not_sought", "not_appropriate", "withdrawn")),
    "special_category": ("yes_no", YES_NO),
    "lawful_bases": ("bases", ()),
}
# Keys that are not questions: `unsure` (the practitioner is not sure) and `unsure_at`
# (the question they were not sure about, so that answering it clears the flag).
FLAG_KEYS = ("unsure", "unsure_at")
# Facts about the case that every policy accepts, with the value they take when absent:
# `public_authority` (UK GDPR Art 6(1), words after point (f): public authorities cannot rely
# on points (ea) and (f) for their tasks; most partners are public authorities, so absent
# means true), `subject_is_adult` (the person is 18 or over; absent means a child), and
# `criminal_offence_data` (UK GDPR Art 10; absent means none). The web flow fills the first
# two from the organisation and the people; the shipped policies ask the third as a
# question, and a policy may too (CONTEXT_QUESTIONS), so that its absence can still mean
# false for a caller that never sends it.
CONTEXT_DEFAULTS: dict[str, bool] = {
    "public_authority": True,
    "subject_is_adult": False,
    "criminal_offence_data": False,
}
CONTEXT_QUESTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "criminal_offence_data": ("yes_no", YES_NO),
}


# --- What a policy is made of -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    hint: str | None = None


class Reason(NamedTuple):
    text: str
    citation: Citation


class Item(NamedTuple):
    """A line of guidance: a how-to-share step, something to record, what to tell the subject."""

    text: str
    citation: Citation


class WarningNote(NamedTuple):
    code: str
    text: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class Route:
    outcome: str | None
    next: str | None
    reason: Reason | None


@dataclass(frozen=True, slots=True, eq=False)
class Question:
    id: str
    text: str
    hint: str | None
    kind: Literal["yes_no", "choice", "bases"]
    options: tuple[Option, ...]
    unsure_label: str | None
    citation: Citation
    error: str
    # Keyed by the typed answer (bool for yes_no, str for choice, "valid"/"invalid" for bases).
    routes: Mapping[object, Route] = field(repr=False)
    labels: Mapping[object, str] = field(repr=False)
    standard: bool = True

    def label_for(self, answer: object) -> str:
        if self.kind == "bases" and isinstance(answer, tuple | list):
            if not answer:
                return "None of these"
            return "; ".join(self.labels.get(a, str(a)) for a in answer)
        return self.labels.get(answer, str(answer))


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    notes: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "role": self.role,
            "phone": self.phone,
            "email": self.email,
            "url": self.url,
            "notes": self.notes,
        }


class PolicyRef(NamedTuple):
    id: str
    version: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


# (answer key, the typed answers that match) pairs, all of which must hold.
Match = tuple[tuple[str, frozenset[object]], ...]


@dataclass(frozen=True, slots=True)
class OutcomeTexts:
    """Everything about one outcome that can be worked out from the file alone, on one
    path: a child's or an adult's (`subject_is_adult` is settled when it is compiled)."""

    title: str
    summary: Reason
    warnings: tuple[WarningNote, ...]
    warnings_if: tuple[tuple[Match, WarningNote], ...]
    how_to_share: tuple[Item, ...]
    how_to_share_if: tuple[tuple[Match, Item], ...]
    must_record: tuple[Item, ...]
    must_record_if: tuple[tuple[Match, Item], ...]
    principles: tuple[Item, ...]
    principles_if: tuple[tuple[Match, Item], ...]
    tell_subject: tuple[tuple[Match, Item], ...]


@dataclass(frozen=True, slots=True)
class SignOffRule:
    """A rule of the policy's `sign_off` section: which decisions it covers (every test
    that is not None must hold), why, and where that is written. `where` is its place in
    the file ("sign_off.before_final[0]"), so a page can say which rule applied."""

    where: str
    outcomes: frozenset[str]
    consent: frozenset[str] | None
    in_response_to_request: bool | None
    urgency: frozenset[str] | None
    reason: Reason
    # Only for `review_after`: the review is due this many working days after the decision.
    within_working_days: int | None = None

    def covers(
        self, *, outcome: str, consent: str, in_response_to_request: bool, urgency: str
    ) -> bool:
        return (
            outcome in self.outcomes
            and (self.consent is None or consent in self.consent)
            and (
                self.in_response_to_request is None
                or self.in_response_to_request == in_response_to_request
            )
            and (self.urgency is None or urgency in self.urgency)
        )


def first_covering(
    rules: tuple[SignOffRule, ...],
    *,
    outcome: str,
    consent: str,
    in_response_to_request: bool,
    urgency: str,
) -> SignOffRule | None:
    """The first rule, in the file's order, that covers a decision with these facts."""
    for rule in rules:
        if rule.covers(
            outcome=outcome,
            consent=consent,
            in_response_to_request=in_response_to_request,
            urgency=urgency,
        ):
            return rule
    return None


# Checks one answer's type and value, returning it typed, or raises AnswerError.
Validator = Callable[[object], object]


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    id: str
    version: str
    title: str
    description: str | None
    source_title: str
    source_edition: str
    date: dt.date
    source_url: str | None
    sha256: str
    path: str
    questions: dict[str, Question]
    contacts: tuple[Contact, ...]
    answer_keys: frozenset[str]
    citations: dict[str, Citation] = field(repr=False)
    first: Question = field(repr=False)
    # The same questions worded for an adult (`subject_is_adult`): the file's `adult`
    # wording where it gives one, else the question itself.
    adult_questions: dict[str, Question] = field(repr=False)
    # Worked out by the compiler, read only by the evaluator.
    _outcomes: dict[str, OutcomeTexts] = field(repr=False)
    _adult_outcomes: dict[str, OutcomeTexts] = field(repr=False)
    _validators: dict[str, Validator] = field(repr=False)
    _catalogue: Catalogue = field(repr=False)
    # The `sign_off` section: decisions that wait for a manager before they are final, and
    # decisions final at once that a manager reviews after the event. Empty: none.
    sign_off_before_final: tuple[SignOffRule, ...] = ()
    review_after: tuple[SignOffRule, ...] = ()

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(self.id, self.version, self.sha256)

    @property
    def version_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))

    def outcome_title(self, outcome: str) -> str:
        texts = self._outcomes.get(outcome)
        return texts.title if texts else OUTCOME_TITLES[outcome]

    def outcome_summary(self, outcome: str, *, adult: bool = False) -> Reason | None:
        texts = (self._adult_outcomes if adult else self._outcomes).get(outcome)
        return texts.summary if texts else None

    def question_for(self, question_id: str, answers: Mapping[str, object]) -> Question | None:
        """The question worded for these answers: for an adult when `subject_is_adult` is true."""
        adult = answers.get("subject_is_adult") is True
        return (self.adult_questions if adult else self.questions).get(question_id)


class AnswerError(ValueError):
    """An answer that the policy does not accept; `key` names the answer key or question."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")
