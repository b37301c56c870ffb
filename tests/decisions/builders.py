"""The decision builders of before the factories, kept for the callers not yet moved to
tests.factories.decisions.DecisionFactory (which these now call)."""

from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from tests.factories.decisions import ANSWERS, YESTERDAY, DecisionFactory, about, sharing_sections

__all__ = ["ANSWERS", "YESTERDAY", "about", "complete", "draft_for", "sharing_sections"]


def draft_for(outcome: str, user: User, person: Person, kind: str = "proactive") -> Decision:
    """A draft with everything the outcome needs, not yet finalised."""
    return DecisionFactory.create(started_by=user, subject=person, leads_to=outcome, kind=kind)


def complete(outcome: str, user: User, person: Person, kind: str = "proactive") -> Decision:
    return DecisionFactory.create(
        started_by=user, subject=person, leads_to=outcome, kind=kind, finalised=True
    )
