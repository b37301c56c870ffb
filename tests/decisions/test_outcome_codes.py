"""The outcome a decision stores is an outcome the guidance engine returns, and back.

The engine defines its outcome codes (`safeshare.guidance.model.OUTCOMES`); the decisions
model's `Outcome` choices are what a decision can store. One exception, on purpose:
`incomplete` is an engine outcome and not a model choice. It means "more answers needed",
never a decision: decisions/actions.py reads it as a blank outcome and refuses to
finalise a decision on it.
"""

from __future__ import annotations

from safeshare.guidance import model as engine
from safeshare.vocabulary.models import SHARING_OUTCOMES, Outcome

# Engine outcomes that a decision never stores, each with the reason above.
NOT_STORED = frozenset({"incomplete"})


def test_every_model_outcome_is_an_engine_outcome() -> None:
    assert set(Outcome.values) <= set(engine.OUTCOMES)


def test_every_engine_outcome_is_a_model_choice_but_incomplete() -> None:
    assert set(engine.OUTCOMES) - NOT_STORED == set(Outcome.values)
    assert set(engine.OUTCOMES) - NOT_STORED == engine.DECIDED_OUTCOMES


def test_the_sharing_outcomes_are_the_engines() -> None:
    assert set(SHARING_OUTCOMES) == engine.SHARING_OUTCOMES


def test_the_model_labels_are_the_engines_default_titles() -> None:
    assert dict(Outcome.choices) == {
        code: title for code, title in engine.OUTCOME_TITLES.items() if code not in NOT_STORED
    }
