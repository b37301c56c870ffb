"""The advice on a draft's pages, for the decisions app's templates (which sit a layer
below and do not know of advice): `{% load advice %}{% draft_advice decision %}`."""

from __future__ import annotations

from typing import Any

from django import template

from safeshare.accounts.http import user_of
from safeshare.advice import permissions
from safeshare.advice.queries import requests_of_decision
from safeshare.decisions.models import Decision

register = template.Library()


@register.inclusion_tag("advice/includes/draft.html", takes_context=True)
def draft_advice(context: template.Context, decision: Decision) -> dict[str, Any]:
    """The advice asked about this draft and the answers, and the link to ask."""
    user = user_of(context.get("request"))
    if user is None or decision.is_finalised:
        return {"show": False}
    return {
        "show": True,
        "decision": decision,
        "rows": requests_of_decision(user, decision),
        "can_ask": permissions.can_ask(user, decision),
    }


@register.inclusion_tag("advice/includes/ask_link.html", takes_context=True)
def ask_advice_link(
    context: template.Context, decision: Decision, question_id: str = ""
) -> dict[str, Any]:
    """ "Ask for advice" on a page of a draft, for those who may ask (can_ask); from a
    guided question, `question_id` starts the question for them."""
    user = user_of(context.get("request"))
    show = user is not None and not decision.is_finalised and permissions.can_ask(user, decision)
    return {"show": show, "decision": decision, "question_id": question_id}
