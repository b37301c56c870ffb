"""The consent register on a draft's pages, for the decisions app's templates (which sit a
layer below and do not know of consent): `{% load consent %}{% draft_consent decision %}`."""

from __future__ import annotations

from typing import Any

from django import template

from safeshare.accounts.http import user_of
from safeshare.consent.queries import current_entry_of
from safeshare.decisions.models import Decision
from safeshare.decisions.permissions import can_edit_draft

register = template.Library()


@register.inclusion_tag("consent/includes/draft.html", takes_context=True)
def draft_consent(context: template.Context, decision: Decision) -> dict[str, Any]:
    """The entry the draft relies on (flagged when withdrawn or expired), and the link to
    choose from the register."""
    user = user_of(context.get("request"))
    if user is None or decision.is_finalised:
        return {"show": False}
    return {
        "show": True,
        "decision": decision,
        "entry": current_entry_of(decision),
        "can_choose": can_edit_draft(user, decision),
    }
