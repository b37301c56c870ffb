"""Telling the family later: the list is every case role's own (a practitioner's decisions, a
manager's organisation's; empty for an outsider); the auditor and administrator, with no case
role, get 403. A decision's told and review forms are for its practitioner and the
organisation's managers; it is a 404 to anyone else (the IG lead among them: it is not on
their list) and to another organisation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.access import Rule, World
from tests.factories.decisions import DecisionFactory

NO_CASE_ROLE = {"auditor": 403, "administrator": 403}


def extra(world: World) -> dict[str, Any]:
    # Shared without telling Lily's family (the factory's transparency section: risk of harm).
    not_told = DecisionFactory.create(
        started_by=world.decision.started_by, subject=world.person, share=True, finalised=True
    )
    return {"not_told": not_told}


def _form(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(name, args=[w.extra["not_told"].pk])


RULES = {
    "families:to_tell": [
        Rule("get", lambda w: reverse("families:to_tell"), 200, 200, roles=NO_CASE_ROLE),
        Rule(
            "get", lambda w: reverse("families:to_tell") + "?due=on", 200, 200, roles=NO_CASE_ROLE
        ),
    ],
    "families:told": [
        Rule("get", _form("families:told"), 200, 404, roles={"ig_lead": 404}),
        # An empty form is answered with its errors, and nothing is written.
        Rule("post", _form("families:told"), 200, 404, roles={"ig_lead": 404}),
    ],
    "families:review": [
        Rule("get", _form("families:review"), 200, 404, roles={"ig_lead": 404}),
        Rule("post", _form("families:review"), 200, 404, roles={"ig_lead": 404}),
    ],
}
