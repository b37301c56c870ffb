"""The consent register: every case role of the person's organisation sees and records in
it; another organisation gets 404; the auditor and administrator, with no case role, 403.
Choosing consent for a draft is the draft's editors' (the IG lead, who does not edit
drafts, gets 403)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from safeshare.consent import actions
from safeshare.vocabulary.models import Purpose
from tests.access import Rule, World

NO_CASE_ROLE = {"auditor": 403, "administrator": 403}


def extra(world: World) -> dict[str, Any]:
    practitioner = world.decision.started_by
    made = {}
    for name in ("consent_entry", "consent_withdrawn"):
        made[name] = actions.record_entry(
            actor=practitioner,
            person=world.person,
            status="given",
            given_by_kind="person",
            purpose=Purpose.objects.filter(active=True).first(),
            scope=f"Attendance ({name})",
            recipients="Early help team",
            method="phone",
            obtained_on=datetime.date.today(),
        )
    actions.withdraw_entry(
        actor=practitioner,
        entry=made["consent_withdrawn"],
        by_kind="person",
        withdrawn_on=datetime.date.today(),
        method="phone",
        reason="No longer agrees",
    )
    return made


def _entry(name: str, key: str = "consent_entry"):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"consent:{name}", args=[w.person.pk, w.extra[key].pk])


def _person(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"consent:{name}", args=[w.person.pk])


def _choose(w: World) -> str:
    return reverse("consent:choose", args=[w.decision.pk])


RULES = {
    "consent:due": [Rule("get", lambda w: reverse("consent:due"), 200, 200, roles=NO_CASE_ROLE)],
    "consent:register": [Rule("get", _person("register"), 200, 404, roles=NO_CASE_ROLE)],
    "consent:new": [
        Rule("get", _person("new"), 200, 404, roles=NO_CASE_ROLE),
        # An empty form is answered with its errors, and nothing is written.
        Rule("post", _person("new"), 200, 404, roles=NO_CASE_ROLE),
    ],
    "consent:show": [Rule("get", _entry("show"), 200, 404, roles=NO_CASE_ROLE)],
    "consent:withdraw": [
        Rule("get", _entry("withdraw"), 200, 404, roles=NO_CASE_ROLE),
        Rule("post", _entry("withdraw"), 200, 404, roles=NO_CASE_ROLE),
    ],
    "consent:withdrawn": [
        Rule("get", _entry("withdrawn", "consent_withdrawn"), 200, 404, roles=NO_CASE_ROLE)
    ],
    "consent:review": [
        Rule("get", _entry("review"), 200, 404, roles=NO_CASE_ROLE),
        Rule("post", _entry("review"), 200, 404, roles=NO_CASE_ROLE),
    ],
    "consent:choose": [
        Rule("get", _choose, 200, 404, roles={**NO_CASE_ROLE, "ig_lead": 403}),
        Rule("post", _choose, 200, 404, roles={**NO_CASE_ROLE, "ig_lead": 403}),
    ],
}
