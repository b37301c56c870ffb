"""Pydantic models of a policy file and of the lawful-basis catalogue, as written on disk.

These models only check the shape of the YAML (names, types, required fields). The rules
that tie the parts together (routes point at real questions, sharing outcomes sit behind a
legitimate purpose, ...) are checked in `compiler.parse_policy`, which reports every
problem with its location in the same form as the errors here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

OutcomeName = Literal[
    "share_urgently",
    "share",
    "share_with_consent",
    "share_without_consent",
    "do_not_share",
    "seek_advice",
    "incomplete",
]

# `sharing` and `decided` are shorthands an administrator can use in `when.outcomes`
# instead of listing the outcomes one by one.
OutcomeSelector = OutcomeName | Literal["sharing", "decided"]

QuestionKind = Literal["yes_no", "choice", "bases"]

Family = Literal[
    "uk-gdpr-art6",
    "uk-gdpr-art9",
    "dpa-2018-sch1",
    "criminal-offence",
    "statutory-gateway",
    "confidentiality",
    "human-rights",
]

ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
# Where a citation can be checked: a secure web address, shown to practitioners as a link.
HTTPS_URL_PATTERN = r"^https://[^\s/?#]+\.[^\s/?#]+(/\S*)?$"
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+)*$"


class _Strict(BaseModel):
    # Typos in a hand-edited file must be reported, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitationSpec(_Strict):
    source: str = Field(min_length=1)
    section: str = Field(min_length=1)
    quote_or_summary: str = Field(min_length=1)
    # False where the wording or section was not checked against the primary document,
    # so an administrator knows what still needs correcting.
    verified: bool = True
    url: str | None = Field(default=None, pattern=HTTPS_URL_PATTERN)


class SourceSpec(_Strict):
    title: str = Field(min_length=1)
    edition: str = Field(min_length=1)
    date: dt.date
    url: str | None = None
    publisher: str | None = None


class RouteSpec(_Strict):
    outcome: OutcomeName | None = None
    next: str | None = None
    reason: str | None = None
    cite: str | None = None
    # The reason on an adult's path (`subject_is_adult`), with its own cite if it has one.
    adult_reason: str | None = None
    adult_cite: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> RouteSpec:
        if self.outcome is not None and self.next is not None:
            raise ValueError("give either outcome or next, not both")
        if self.outcome == "incomplete":
            raise ValueError("a route cannot lead to incomplete")
        if self.reason is not None and self.cite is None:
            raise ValueError("a reason needs a cite")
        if self.adult_reason is not None and self.reason is None:
            raise ValueError("adult_reason needs a reason beside it")
        return self


class AdultWordingSpec(_Strict):
    """A question's wording on an adult's path (`subject_is_adult`): what it replaces."""

    text: str | None = Field(default=None, min_length=1)
    hint: str | None = None
    error: str | None = Field(default=None, min_length=1)


class OptionSpec(_Strict):
    # Yes/no questions use "yes" and "no"; YAML would read bare yes/no as booleans, so both
    # spellings are accepted and normalised here.
    value: str
    label: str | None = None
    hint: str | None = None
    then: RouteSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _bool_values(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("value"), bool):
            data = {**data, "value": "yes" if data["value"] else "no"}
        return data


class QuestionSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: QuestionKind
    text: str = Field(min_length=1)
    hint: str | None = None
    # The GOV.UK error message shown when nothing valid was chosen ("Select yes if ...").
    error: str = Field(min_length=1)
    unsure_label: str | None = None
    cite: str
    adult: AdultWordingSpec | None = None
    options: list[OptionSpec] | None = None
    # Only for kind "bases": where a valid and an invalid set of lawful bases lead.
    valid: RouteSpec | None = None
    invalid: RouteSpec | None = None


class WhenSpec(_Strict):
    outcomes: list[OutcomeSelector] | None = None
    answers: dict[str, list[str | bool]] | None = None


class ItemSpec(_Strict):
    text: str = Field(min_length=1)
    cite: str
    when: WhenSpec | None = None


class WarningSpec(ItemSpec):
    code: str = Field(pattern=ID_PATTERN)


class OutcomeSpec(_Strict):
    title: str | None = None
    summary: str = Field(min_length=1)
    cite: str
    # The summary on an adult's path (`subject_is_adult`), with its own cite if it has one.
    adult_summary: str | None = Field(default=None, min_length=1)
    adult_cite: str | None = None


class ContactSpec(_Strict):
    name: str = Field(min_length=1)
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    notes: str | None = None


# The facts of a decision a sign-off rule can test, spelled as the decision record stores
# them (decisions.models.ConsentStatus and vocabulary.models.Urgency; a test holds them
# together).
ConsentValue = Literal["given", "refused", "withdrawn", "not_sought"]
UrgencyValue = Literal["immediate", "urgent", "standard"]


class SignOffRuleSpec(_Strict):
    """One rule of `sign_off`: the decisions it covers (every key given must hold), why,
    and the citation shown to the manager and the practitioner."""

    outcomes: list[OutcomeSelector] = Field(min_length=1)
    consent: list[ConsentValue] | None = Field(default=None, min_length=1)
    in_response_to_request: bool | None = None
    urgency: list[UrgencyValue] | None = Field(default=None, min_length=1)
    reason: str = Field(min_length=1)
    cite: str


class ReviewRuleSpec(SignOffRuleSpec):
    # A manager reviews the decision within this many working days of it being final.
    within_working_days: int = Field(ge=1, le=20)


class SignOffSpec(_Strict):
    # Decisions that wait for a manager's sign-off before they are final.
    before_final: list[SignOffRuleSpec] = []
    # Decisions final at once that a manager reviews after the event.
    review_after: list[ReviewRuleSpec] = []


class PolicySpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: str = Field(pattern=VERSION_PATTERN)
    title: str = Field(min_length=1)
    description: str | None = None
    source: SourceSpec
    citations: dict[str, CitationSpec]
    questions: list[QuestionSpec] = Field(min_length=1)
    outcomes: dict[OutcomeName, OutcomeSpec]
    principles: list[ItemSpec] = []
    how_to_share: list[ItemSpec] = []
    tell_subject: list[ItemSpec] = []
    must_record: list[ItemSpec] = []
    warnings: list[WarningSpec] = []
    contacts: list[ContactSpec] = []
    sign_off: SignOffSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _version_as_text(cls, data: Any) -> Any:
        # `version: 1` or `version: 1.2` in YAML arrives as a number; the file means text.
        if isinstance(data, dict) and isinstance(data.get("version"), int | float):
            data = {**data, "version": str(data["version"])}
        return data


class BasisSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    family: Family
    explanation: str = Field(min_length=1)
    without_consent: bool
    # Consent-type bases cannot be relied on once consent was refused or withdrawn.
    consent_based: bool = False
    # UK GDPR Art 6(1), words after point (f) (as amended by the Data (Use and Access) Act
    # 2025 s70): points (ea) and (f) are not for public authorities performing their tasks.
    # Not accepted when the answer `public_authority` is true (or absent).
    public_authority_unavailable: bool = False
    # Only for a person physically or legally incapable of giving consent (Art 9(2)(c)):
    # not accepted when consent was refused or withdrawn, since a person who can refuse
    # is capable of giving it.
    requires_incapacity: bool = False
    # Meets UK GDPR Art 10 for criminal offence data: DPA 2018 s10(5) needs a condition in
    # Schedule 1 Part 1, 2 or 3 (a Part 2 condition through paragraph 36).
    criminal_offence_condition: bool = False
    # A DPA 2018 Schedule 1 Part 2 condition that needs an appropriate policy document
    # (Schedule 1 paragraph 5 and Part 4).
    appropriate_policy_document: bool = False
    # Conditions that replace `conditions` when the person is an adult (`subject_is_adult`).
    adult_conditions: list[str] = []
    # An Art 9(2) condition that only works together with one of these DPA 2018 Sch 1
    # paragraphs (for example 9(2)(g) with a Part 2 paragraph).
    requires_one_of: list[str] = []
    # A Sch 1 paragraph that brings its Art 9(2) condition with it.
    implies: str | None = None
    # Conditions that must all hold and be recorded (Sch 1 para 18 has four).
    conditions: list[str] = []
    legal_reference: str = Field(min_length=1)
    verified: bool = True
    url: str | None = Field(default=None, pattern=HTTPS_URL_PATTERN)


class MessageSpec(_Strict):
    text: str = Field(min_length=1)
    source: str = Field(min_length=1)
    section: str = Field(min_length=1)
    verified: bool = True
    url: str | None = Field(default=None, pattern=HTTPS_URL_PATTERN)


class CatalogueSpec(_Strict):
    version: str = Field(pattern=VERSION_PATTERN)
    title: str
    bases: list[BasisSpec] = Field(min_length=1)
    messages: dict[str, MessageSpec]

    @model_validator(mode="before")
    @classmethod
    def _version_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("version"), int | float):
            data = {**data, "version": str(data["version"])}
        return data


# --- Reading files -----------------------------------------------------------------------


class Problem(BaseModel):
    """One thing wrong with a policy or catalogue file, with where it is."""

    model_config = ConfigDict(frozen=True)

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class PolicyError(Exception):
    """A policy (or the catalogue) could not be found, read or validated."""

    def __init__(self, message: str, problems: Sequence[Problem] = (), path: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.path = path
        super().__init__(message)

    def lines(self) -> list[str]:
        prefix = f"{self.path}: " if self.path else ""
        if not self.problems:
            return [f"{prefix}{self}"]
        return [f"{prefix}{problem}" for problem in self.problems]


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; in a hand-edited policy that hides a mistake."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def read_yaml(data: bytes) -> Any:
    """Parse YAML text, raising PolicyError with the line of a syntax error or duplicate key."""
    try:
        return yaml.load(data, Loader=_UniqueKeyLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "yaml"
        raise PolicyError(
            "the file is not valid YAML", [Problem(location=where, message=str(exc.problem))]
        ) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(
            "the file is not valid YAML", [Problem(location="yaml", message=str(exc))]
        ) from exc


def location(loc: Sequence[int | str]) -> str:
    """Render a pydantic location as the administrator reads the file: questions[2].options[0]."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_from(exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        # Union members (`function-after[...]`, `literal[...]`) appear in the location;
        # they mean nothing to an administrator reading the file.
        loc = [p for p in error["loc"] if isinstance(p, int) or "[" not in p]
        problems.append(Problem(location=location(loc), message=error["msg"]))
    return problems
