"""Pieces of other apps' pages: the header link to what was shared with the user, and the
"Disclosures" section of a decision page (so neither app's views need to know about them)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import Resolver404, resolve

from safeshare.accounts.http import user_of
from safeshare.accounts.permissions import can_view_case_records
from safeshare.decisions.models import Channel, Decision
from safeshare.disclosures import permissions
from safeshare.disclosures.models import Disclosure
from safeshare.disclosures.queries import (
    disclosures_answering,
    disclosures_of_decision,
    unopened_count,
)
from safeshare.vocabulary.models import SHARING_OUTCOMES

register = template.Library()


@register.inclusion_tag("disclosures/includes/navigation.html", takes_context=True)
def disclosures_navigation(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = user_of(request)
    if request is None or user is None or not can_view_case_records(user):
        return {"show": False}
    try:
        active = resolve(request.path_info).namespace == "disclosures"
    except Resolver404:
        active = False
    count = unopened_count(user)
    return {
        "show": True,
        "active": active,
        "text": f"Shared with you ({count} new)" if count else "Shared with you",
    }


@register.inclusion_tag("disclosures/includes/decision.html", takes_context=True)
def decision_disclosures(context: template.Context, decision: Decision) -> dict[str, Any]:
    """What the user's organisation sent from this decision, and what happened to each."""
    request = context.get("request")
    user = user_of(request)
    if request is None or user is None or decision.outcome not in SHARING_OUTCOMES:
        return {"show": False}
    rows = [
        {"disclosure": d, "can_revoke": permissions.can_revoke(user, d)}
        for d in disclosures_of_decision(user, decision)
    ]
    return {
        "show": True,
        "decision": decision,
        "rows": rows,
        "can_send": permissions.can_send(user, decision),
    }


@register.simple_tag(takes_context=True)
def request_disclosures(context: template.Context, decisions: list[Decision]) -> dict[Any, Any]:
    """The disclosures sent from a request's answering decisions that the user may know
    of, loaded once for the page: `{% request_disclosures decisions as sent %}`."""
    user = user_of(context.get("request"))
    return {} if user is None else disclosures_answering(user, decisions)


@register.inclusion_tag("disclosures/includes/response.html", takes_context=True)
def response_disclosures(
    context: template.Context, decision: Decision, sent: dict[Any, list[Disclosure]]
) -> dict[str, Any]:
    """On a request's page, for one answering decision shared through safeshare: to whom it
    was sent, when, and what happened to it. Never the items themselves: in-system sharing
    has one path, a disclosure that only its named recipient opens (ADR 0007)."""
    request = context.get("request")
    user = user_of(request)
    if (
        request is None
        or user is None
        or decision.outcome not in SHARING_OUTCOMES
        or decision.channel != Channel.IN_SYSTEM
    ):
        return {"show": False}
    rows = [
        {"disclosure": d, "can_open": permissions.can_open(user, d)}
        for d in sent.get(decision.pk, [])
    ]
    return {
        "show": True,
        "decision": decision,
        "rows": rows,
        "sender_side": decision.organisation_id == user.organisation_id,
        "can_send": permissions.can_send(user, decision),
    }
