from typing import Any

from django.urls import reverse

from safeshare.disclosures import actions as disclosure_actions
from safeshare.requests import actions
from safeshare.vocabulary.models import Purpose
from tests.access import Rule, World
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import ITEM_TEXT, DecisionFactory
from tests.factories.disclosures import DisclosureFactory

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
    return {"request": request, **_answered_in_system(world)}


def _answered_in_system(world: World) -> dict[str, Any]:
    """A request from the disclosure recipient's organisation (tests/disclosures/access.py),
    answered by a decision shared through safeshare and sent to the recipient by name."""
    practitioner = world.decision.started_by
    recipient = world.extra["recipient"]
    asked = actions.raise_request(
        actor=recipient,
        to_organisation=world.person.organisation,
        details={
            # No name: the revoked recipient asked, and the matrix checks they see no "Lily".
            "subject_details": "The Year 4 child we discussed at the strategy meeting",
            "purpose_category": Purpose.objects.get(name="Section 47 enquiry (child protection)"),
            "purpose": "Section 47 enquiry",
            "information_needed": "Injuries seen at school",
            "why_needed": "Strategy discussion",
            "urgency": "urgent",
            "statutory_basis": "ca1989_s47",
            "statutory_basis_detail": "",
        },
    )
    decision = DecisionFactory.create(
        started_by=practitioner, subject=world.person, request=asked, in_system=True, finalised=True
    )
    disclosure = DisclosureFactory.create(
        decision=decision, recipient=recipient, message="", expires_in_days=7
    )
    revoke_first = world.extra["revoke_disclosure"]

    def revoke_both() -> None:
        revoke_first()
        disclosure_actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent in error")

    return {"answered_in_system": asked, "revoke_disclosure": revoke_both}


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
    "requests:show": [
        Rule("get", _url("show"), 200, 404),
        # Answered through safeshare: the requester's named recipient, before and after the
        # disclosure is revoked, sees the request (theirs) but never the items' text.
        Rule(
            "get",
            lambda w: reverse("requests:show", args=[w.extra["answered_in_system"].pk]),
            200,
            404,
            roles={"recipient": 200, "revoked_recipient": 200},
            shows_shared_subject=True,
            hides=lambda w: ITEM_TEXT,
        ),
    ],
    "requests:assign": [Rule("get", _url("assign"), 200, 404, roles=CANNOT_RECORD)],
    "requests:respond": [Rule("get", _url("respond"), 200, 404, roles=CANNOT_RECORD)],
    # Only the requesting side adds information or withdraws.
    "requests:new_information": [Rule("get", _url("new_information"), 403, 404)],
    "requests:withdraw": [Rule("post", _url("withdraw"), 403, 404)],
}
