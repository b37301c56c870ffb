"""Every path through both shipped policies, as a table: answers in, outcome and path out."""

from __future__ import annotations

from typing import Any

import pytest

from safeshare.guidance import (
    OUTCOME_TITLES,
    OUTCOMES,
    SHARING_OUTCOMES,
    Evaluation,
    Policy,
    evaluate,
    load_policy,
)

POLICY_IDS = ["hmg-2018", "hmg-2024"]

CLEAR = {"immediate_risk": False, "legitimate_purpose": "yes", "identifiable": True}
FULL = ["immediate_risk", "legitimate_purpose", "identifiable", "consent", "special_category"]
# An answer set without criminal_offence_data (written before the question existed) skips
# it: absent means false.
BASES_PATH = [*FULL, "lawful_bases"]
ASKED_PATH = [*FULL, "criminal_offence_data", "lawful_bases"]


def bases(consent: str, special: bool, ids: list[str]) -> dict[str, Any]:
    return {**CLEAR, "consent": consent, "special_category": special, "lawful_bases": ids}


# (name, answers, outcome, path of question ids, next question)
PATHS: list[tuple[str, dict[str, Any], str, list[str], str | None]] = [
    ("nothing answered", {}, "incomplete", [], "immediate_risk"),
    ("immediate risk", {"immediate_risk": True}, "share_urgently", ["immediate_risk"], None),
    (
        "no immediate risk",
        {"immediate_risk": False},
        "incomplete",
        ["immediate_risk"],
        "legitimate_purpose",
    ),
    (
        "no legitimate purpose",
        {"immediate_risk": False, "legitimate_purpose": "no"},
        "do_not_share",
        ["immediate_risk", "legitimate_purpose"],
        None,
    ),
    (
        "unsure of purpose",
        {"immediate_risk": False, "legitimate_purpose": "unsure"},
        "seek_advice",
        ["immediate_risk", "legitimate_purpose"],
        None,
    ),
    (
        "purpose, identifiable unanswered",
        {"immediate_risk": False, "legitimate_purpose": "yes"},
        "incomplete",
        ["immediate_risk", "legitimate_purpose"],
        "identifiable",
    ),
    (
        "does not identify anyone",
        {**CLEAR, "identifiable": False},
        "share",
        ["immediate_risk", "legitimate_purpose", "identifiable"],
        None,
    ),
    ("consent unanswered", CLEAR, "incomplete", FULL[:3], "consent"),
    ("consent given", {**CLEAR, "consent": "given"}, "share_with_consent", FULL[:4], None),
    *[
        (
            f"consent {c}, special category unanswered",
            {**CLEAR, "consent": c},
            "incomplete",
            FULL[:4],
            "special_category",
        )
        for c in ("refused", "withdrawn", "not_sought", "not_appropriate")
    ],
    (
        "criminal offence data unanswered",
        {**CLEAR, "consent": "refused", "special_category": False},
        "incomplete",
        FULL,
        "criminal_offence_data",
    ),
    (
        "bases unanswered",
        {**CLEAR, "consent": "refused", "special_category": False, "criminal_offence_data": False},
        "incomplete",
        [*FULL, "criminal_offence_data"],
        "lawful_bases",
    ),
    (
        "criminal offence data answered",
        {**bases("refused", False, ["art6-e-public-task"]), "criminal_offence_data": False},
        "share_without_consent",
        ASKED_PATH,
        None,
    ),
    (
        "public task",
        bases("not_appropriate", False, ["art6-e-public-task"]),
        "share_without_consent",
        BASES_PATH,
        None,
    ),
    ("no basis at all", bases("refused", False, []), "do_not_share", BASES_PATH, None),
    (
        "special category without an Article 9 condition",
        bases("refused", True, ["art6-e-public-task"]),
        "do_not_share",
        BASES_PATH,
        None,
    ),
    (
        "special category with Schedule 1 paragraph 18",
        bases("refused", True, ["art6-e-public-task", "dpa-sch1-para18"]),
        "share_without_consent",
        BASES_PATH,
        None,
    ),
    (
        "Article 9(2)(g) without its Schedule 1 paragraph",
        bases("refused", True, ["art6-e-public-task", "art9-g-substantial-public-interest"]),
        "do_not_share",
        BASES_PATH,
        None,
    ),
    (
        "Article 9(2)(g) with paragraph 10",
        bases(
            "not_sought",
            True,
            ["art6-c-legal-obligation", "art9-g-substantial-public-interest", "dpa-sch1-para10"],
        ),
        "share_without_consent",
        BASES_PATH,
        None,
    ),
    (
        "consent basis after refusal",
        bases("refused", False, ["art6-a-consent"]),
        "do_not_share",
        BASES_PATH,
        None,
    ),
    (
        "legitimate interests alone, for a public authority (the default)",
        bases("not_appropriate", False, ["art6-f-legitimate-interests"]),
        "do_not_share",
        BASES_PATH,
        None,
    ),
    (
        "legitimate interests alone, not a public authority",
        {
            **bases("not_appropriate", False, ["art6-f-legitimate-interests"]),
            "public_authority": False,
        },
        "share_without_consent",
        BASES_PATH,
        None,
    ),
    (
        "statutory gateway without an Article 6 basis",
        bases("refused", False, ["ca1989-s47", "confidentiality-public-interest"]),
        "do_not_share",
        BASES_PATH,
        None,
    ),
    (
        "human rights alone",
        bases("refused", False, ["hra-art8", "hra-art2-art3"]),
        "do_not_share",
        BASES_PATH,
        None,
    ),
    (
        "unsure, no question named",
        {"immediate_risk": False, "unsure": True},
        "seek_advice",
        ["immediate_risk"],
        None,
    ),
    ("unsure before anything else", {"unsure": True}, "seek_advice", [], None),
    (
        "unsure at consent",
        {**CLEAR, "unsure": True, "unsure_at": "consent"},
        "seek_advice",
        [*FULL[:3], "consent"],
        None,
    ),
    (
        "unsure at immediate risk",
        {"unsure": True, "unsure_at": "immediate_risk"},
        "seek_advice",
        ["immediate_risk"],
        None,
    ),
    (
        "stale unsure on a question off the path",
        {
            "immediate_risk": False,
            "legitimate_purpose": "no",
            "unsure": True,
            "unsure_at": "consent",
        },
        "do_not_share",
        ["immediate_risk", "legitimate_purpose"],
        None,
    ),
    (
        "unsure flag overrides a sharing answer",
        {**CLEAR, "identifiable": False, "unsure": True},
        "seek_advice",
        FULL[:3],
        None,
    ),
    (
        "immediate risk beats everything",
        {
            **bases("refused", True, []),
            "immediate_risk": True,
            "legitimate_purpose": "no",
            "unsure": True,
            "unsure_at": "legitimate_purpose",
        },
        "share_urgently",
        ["immediate_risk"],
        None,
    ),
    (
        "off-path answers are ignored",
        {**CLEAR, "identifiable": False, "consent": "given", "lawful_bases": []},
        "share",
        FULL[:3],
        None,
    ),
    (
        "unanswered keys given as null",
        {"immediate_risk": False, "legitimate_purpose": None},
        "incomplete",
        ["immediate_risk"],
        "legitimate_purpose",
    ),
]


