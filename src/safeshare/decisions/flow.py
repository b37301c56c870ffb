"""The one seam between the wizard and the guidance engine.

Views and actions ask this module for the policy, the next question and the outcome, and
never look inside the engine; changing how the guidance is evaluated changes nothing here
but this file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings

from safeshare import guidance
from safeshare.accounts.models import Organisation
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
from safeshare.subjects.models import Person

__all__ = [
    "DERIVED_ANSWERS",
    "NONE_VALUE",
    "UNSURE_VALUE",
    "AnswerError",
    "Evaluation",
    "Policy",
    "PolicyError",
    "PolicyUnavailable",
    "Question",
    "apply_answer",
    "asked",
    "current_policy",
    "next_step",
    "policy_for",
    "policy_named",
    "with_derived_answers",
]


def current_policy() -> Policy:
    """The policy new decisions follow: the one an administrator activated most recently
    (safeshare.policies), or SAFESHARE_POLICY (else the engine's default) when none has
    been. Raises PolicyUnavailable when the activated file has changed or gone since."""
    return selection.current_policy()


def policy_for(decision: object) -> Policy:
    """The policy a decision started with: its own version while that file is still
    shipped or in the partnership's directories, else the newest of its id. A deployment
    that activated an older version (safeshare.policies) records what it chose."""
    policy_id = getattr(decision, "policy_id", "")
    version = getattr(decision, "policy_version", "") or None
    dirs = tuple(settings.SAFESHARE_POLICY_DIRS)
    if version is not None:
        try:
            return guidance.load_policy(policy_id, version=version, extra_dirs=dirs)
        except PolicyError:
            pass
    return guidance.load_policy(policy_id, extra_dirs=dirs)


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


# The answers the web flow gives the engine from the record instead of asking: whether the
# organisation recording the decision is a public authority (UK GDPR Article 6(1): points
# (ea) and (f) are not for public authorities' tasks), and whether the decision is about an
# adult (the adult's path: Data Protection Act 2018 Schedule 1 paragraph 18 then needs the
# adult to be "at risk").
PUBLIC_AUTHORITY = "public_authority"
SUBJECT_IS_ADULT = "subject_is_adult"
DERIVED_ANSWERS = (PUBLIC_AUTHORITY, SUBJECT_IS_ADULT)


def about_adults(people: Iterable[Person], day: datetime.date) -> bool:
    """Whether a decision about these people follows the adult's path: only when every one
    of them is 18 or over on `day`. A decision about a child and an adult (a child and their
    parent, say) follows the child's path: paragraph 18 protects an individual "aged under
    18" without the adult's "at risk" test, and the adult's path would wrongly ask that test
    of sharing that protects the child."""
    people = list(people)
    return bool(people) and all(person.is_adult_on(day) for person in people)


def asked(answers: Mapping[str, object]) -> bool:
    """Whether any guided question has been answered (the derived answers are not asked)."""
    return any(key not in DERIVED_ANSWERS for key in answers)


def with_derived_answers(
    policy: Policy,
    answers: Mapping[str, object],
    *,
    organisation: Organisation,
    people: Iterable[Person],
    day: datetime.date,
) -> dict[str, object]:
    """The answers with the derived ones worked out afresh, each only where the policy
    accepts it (a policy that does not know one would refuse it). They are there from the
    start, so the first question is already worded for an adult."""
    new = {key: value for key, value in answers.items() if key not in DERIVED_ANSWERS}
    derived = {
        PUBLIC_AUTHORITY: organisation.public_authority,
        SUBJECT_IS_ADULT: about_adults(people, day),
    }
    new.update({key: value for key, value in derived.items() if key in policy.answer_keys})
    return new
