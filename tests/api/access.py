"""Access rules for the API (namespace "api", called with a token) and the token pages
(namespace "api_tokens", signed in)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeshare.api import actions
from safeshare.vocabulary.models import Purpose
from tests.access import Rule, World
from tests.factories import OrganisationFactory

NO_CASE_ROLE = {"auditor": 403, "administrator": 403}
# Only the token's owner sees it: the owning organisation's other users get 404 as well.
NOT_YOURS = {"manager": 404, "ig_lead": 404}


def _token_url(world: World) -> str:
    """A token of the owning organisation's practitioner, made when a rule needs it (not
    in `extra`, which runs for every rule of every app)."""
    if "api_token" not in world.extra:
        token, _secret = actions.create_token(actor=world.decision.started_by, name="Export")
        world.extra["api_token"] = token
    return reverse("api_tokens:revoke", args=[world.extra["api_token"].pk])


def _raise_request(world: World) -> dict[str, Any]:
    # No name here: the matrix checks that nobody outside the owning organisation's case
    # roles gets "Lily" back, and this request goes to a third agency from each visitor.
    return {
        "to_organisation": str(OrganisationFactory.create(name="Ashby Road Medical Practice").pk),
        "purpose_category": Purpose.objects.get(name="Early help assessment").pk,
        "subject_details": "A child at Riverside Primary School, born 4 May 2016",
        "purpose": "Early help assessment",
        "information_needed": "Registered GP and recent attendances",
        "why_needed": "To plan support",
        "urgency": "standard",
        "statutory_basis": "none",
    }


def _api(method: str, url: Any, own: int, other: int, **kwargs: Any) -> Rule:
    kwargs.setdefault("anonymous", 401)
    return Rule(method, url, own, other, auth="token", **kwargs)


RULES = {
    # The OpenAPI document: for token holders and signed-in users, whatever their role.
    "api:openapi-json": [
        _api("get", lambda w: reverse("api:openapi-json"), 200, 200),
        Rule("get", lambda w: reverse("api:openapi-json"), 200, 200, anonymous=401),
    ],
    # django-ninja's root pattern only names the base URL; it answers 404 to everyone.
    "api:api-root": [_api("get", lambda w: reverse("api:api-root"), 404, 404, anonymous=404)],
    "api:people_search": [
        _api(
            "post",
            lambda w: reverse("api:people_search"),
            200,
            200,
            data=lambda w: {"query": "Lily"},
            roles=NO_CASE_ROLE,
        )
    ],
    "api:person": [_api("get", lambda w: reverse("api:person", args=[w.person.pk]), 200, 404)],
    "api:person_decisions": [
        _api("get", lambda w: reverse("api:person_decisions", args=[w.person.pk]), 200, 404)
    ],
    "api:decision": [
        _api("get", lambda w: reverse("api:decision", args=[w.decision.pk]), 200, 404)
    ],
    "api:requests": [
        _api(
            "get",
            lambda w: reverse("api:requests"),
            200,
            200,
            data=lambda w: {"direction": "incoming", "status": "all"},
            roles=NO_CASE_ROLE,
        )
    ],
    # Raising a request is recording a decision's counterpart: not for an IG lead.
    "api:requests_create": [
        _api(
            "post",
            lambda w: reverse("api:requests_create"),
            201,
            201,
            data=_raise_request,
            roles={**NO_CASE_ROLE, "ig_lead": 403},
        )
    ],
    # The request from tests/requests/access.py: to the owning organisation from a third.
    "api:request": [
        _api("get", lambda w: reverse("api:request", args=[w.extra["request"].pk]), 200, 404)
    ],
    # "Shared with you" (tests/disclosures/access.py sends the owning organisation's decision
    # to "recipient"): the list names no one; the content and acknowledging are for the
    # named recipient only, until revoked.
    "api:disclosures_received": [
        _api("get", lambda w: reverse("api:disclosures_received"), 200, 200, roles=NO_CASE_ROLE)
    ],
    "api:disclosure": [
        _api(
            "get",
            lambda w: reverse("api:disclosure", args=[w.extra["disclosure"].pk]),
            404,
            404,
            roles={"recipient": 200, "revoked_recipient": 404},
            shows_shared_subject=True,
        )
    ],
    "api:disclosure_acknowledge": [
        _api(
            "post",
            lambda w: reverse("api:disclosure_acknowledge", args=[w.extra["disclosure"].pk]),
            404,
            404,
            roles={"recipient": 200, "revoked_recipient": 404},
        )
    ],
    # No case content: every token holder may fetch it.
    "api:ledger_checkpoint": [_api("get", lambda w: reverse("api:ledger_checkpoint"), 200, 200)],
    "api_tokens:index": [Rule("get", lambda w: reverse("api_tokens:index"), 200, 200)],
    "api_tokens:new": [Rule("get", lambda w: reverse("api_tokens:new"), 200, 200)],
    "api_tokens:created": [Rule("get", lambda w: reverse("api_tokens:created"), 200, 200)],
    "api_tokens:revoke": [
        Rule(
            "get",
            _token_url,
            200,
            404,
            roles=NOT_YOURS,
        ),
        Rule(
            "post",
            _token_url,
            302,
            404,
            roles=NOT_YOURS,
        ),
    ],
}
