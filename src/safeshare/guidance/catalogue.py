"""The lawful-basis catalogue: UK GDPR bases, DPA 2018 conditions, statutory gateways and
common-law exceptions, read from `bases.yaml` so that wording can be corrected without code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .schema import CatalogueSpec, PolicyError, Problem, problems_from, read_yaml

CATALOGUE_PATH = Path(__file__).with_name("bases.yaml")

# Reserved for "none of these apply" in forms, so no basis may take it.
NONE_VALUE = "none"

FAMILY_TITLES: dict[str, str] = {
    "uk-gdpr-art6": "UK GDPR Article 6 lawful basis",
    "uk-gdpr-art9": "UK GDPR Article 9 condition",
    "dpa-2018-sch1": "Data Protection Act 2018 Schedule 1 condition",
    "criminal-offence": "Criminal offence data",
    "statutory-gateway": "Statutory gateway",
    "confidentiality": "Common-law duty of confidence",
    "human-rights": "Human rights",
}

# The engine looks these up by code; a catalogue without one of them is rejected at load.
MESSAGE_CODES = frozenset(
    {
        "accepted",
        "accepted_with_condition",
        "not_without_consent",
        "consent_refused",
        "needs_schedule_1",
        "public_authority_unavailable",
        "public_authority_no_basis",
        "capable_of_consent",
        "accepted_for_adult",
        "article10_missing",
        "record_article10",
        "record_appropriate_policy_document",
        "art6_missing",
        "art9_missing",
        "valid_without_consent",
        "record_art6",
        "record_art9",
        "record_conditions",
        "record_gateways",
        "record_confidentiality",
        "no_confidentiality",
    }
)


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    section: str
    quote_or_summary: str
    verified: bool = True
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "section": self.section,
            "quote_or_summary": self.quote_or_summary,
            "verified": self.verified,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Basis:
    id: str
    title: str
    family: str
    explanation: str
    without_consent: bool
    consent_based: bool
    public_authority_unavailable: bool
    requires_incapacity: bool
    criminal_offence_condition: bool
    appropriate_policy_document: bool
    requires_one_of: tuple[str, ...]
    implies: str | None
    conditions: tuple[str, ...]
    adult_conditions: tuple[str, ...]
    legal_reference: str
    verified: bool
    citation: Citation

    @property
    def family_title(self) -> str:
        return FAMILY_TITLES[self.family]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "family": self.family,
            "explanation": self.explanation,
            "without_consent": self.without_consent,
            "consent_based": self.consent_based,
            "public_authority_unavailable": self.public_authority_unavailable,
            "requires_incapacity": self.requires_incapacity,
            "criminal_offence_condition": self.criminal_offence_condition,
            "appropriate_policy_document": self.appropriate_policy_document,
            "requires_one_of": list(self.requires_one_of),
            "implies": self.implies,
            "conditions": list(self.conditions),
            "adult_conditions": list(self.adult_conditions),
            "legal_reference": self.legal_reference,
            "verified": self.verified,
        }


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    source: str
    section: str
    verified: bool
    url: str | None = None

    def cite(self, **values: str) -> tuple[str, Citation]:
        text = self.text.format(**values)
        return text, Citation(self.source, self.section, text, self.verified, self.url)


@dataclass(frozen=True, slots=True, eq=False)
class Catalogue:
    version: str
    title: str
    sha256: str
    bases: dict[str, Basis]
    messages: dict[str, Message] = field(repr=False)

    def message(self, code: str, **values: str) -> tuple[str, Citation]:
        return self.messages[code].cite(**values)


def parse_catalogue(data: bytes, path: str = "") -> Catalogue:
    """Validate catalogue YAML; raise PolicyError listing every problem with its location."""
    raw = read_yaml(data)
    try:
        spec = CatalogueSpec.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError("the catalogue is not valid", problems_from(exc), path) from exc

    problems: list[Problem] = []
    by_id = {}
    for index, basis in enumerate(spec.bases):
        where = f"bases[{index}]"
        if basis.id in by_id:
            problems.append(Problem(location=f"{where}.id", message=f"duplicate id {basis.id!r}"))
        if basis.id == NONE_VALUE:
            problems.append(Problem(location=f"{where}.id", message="'none' is reserved"))
        by_id[basis.id] = basis
    for index, basis in enumerate(spec.bases):
        where = f"bases[{index}]"
        for j, required in enumerate(basis.requires_one_of):
            target = by_id.get(required)
            if target is None or target.family != "dpa-2018-sch1":
                problems.append(
                    Problem(
                        location=f"{where}.requires_one_of[{j}]",
                        message=f"{required!r} is not a dpa-2018-sch1 entry",
                    )
                )
        if basis.requires_one_of and basis.family not in ("uk-gdpr-art9", "criminal-offence"):
            problems.append(
                Problem(
                    location=f"{where}.requires_one_of",
                    message="only for uk-gdpr-art9 and criminal-offence",
                )
            )
        if basis.criminal_offence_condition and basis.family != "dpa-2018-sch1":
            problems.append(
                Problem(
                    location=f"{where}.criminal_offence_condition",
                    message="only for dpa-2018-sch1 (DPA 2018 section 10(5))",
                )
            )
        if basis.implies is not None:
            target = by_id.get(basis.implies)
            if target is None or target.family != "uk-gdpr-art9":
                problems.append(
                    Problem(
                        location=f"{where}.implies",
                        message=f"{basis.implies!r} is not a uk-gdpr-art9 entry",
                    )
                )
    for code in sorted(MESSAGE_CODES - spec.messages.keys()):
        problems.append(Problem(location=f"messages.{code}", message="missing"))
    if problems:
        raise PolicyError("the catalogue is not valid", problems, path)

    bases = {
        b.id: Basis(
            id=b.id,
            title=b.title,
            family=b.family,
            explanation=b.explanation,
            without_consent=b.without_consent,
            consent_based=b.consent_based,
            public_authority_unavailable=b.public_authority_unavailable,
            requires_incapacity=b.requires_incapacity,
            criminal_offence_condition=b.criminal_offence_condition,
            appropriate_policy_document=b.appropriate_policy_document,
            requires_one_of=tuple(b.requires_one_of),
            implies=b.implies,
            conditions=tuple(b.conditions),
            adult_conditions=tuple(b.adult_conditions),
            legal_reference=b.legal_reference,
            verified=b.verified,
            citation=Citation(
                source=FAMILY_TITLES[b.family],
                section=b.legal_reference,
                quote_or_summary=b.explanation,
                verified=b.verified,
                url=b.url,
            ),
        )
        for b in spec.bases
    }
    messages = {
        code: Message(m.text, m.source, m.section, m.verified, m.url)
        for code, m in spec.messages.items()
    }
    return Catalogue(
        version=spec.version,
        title=spec.title,
        sha256=hashlib.sha256(data).hexdigest(),
        bases=bases,
        messages=messages,
    )


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue, parsed once per process."""
    return parse_catalogue(CATALOGUE_PATH.read_bytes(), str(CATALOGUE_PATH))
