from typing import Any

from django.urls import reverse

from safeshare.decisions.models import Purpose
from safeshare.requests import actions
from tests.access import Rule, World
from tests.factories import OrganisationFactory, UserFactory

# Handling a request is recording a decision: not for an IG lead (docs/permissions.md).
CANNOT_RECORD = {"ig_lead": 403}


def extra(world: World) -> dict[str, Any]:
    """A request to the owning organisation from a third agency: the outsider in the matrix
    is neither side, so must not see it."""
    asker = UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Early Help")
    )
    request = actions.raise_request(
        actor=asker,
        to_organisation=world.person.organisation,
        details={
            "subject_details": "Lily Morgan, born 4 May 2016",
            "purpose_category": Purpose.objects.get(name="Early help assessment"),
            "purpose": "Early help assessment",
            "information_needed": "Attendance this term",
            "why_needed": "To plan support",
            "urgency": "standard",
            "statutory_basis": "none",
            "statutory_basis_detail": "",
        },
    )
    return {"request": request}


def _url(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"requests:{name}", args=[w.extra["request"].pk])


RULES = {
    "requests:incoming": [
        Rule(
            "get",
            lambda w: reverse("requests:incoming"),
            200,
            200,
            roles={"auditor": 403, "administrator": 403},
        )
    ],
    "requests:outgoing": [
        Rule(
            "get",
            lambda w: reverse("requests:outgoing"),
            200,
            200,
            roles={"auditor": 403, "administrator": 403},
        )
    ],
    "requests:new": [
        Rule(
            "get",
            lambda w: reverse("requests:new"),
            200,
            200,
            roles={**CANNOT_RECORD, "auditor": 403, "administrator": 403},
        )
    ],
    "requests:log": [
        Rule(
            "get",
            lambda w: reverse("requests:log"),
            200,
            200,
            roles={**CANNOT_RECORD, "auditor": 403, "administrator": 403},
        )
    ],
    "requests:show": [Rule("get", _url("show"), 200, 404)],
    "requests:assign": [Rule("get", _url("assign"), 200, 404, roles=CANNOT_RECORD)],
    "requests:respond": [Rule("get", _url("respond"), 200, 404, roles=CANNOT_RECORD)],
    # Only the requesting side adds information or withdraws.
    "requests:new_information": [Rule("get", _url("new_information"), 403, 404)],
    "requests:withdraw": [Rule("post", _url("withdraw"), 403, 404)],
}