@pytest.mark.parametrize("policy_id", POLICY_IDS)
@pytest.mark.parametrize(
    ("answers", "outcome", "path", "next_question"),
    [pytest.param(a, o, p, n, id=name) for name, a, o, p, n in PATHS],
)
def test_it_follows_the_flow(
    policy_id: str,
    answers: dict[str, Any],
    outcome: str,
    path: list[str],
    next_question: str | None,
) -> None:
    policy = load_policy(policy_id)
    result = evaluate(policy, answers)
    assert result.outcome == outcome
    assert [step.question_id for step in result.path] == path
    assert (result.next_question.id if result.next_question else None) == next_question
    assert result.policy == policy.ref


@pytest.mark.parametrize("policy_id", POLICY_IDS)
@pytest.mark.parametrize(
    "answers", [pytest.param(a, id=name) for name, a, o, _p, _n in PATHS if o != "incomplete"]
)
def test_every_decision_explains_itself_with_citations(
    policy_id: str, answers: dict[str, Any]
) -> None:
    result = evaluate(load_policy(policy_id), answers)
    assert result.reasons, "a decision needs reasons"
    for text, citation in [*result.reasons, *result.must_record, *result.how_to_share]:
        assert text and citation.source and citation.section and citation.quote_or_summary
    for warning in result.warnings:
        assert warning.code and warning.text and warning.citation.section
    for step in result.path:
        assert step.citation.source and step.answer_label
    assert result.must_record, "every decision says what to record"
    if result.outcome in SHARING_OUTCOMES:
        assert result.how_to_share and result.principles and result.tell_subject is not None
    assert result.outcome_title == OUTCOME_TITLES[result.outcome]


