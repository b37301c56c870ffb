"""apply_form_answer: what the web wizard calls with each submitted page."""

from __future__ import annotations

import pytest

from safeshare.guidance import AnswerError, apply_form_answer, evaluate, load_policy

POLICY = load_policy("hmg-2024")


def test_it_turns_yes_and_no_into_booleans() -> None:
    answers = apply_form_answer(POLICY, {}, "immediate_risk", "no")
    assert answers == {"immediate_risk": False}
    assert apply_form_answer(POLICY, answers, "immediate_risk", "yes")["immediate_risk"] is True


def test_it_returns_a_new_dict() -> None:
    before = {"immediate_risk": False}
    after = apply_form_answer(POLICY, before, "legitimate_purpose", "yes")
    assert before == {"immediate_risk": False}
    assert after == {"immediate_risk": False, "legitimate_purpose": "yes"}


def test_it_keeps_choice_values_and_lists_of_bases() -> None:
    answers = apply_form_answer(POLICY, {}, "consent", "refused")
    assert answers["consent"] == "refused"
    answers = apply_form_answer(
        POLICY, answers, "lawful_bases", ["art6-e-public-task", "ca1989-s47", "art6-e-public-task"]
    )
    assert answers["lawful_bases"] == ["art6-e-public-task", "ca1989-s47"]
    assert apply_form_answer(POLICY, answers, "lawful_bases", ["none"])["lawful_bases"] == []


def test_im_not_sure_sets_the_flag_and_answering_clears_it() -> None:
    answers = {"immediate_risk": False, "legitimate_purpose": "yes", "identifiable": True}
    unsure = apply_form_answer(POLICY, answers, "consent", "unsure")
    assert unsure["unsure"] is True and unsure["unsure_at"] == "consent"
    assert evaluate(POLICY, unsure).outcome == "seek_advice"
    # Answering a different question leaves the flag alone ...
    still = apply_form_answer(POLICY, unsure, "identifiable", "yes")
    assert still["unsure"] is True
    # ... answering the question they were unsure about clears it.
    answered = apply_form_answer(POLICY, still, "consent", "given")
    assert "unsure" not in answered and "unsure_at" not in answered
    assert evaluate(POLICY, answered).outcome == "share_with_consent"


def test_legitimate_purpose_unsure_is_an_option_not_the_flag() -> None:
    answers = apply_form_answer(POLICY, {}, "legitimate_purpose", "unsure")
    assert answers == {"legitimate_purpose": "unsure"}


def test_later_answers_are_kept_when_an_earlier_one_changes() -> None:
    answers = {"immediate_risk": False, "legitimate_purpose": "yes", "identifiable": True}
    answers = apply_form_answer(POLICY, {**answers, "consent": "given"}, "identifiable", "no")
    assert answers["consent"] == "given"
    assert evaluate(POLICY, answers).outcome == "share"


@pytest.mark.parametrize(
    ("question_id", "submitted", "message"),
    [
        ("immediate_risk", "", "Select yes if a child is at immediate risk of significant harm"),
        ("immediate_risk", "maybe", "Select yes if a child is at immediate risk"),
        ("immediate_risk", ["yes", "no"], "Select yes if a child is at immediate risk"),
        ("consent", "perhaps", "Select whether you are relying on consent"),
        ("lawful_bases", [], "Select the lawful bases that apply, or select none of these"),
        ("lawful_bases", ["none", "art6-e-public-task"], "Select the lawful bases that apply"),
        ("lawful_bases", ["art99"], "Select the lawful bases that apply"),
        ("legitimate_purpose", "unsure-ish", "Select whether there is a clear"),
    ],
)
def test_invalid_values_give_a_message_a_practitioner_understands(
    question_id: str, submitted: str | list[str], message: str
) -> None:
    with pytest.raises(AnswerError) as info:
        apply_form_answer(POLICY, {}, question_id, submitted)
    assert info.value.key == question_id
    assert info.value.message.startswith(message)


def test_an_unknown_question_is_an_answer_error() -> None:
    with pytest.raises(AnswerError):
        apply_form_answer(POLICY, {}, "colour", "red")
