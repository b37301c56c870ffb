"""Telling the family later on a decision's page, for the decisions app's templates (which
sit a layer below and do not know of families): `{% load families %}{% decision_told decision %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from safeshare.accounts.http import user_of
from safeshare.decisions.models import Decision
from safeshare.families import permissions
from safeshare.families.queries import current_review_on, reviews_of, told_of

register = template.Library()


@register.inclusion_tag("families/includes/decision.html", takes_context=True)
def decision_told(context: template.Context, decision: Decision) -> dict[str, Any]:
    """Told on ... by ... (recorded later by ..., on ...), the reviews since the decision,
    and the links to record either, for a finalised decision whose family was not told."""
    user = user_of(context.get("request"))
    if user is None or not decision.is_finalised or decision.subject_informed is not False:
        return {"show": False}
    told = told_of(decision)
    review_on = current_review_on(decision)
    return {
        "show": True,
        "decision": decision,
        "told": told,
        "reviews": reviews_of(decision),
        "review_on": review_on,
        "due": told is None and review_on is not None and review_on <= timezone.localdate(),
        "can_record": told is None and permissions.can_record(user, decision),
    }
