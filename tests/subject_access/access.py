"""The organisation's information governance lead only. Another organisation's request or
person answers 404 to everyone; the owning organisation's other case roles get 403, and
the auditor and administrator (no case role) the outsider's 404."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.access import Rule, World
from tests.subject_access.helpers import decision_naming_a_third_party, ig_lead_of, log_request

IG = {"ig_lead": 200}


def extra(world: World) -> dict[str, Any]:
    practitioner = world.decision.started_by
    decision = decision_naming_a_third_party(practitioner, world.person)
    sar = log_request(ig_lead_of(practitioner, "matrix-sar-ig"), world.person)
    return {"sar": sar, "sar_item": decision.items.get(identifies_third_party=True)}


def _sar(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"subject_access:{name}", args=[w.extra["sar"].pk])


def _on_sar(name: str, *, post: bool = False) -> list[Rule]:
    rules = [Rule("get", _sar(name), 403, 404, roles=IG)]
    if post:
        # An empty form is answered with its errors, and nothing is written.
        rules.append(Rule("post", _sar(name), 403, 404, roles=IG))
    return rules


def _new(w: World) -> str:
    return reverse("subject_access:new", args=[w.person.pk])


def _redact(w: World) -> str:
    return reverse("subject_access:redact", args=[w.extra["sar"].pk, w.extra["sar_item"].pk])


def _redact_other_item(w: World) -> str:
    # An item of a decision not about the request's person: 404 even to the IG lead.
    return reverse("subject_access:redact", args=[w.extra["sar"].pk, w.decision.pk])


RULES = {
    "subject_access:index": [
        Rule("get", lambda w: reverse("subject_access:index"), 403, 403, roles=IG)
    ],
    "subject_access:find_person": [
        Rule("get", lambda w: reverse("subject_access:find_person"), 403, 403, roles=IG),
        Rule(
            "post",
            lambda w: reverse("subject_access:find_person"),
            403,
            403,
            roles=IG,
            data=lambda w: {"q": "Lily"},
        ),
    ],
    "subject_access:new": [
        Rule("get", _new, 403, 404, roles=IG),
        Rule("post", _new, 403, 404, roles=IG),
    ],
    "subject_access:show": _on_sar("show"),
    "subject_access:extend": _on_sar("extend", post=True),
    "subject_access:redact": [
        Rule("get", _redact, 403, 404, roles=IG),
        Rule("post", _redact, 403, 404, roles=IG),
        Rule("get", _redact_other_item, 403, 404, roles={"ig_lead": 404}),
    ],
    "subject_access:sign_off": _on_sar("sign_off", post=True),
    "subject_access:pack": _on_sar("pack"),
    "subject_access:pack_csv": _on_sar("pack_csv"),
    "subject_access:pack_pdf": _on_sar("pack_pdf"),
}
