"""Properties over all answer combinations, for both shipped policies and a partnership one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.guidance import (
    OUTCOMES,
    SHARING_OUTCOMES,
    AnswerError,
    Policy,
    catalogue,
    evaluate,
    load_policy,
    load_policy_file,
)

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES: list[Policy] = [
    load_policy("hmg-2018"),
    load_policy("hmg-2024"),
    load_policy_file(FIXTURES / "partnership" / "example-partnership.yaml"),
]
BASIS_IDS = sorted(catalogue().bases)


def answer_values(policy: Policy) -> dict[str, st.SearchStrategy[Any]]:
    out: dict[str, st.SearchStrategy[Any]] = {
        "unsure": st.booleans(),
        "unsure_at": st.sampled_from(sorted(policy.questions)),
        # The answers the service fills, accepted by every policy.
        "public_authority": st.booleans(),
        "subject_is_adult": st.booleans(),
        "criminal_offence_data": st.booleans(),
    }
    for qid, q in policy.questions.items():
        if q.kind == "yes_no":
            out[qid] = st.booleans()
        elif q.kind == "choice":
            out[qid] = st.sampled_from([o.value for o in q.options])
        else:
            out[qid] = st.lists(st.sampled_from(BASIS_IDS), max_size=6)
    return out


@st.composite
def policy_and_answers(draw: st.DrawFn) -> tuple[Policy, dict[str, Any]]:
    policy = draw(st.sampled_from(POLICIES))
    values = answer_values(policy)
    keys = draw(st.sets(st.sampled_from(sorted(values))))
    return policy, {k: draw(values[k]) for k in sorted(keys)}


SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(policy_and_answers())
def test_exactly_one_known_outcome_and_never_an_exception(
    case: tuple[Policy, dict[str, Any]],
) -> None:
    policy, answers = case
    result = evaluate(policy, answers)
    assert result.outcome in OUTCOMES
    assert (result.outcome == "incomplete") == (result.next_question is not None)
    json.dumps(result.to_json(), sort_keys=True)


@SETTINGS
@given(policy_and_answers())
def test_immediate_risk_always_wins(case: tuple[Policy, dict[str, Any]]) -> None:
    policy, answers = case
    result = evaluate(policy, {**answers, "immediate_risk": True})
    assert result.outcome == "share_urgently"


@SETTINGS
@given(policy_and_answers())
def test_no_legitimate_purpose_never_shares(case: tuple[Policy, dict[str, Any]]) -> None:
    policy, answers = case
    answers = {**answers, "legitimate_purpose": "no"}
    result = evaluate(policy, answers)
    if answers.get("immediate_risk") is True:
        assert result.outcome == "share_urgently"
    else:
        assert result.outcome not in SHARING_OUTCOMES


@SETTINGS
@given(policy_and_answers())
def test_unsure_without_a_named_question_means_seek_advice(
    case: tuple[Policy, dict[str, Any]],
) -> None:
    policy, answers = case
    answers = {k: v for k, v in answers.items() if k != "unsure_at"} | {"unsure": True}
    expected = "share_urgently" if answers.get("immediate_risk") is True else "seek_advice"
    assert evaluate(policy, answers).outcome == expected


@SETTINGS
@given(policy_and_answers())
def test_sharing_without_consent_always_has_an_article_6_basis(
    case: tuple[Policy, dict[str, Any]],
) -> None:
    policy, answers = case
    result = evaluate(policy, answers)
    if result.outcome != "share_without_consent":
        return
    accepted = [c for c in result.lawful_bases if c.accepted]
    assert any(c.family == "uk-gdpr-art6" for c in accepted)
    if answers.get("special_category") is True:
        assert any(c.family in {"uk-gdpr-art9", "dpa-2018-sch1"} for c in accepted)
    bases = catalogue().bases
    assert all(bases[c.id].without_consent for c in accepted)


@SETTINGS
@given(policy_and_answers())
def test_a_public_authority_never_shares_on_recognised_or_legitimate_interests_alone(
    case: tuple[Policy, dict[str, Any]],
) -> None:
    policy, answers = case
    answers = {k: v for k, v in answers.items() if k != "public_authority"}
    bases = catalogue().bases
    for given_answers in (answers, {**answers, "public_authority": True}):
        result = evaluate(policy, given_answers)
        for check in result.lawful_bases:
            if bases[check.id].public_authority_unavailable:
                assert not check.accepted
        if result.outcome == "share_without_consent":
            art6 = [c for c in result.lawful_bases if c.accepted and c.family == "uk-gdpr-art6"]
            assert art6 and not any(bases[c.id].public_authority_unavailable for c in art6)


@SETTINGS
@given(policy_and_answers(), st.sampled_from(["refused", "withdrawn"]))
def test_vital_interests_for_special_category_data_never_follows_a_refusal(
    case: tuple[Policy, dict[str, Any]], consent: str
) -> None:
    policy, answers = case
    ids = [*(answers.get("lawful_bases") or []), "art9-c-vital-interests"]
    result = evaluate(policy, {**answers, "consent": consent, "lawful_bases": ids})
    for check in result.lawful_bases:
        if check.id == "art9-c-vital-interests":
            assert not check.accepted


@SETTINGS
@given(policy_and_answers())
def test_criminal_offence_data_is_never_shared_without_a_schedule_1_condition(
    case: tuple[Policy, dict[str, Any]],
) -> None:
    policy, answers = case
    result = evaluate(policy, {**answers, "criminal_offence_data": True})
    if result.outcome == "share_without_consent":
        bases = catalogue().bases
        assert any(
            bases[c.id].criminal_offence_condition for c in result.lawful_bases if c.accepted
        )


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children)
    ),
    max_leaves=5,
)


@SETTINGS
@given(
    st.sampled_from(POLICIES),
    st.dictionaries(
        st.sampled_from(
            [
                "immediate_risk",
                "consent",
                "lawful_bases",
                "unsure",
                "unsure_at",
                "public_authority",
                "subject_is_adult",
                "criminal_offence_data",
                "x",
            ]
        ),
        JSONISH,
    ),
)
def test_bad_input_is_an_answer_error_never_anything_else(
    policy: Policy, answers: dict[str, Any]
) -> None:
    try:
        result = evaluate(policy, answers)
    except AnswerError as exc:
        assert exc.key in answers
    else:
        assert result.outcome in OUTCOMES


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_every_combination_of_the_standard_answers(policy: Policy) -> None:
    """Exhaustive over the flow's own answers (lawful bases from a small representative set)."""
    basis_sets: list[list[str]] = [
        [],
        ["art6-e-public-task"],
        ["art6-e-public-task", "dpa-sch1-para18"],
        ["art6-a-consent", "art9-a-explicit-consent"],
    ]
    count = 0
    for risk in (None, True, False):
        for purpose in (None, "yes", "no", "unsure"):
            for ident in (None, True, False):
                for consent in (None, "given", "refused", "not_sought", "not_appropriate"):
                    for special in (None, True, False):
                        for ids in [None, *basis_sets]:
                            answers = {
                                "immediate_risk": risk,
                                "legitimate_purpose": purpose,
                                "identifiable": ident,
                                "consent": consent,
                                "special_category": special,
                                "lawful_bases": ids,
                            }
                            result = evaluate(policy, answers)
                            count += 1
                            if risk is True:
                                assert result.outcome == "share_urgently"
                            elif risk is False and purpose == "no":
                                assert result.outcome == "do_not_share"
    assert count == 3 * 4 * 3 * 5 * 3 * 5
