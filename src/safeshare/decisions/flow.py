"""The one seam between the wizard and the guidance engine.

Views and actions ask this module for the policy, the next question and the outcome, and
never look inside the engine; changing how the guidance is evaluated changes nothing here
but this file.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from safeshare import guidance
from safeshare.guidance import (
    NONE_VALUE,
    UNSURE_VALUE,
    AnswerError,
    Evaluation,
    Policy,
    PolicyError,
    Question,
)
from safeshare.policies import selection
from safeshare.policies.selection import PolicyUnavailable

__all__ = [
    "NONE_VALUE",
    "UNSURE_VALUE",
    "AnswerError",
    "Evaluation",
    "Policy",
    "PolicyError",
    "PolicyUnavailable",
    "Question",
    "apply_answer",
    "current_policy",
    "next_step",
    "policy_named",
]


def current_policy() -> Policy:
    """The policy new decisions follow: the one an administrator activated most recently
    (safeshare.policies), or SAFESHARE_POLICY (else the engine's default) when none has
    been. Raises PolicyUnavailable when the activated file has changed or gone since."""
    return selection.current_policy()


def policy_named(policy_id: str) -> Policy:
    """A draft keeps the policy it started with, so its questions do not shift under it."""
    return guidance.load_policy(policy_id, extra_dirs=tuple(settings.SAFESHARE_POLICY_DIRS))


def next_step(policy: Policy, answers: Mapping[str, object]) -> Evaluation:
    """The next question, or the outcome with its reasons, for the answers so far."""
    return guidance.evaluate(policy, answers)


def apply_answer(
    policy: Policy, answers: Mapping[str, object], question_id: str, submitted: str | list[str]
) -> dict[str, object]:
    return guidance.apply_form_answer(policy, answers, question_id, submitted)
