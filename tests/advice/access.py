"""Advice: the draft's editors ask (the IG lead, who does not edit drafts, gets 403); a
request is seen by its asker, the colleagues who may carry the draft on and the advisers it
is addressed to (here the organisation's managers), and is a 404 to everyone else; only an
adviser answers (the asker's POST is a 403). The queue is every case role's own (empty for
an outsider); the auditor and administrator, with no case role, get 403."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeshare.advice import actions
from safeshare.advice.models import AdviserKind
from tests.access import Rule, World
from tests.factories import UserFactory

NO_CASE_ROLE = {"auditor": 403, "administrator": 403}


def extra(world: World) -> dict[str, Any]:
    practitioner = world.decision.started_by
    # Someone to address: the matrix's own manager is made after the extras.
    UserFactory.create(organisation=practitioner.organisation, manager=True)
    kinds: dict[str, Any] = {}
    for name, shared in [("advice", False), ("advice_shared", True)]:
        kinds[name] = actions.ask_advice(
            actor=practitioner,
            decision=world.decision,
            adviser_kind=AdviserKind.MANAGER,
            question=f"Can I share? ({name})",
            share_identities=shared,
            urgency="standard",
        )
    return kinds


def _show(key: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse("advice:show", args=[w.extra[key].pk])


def _ask(w: World) -> str:
    return reverse("advice:ask", args=[w.decision.pk])


RULES = {
    "advice:queue": [Rule("get", lambda w: reverse("advice:queue"), 200, 200, roles=NO_CASE_ROLE)],
    "advice:ask": [
        Rule("get", _ask, 200, 404, roles={"ig_lead": 403}),
        # An empty form is answered with its errors, and nothing is written.
        Rule("post", _ask, 200, 404, roles={"ig_lead": 403}),
    ],
    "advice:asked": [
        Rule(
            "get",
            lambda w: reverse("advice:asked", args=[w.extra["advice"].pk]),
            200,
            404,
            roles={"ig_lead": 404},
        )
    ],
    "advice:show": [
        Rule("get", _show("advice"), 200, 404, roles={"ig_lead": 404}),
        # The shared request shows Lily to its asker and its adviser, each read recorded.
        Rule("get", _show("advice_shared"), 200, 404, roles={"ig_lead": 404}),
        # Answering: the adviser's empty answer gets its error; the asker may not answer.
        Rule("post", _show("advice"), 403, 404, roles={"manager": 200, "ig_lead": 404}),
    ],
}
