"""The lawful-basis rules as the law stands in 2026, as tables run on both shipped policies.

Each rule is held by the engine from the catalogue and the answers, never by a policy file:
Art 9(2)(c) only for a person incapable of consent; Art 6(1)(ea) and (f) not for a public
authority; criminal offence data needs a Schedule 1 condition (Art 10, DPA 2018 s10(5));
Schedule 1 paragraph 18 for an adult needs the adult to be at risk; an adult's path speaks
of the adult; consent for special category data must be explicit.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from safeshare.guidance import Evaluation, catalogue, evaluate, load_policy

POLICY_IDS = ["hmg-2018", "hmg-2024"]

CLEAR = {"immediate_risk": False, "legitimate_purpose": "yes", "identifiable": True}
E = "art6-e-public-task"
EA = "art6-ea-recognised-legitimate-interests"
F = "art6-f-legitimate-interests"
VITAL9 = "art9-c-vital-interests"
PARA10 = "dpa-sch1-para10"
PARA18 = "dpa-sch1-para18"
ART9G = "art9-g-substantial-public-interest"
CRIMINAL = "criminal-offence-data"


def bases(consent: str, special: bool, ids: list[str], **extra: object) -> dict[str, Any]:
    answers = {**CLEAR, "consent": consent, "special_category": special, "lawful_bases": ids}
    return {**answers, **extra}


def texts(result: Evaluation) -> list[str]:
    """Everything the practitioner reads about the outcome."""
    out = [r.text for r in result.reasons]
    out += [w.text for w in result.warnings]
    out += [i.text for i in (*result.how_to_share, *result.must_record, *result.principles)]
    if result.tell_subject is not None:
        out.append(result.tell_subject.text)
    return out


def accepted(result: Evaluation) -> dict[str, bool]:
    return {c.id: c.accepted for c in result.lawful_bases}


def note(result: Evaluation, basis_id: str) -> str:
    return next(c.note for c in result.lawful_bases if c.id == basis_id)


# (name, answers, outcome, {basis id: accepted}, text that a reason, note or record holds)
RULES: list[tuple[str, dict[str, Any], str, dict[str, bool], str | None]] = [
    # UK GDPR Art 9(2)(c): only where the person is physically or legally incapable of consent.
    (
        "vital interests after a refusal",
        bases("refused", True, [E, VITAL9]),
        "do_not_share",
        {E: True, VITAL9: False},
        "physically or legally incapable",
    ),
    (
        "vital interests after a withdrawal",
        bases("withdrawn", True, [E, VITAL9]),
        "do_not_share",
        {E: True, VITAL9: False},
        "physically or legally incapable",
    ),
    (
        "vital interests where consent is not the basis",
        bases("not_appropriate", True, [E, VITAL9]),
        "share_without_consent",
        {E: True, VITAL9: True},
        None,
    ),
    (
        "vital interests where consent was not sought",
        bases("not_sought", True, [E, VITAL9]),
        "share_without_consent",
        {E: True, VITAL9: True},
        None,
    ),
    # UK GDPR Art 6(1)(ea) and (f): not for a public authority (absent means it is one).
    (
        "recognised legitimate interests, public authority by default",
        bases("not_appropriate", False, [EA]),
        "do_not_share",
        {EA: False},
        "Your organisation is a public authority",
    ),
    (
        "recognised legitimate interests and legitimate interests, public authority",
        bases("refused", False, [EA, F], public_authority=True),
        "do_not_share",
        {EA: False, F: False},
        "cannot rely on recognised legitimate interests or legitimate interests",
    ),
    (
        "recognised legitimate interests beside public task, public authority",
        bases("refused", False, [EA, E], public_authority=True),
        "share_without_consent",
        {EA: False, E: True},
        None,
    ),
    (
        "recognised legitimate interests, not a public authority",
        bases("not_appropriate", False, [EA], public_authority=False),
        "share_without_consent",
        {EA: True},
        "safeguarding a vulnerable individual",
    ),
    (
        "legitimate interests, not a public authority",
        bases("not_appropriate", False, [F], public_authority=False),
        "share_without_consent",
        {F: True},
        None,
    ),
    (
        "recognised legitimate interests for special category data without Article 9",
        bases("not_appropriate", True, [EA], public_authority=False),
        "do_not_share",
        {EA: True},
        "Article 9 condition",
    ),
    (
        "recognised legitimate interests for special category data with paragraph 18",
        bases("not_appropriate", True, [EA, PARA18], public_authority=False),
        "share_without_consent",
        {EA: True, PARA18: True},
        "appropriate policy document",
    ),
    # UK GDPR Art 10 and DPA 2018 s10(5): criminal offence data needs a Schedule 1 condition.
    (
        "criminal offence data on public task alone",
        bases("refused", False, [E], criminal_offence_data=True),
        "do_not_share",
        {E: True},
        "criminal offence data",
    ),
    (
        "criminal offence data with paragraph 18",
        bases("refused", False, [E, PARA18], criminal_offence_data=True),
        "share_without_consent",
        {E: True, PARA18: True},
        "Record the Schedule 1 condition you relied on for the criminal offence data",
    ),
    (
        "criminal offence data with paragraph 10 (through Part 3)",
        bases("not_sought", False, [E, PARA10], criminal_offence_data=True),
        "share_without_consent",
        {E: True, PARA10: True},
        "Preventing or detecting unlawful acts",
    ),
    (
        "criminal offence data with Article 9(2)(g) and no paragraph",
        bases("refused", False, [E, ART9G], criminal_offence_data=True),
        "do_not_share",
        {E: True, ART9G: False},
        "criminal offence data",
    ),
    (
        "the criminal offence data entry is not a Schedule 1 condition",
        bases("refused", False, [E, CRIMINAL], criminal_offence_data=True),
        "do_not_share",
        {E: True, CRIMINAL: True},
        "criminal offence data",
    ),
    (
        "selecting the criminal offence data entry says the data is criminal offence data",
        bases("refused", False, [E, CRIMINAL], criminal_offence_data=False),
        "do_not_share",
        {E: True, CRIMINAL: True},
        "criminal offence data",
    ),
    (
        "no criminal offence data",
        bases("refused", False, [E], criminal_offence_data=False),
        "share_without_consent",
        {E: True},
        None,
    ),
    # DPA 2018 Sch 1 para 18 for an adult: only an adult at risk (para 18(3), Care Act s42).
    (
        "paragraph 18 for an adult",
        bases("refused", True, [E, PARA18], subject_is_adult=True),
        "share_without_consent",
        {E: True, PARA18: True},
        "care and support",
    ),
    (
        "paragraph 18 for a child",
        bases("refused", True, [E, PARA18], subject_is_adult=False),
        "share_without_consent",
        {E: True, PARA18: True},
        "under 18",
    ),
]


@pytest.mark.parametrize("policy_id", POLICY_IDS)
@pytest.mark.parametrize(
    ("answers", "outcome", "checks", "said"),
    [pytest.param(a, o, c, t, id=name) for name, a, o, c, t in RULES],
)
def test_the_rule_holds(
    policy_id: str,
    answers: dict[str, Any],
    outcome: str,
    checks: dict[str, bool],
    said: str | None,
) -> None:
    result = evaluate(load_policy(policy_id), answers)
    assert result.outcome == outcome
    assert accepted(result) == checks
    if said is not None:
        everything = [*texts(result), *(c.note for c in result.lawful_bases)]
        assert any(said in t for t in everything), everything
    for r in result.reasons:
        assert r.citation.source and r.citation.section


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_vital_interests_after_a_refusal_says_why(policy_id: str) -> None:
    result = evaluate(load_policy(policy_id), bases("refused", True, [E, VITAL9]))
    assert "refused or withdrawn" in note(result, VITAL9)
    assert "physically or legally incapable" in catalogue().bases[VITAL9].explanation


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_a_public_authority_is_told_to_use_another_basis(policy_id: str) -> None:
    result = evaluate(load_policy(policy_id), bases("refused", False, [F]))
    assert "Public authorities cannot rely on" in note(result, F)
    assert "public task" in note(result, F)
    reason = next(r for r in result.reasons if "public authority" in r.text)
    assert "Data (Use and Access) Act 2025" in reason.citation.section


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_paragraph_18_for_an_adult_states_the_adult_is_at_risk(policy_id: str) -> None:
    result = evaluate(
        load_policy(policy_id), bases("refused", True, [E, PARA18], subject_is_adult=True)
    )
    assert "only if they are at risk" in note(result, PARA18)
    record = " ".join(i.text for i in result.must_record)
    for part in ("needs for care and support", "abuse or neglect", "unable to protect"):
        assert part in record
    assert "Care Act 2014 section 42" in record
    assert "under 18" not in record


# Words that belong to a child's path only.
CHILD_WORDS = re.compile(r"\b(the|a) child\b|\bchild or their carers\b|\bcarers\b", re.I)

ADULT_PATHS: list[tuple[str, dict[str, Any]]] = [
    ("immediate risk", {"immediate_risk": True}),
    ("does not identify", {**CLEAR, "identifiable": False}),
    ("consent given", {**CLEAR, "consent": "given"}),
    ("shared after a refusal", bases("refused", True, [E, PARA18])),
    ("shared, consent not sought", bases("not_sought", False, [E])),
    ("not shared", bases("refused", False, [])),
    ("unsure of purpose", {"immediate_risk": False, "legitimate_purpose": "unsure"}),
    ("no purpose", {"immediate_risk": False, "legitimate_purpose": "no"}),
]


@pytest.mark.parametrize("policy_id", POLICY_IDS)
@pytest.mark.parametrize("answers", [pytest.param(a, id=n) for n, a in ADULT_PATHS])
def test_an_adults_path_speaks_of_the_adult(policy_id: str, answers: dict[str, Any]) -> None:
    policy = load_policy(policy_id)
    adult = evaluate(policy, {**answers, "subject_is_adult": True})
    child = evaluate(policy, answers)
    assert adult.outcome == child.outcome
    for text in texts(adult):
        assert not CHILD_WORDS.search(text), text
    if adult.tell_subject is not None:
        assert "the adult" in adult.tell_subject.text


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_an_adult_at_immediate_risk_has_an_urgent_route(policy_id: str) -> None:
    policy = load_policy(policy_id)
    first = evaluate(policy, {"subject_is_adult": True})
    assert first.next_question is not None
    assert first.next_question.text == "Is the adult at immediate risk of serious harm?"
    assert "adult" in (first.next_question.hint or "")
    asked = policy.question_for("immediate_risk", {"subject_is_adult": True})
    assert asked is first.next_question
    assert policy.question_for("immediate_risk", {}) is policy.questions["immediate_risk"]
    result = evaluate(policy, {"subject_is_adult": True, "immediate_risk": True})
    assert result.outcome == "share_urgently"
    assert "The adult is at immediate risk" in result.reasons[0].text
    assert "adult social care" in result.reasons[-1].text
    assert any("Record why the adult was at immediate risk" in i.text for i in result.must_record)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_a_childs_path_is_worded_as_before(policy_id: str) -> None:
    policy = load_policy(policy_id)
    assert policy.questions["immediate_risk"].text == (
        "Is a child at immediate risk of significant harm?"
    )
    result = evaluate(policy, {"immediate_risk": True})
    assert "A child is at immediate risk" in result.reasons[0].text
    assert any("Record why a child was at immediate risk" in i.text for i in result.must_record)
    assert any("put a child at greater risk" in i.text for i in result.principles)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_consent_for_special_category_data_must_be_explicit(policy_id: str) -> None:
    policy = load_policy(policy_id)
    result = evaluate(policy, {**CLEAR, "consent": "given"})
    assert result.outcome == "share_with_consent"
    explicit = next(i for i in result.must_record if "explicit" in i.text)
    assert "what it covers" in explicit.text and "purpose" in explicit.text
    assert explicit.citation.section == "Article 9(2)(a)"
    assert "consent_power_imbalance" in {w.code for w in result.warnings}
    assert "power imbalance" in (policy.questions["consent"].hint or "")


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_criminal_offence_data_is_a_question_of_its_own(policy_id: str) -> None:
    policy = load_policy(policy_id)
    q = policy.questions["criminal_offence_data"]
    assert q.kind == "yes_no" and q.text.endswith("?")
    assert q.citation.section == "Article 10 and section 10(5)"
    assert list(policy.questions).index("criminal_offence_data") == (
        list(policy.questions).index("lawful_bases") - 1
    )
    answers = {**CLEAR, "consent": "refused", "special_category": False}
    assert evaluate(policy, answers).next_question is q


SPECIAL_CATEGORIES = [
    "racial or ethnic origin",
    "political opinions",
    "religious or philosophical beliefs",
    "trade union membership",
    "genetic data",
    "biometric data",
    "health",
    "sex life",
    "sexual orientation",
]


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_the_special_category_hint_lists_every_article_9_category(policy_id: str) -> None:
    hint = " ".join((load_policy(policy_id).questions["special_category"].hint or "").split())
    for category in SPECIAL_CATEGORIES:
        assert category in hint


def test_section_27_is_a_qualified_duty() -> None:
    explanation = catalogue().bases["ca1989-s27"].explanation
    assert "may ask" in explanation and "qualified duty" in explanation
    assert "compatible with its own duties" in explanation