def outcome(policy: Policy, answers: dict[str, Any]) -> Evaluation:
    return evaluate(policy, answers)


def codes(result: Evaluation) -> set[str]:
    return {w.code for w in result.warnings}


def test_2024_warns_about_third_parties_refusals_and_telling_the_child() -> None:
    policy = load_policy("hmg-2024")
    shared = evaluate(policy, bases("not_appropriate", False, ["art6-e-public-task"]))
    assert {"protect_identities", "tell_child_or_carers"} <= codes(shared)
    refused = evaluate(policy, bases("refused", False, []))
    assert "explain_refusal" in codes(refused)
    assert any("new information" in w.text for w in refused.warnings)
    assert "consent_not_default" in codes(evaluate(policy, {**CLEAR, "consent": "given"}))


def test_2024_asks_whether_consent_is_relied_on() -> None:
    consent = load_policy("hmg-2024").questions["consent"]
    assert consent.text == "Are you relying on consent to share?"
    assert consent.options[0].value == "not_appropriate"  # consent is not the default


def test_2018_asks_the_briefings_questions_in_order() -> None:
    policy = load_policy("hmg-2018")
    assert list(policy.questions) == ASKED_PATH
    assert policy.questions["consent"].text.startswith("Is consent the most appropriate")
    assert policy.source_edition == "July 2018"


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_consent_refused_then_shared_warns_and_says_what_to_tell(policy_id: str) -> None:
    result = evaluate(load_policy(policy_id), bases("refused", False, ["art6-e-public-task"]))
    assert codes(result) & {"respect_refusal", "consent_refused"}
    assert result.tell_subject is not None
    assert "without their consent" in result.tell_subject.text


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_it_lists_the_checked_lawful_bases(policy_id: str) -> None:
    result = evaluate(
        load_policy(policy_id),
        bases("withdrawn", True, ["art6-a-consent", "art6-e-public-task", "dpa-sch1-para18"]),
    )
    checks = {c.id: c for c in result.lawful_bases}
    assert not checks["art6-a-consent"].accepted
    assert "refused or withdrawn" in checks["art6-a-consent"].note
    assert checks["art6-e-public-task"].accepted
    assert checks["dpa-sch1-para18"].family == "dpa-2018-sch1"
    records = " ".join(i.text for i in result.must_record)
    assert "Public task" in records and "paragraph 18" in records
    assert "under 18" in records  # the four para 18 conditions are to be recorded


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_legitimate_interests_beside_public_task_stands_on_public_task(policy_id: str) -> None:
    policy = load_policy(policy_id)
    both = evaluate(
        policy, bases("refused", False, ["art6-f-legitimate-interests", "art6-e-public-task"])
    )
    assert both.outcome == "share_without_consent"
    checks = {c.id: c.accepted for c in both.lawful_bases}
    assert checks == {"art6-f-legitimate-interests": False, "art6-e-public-task": True}


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_no_basis_says_to_record_and_discuss_reasons(policy_id: str) -> None:
    result = evaluate(load_policy(policy_id), bases("refused", False, []))
    assert any("Article 6" in r.text for r in result.reasons)
    assert any("person who asked" in i.text for i in result.must_record)


def test_outcomes_and_titles_match() -> None:
    assert len(OUTCOMES) == 7
    assert set(OUTCOME_TITLES) == set(OUTCOMES)
    assert OUTCOME_TITLES["share_without_consent"] == "Share without consent"


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_to_json_is_plain_json(policy_id: str) -> None:
    import json

    result = evaluate(load_policy(policy_id), bases("refused", True, ["art6-e-public-task"]))
    data = result.to_json()
    assert json.loads(json.dumps(data, sort_keys=True)) == data
    assert data["policy"]["id"] == policy_id
    assert len(data["policy"]["sha256"]) == 64
    assert data["path"][-1]["answer"] == ["art6-e-public-task"]
