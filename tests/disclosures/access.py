"""Access rules for disclosures. The world gains a finalised "share" decision of the owning
organisation, sent to a practitioner of a third organisation (the "recipient" column);
for "revoked_recipient" the same disclosure is revoked before the request."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import OrganisationKind
from safeshare.disclosures import actions
from tests.access import Rule, World
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.factories.disclosures import DisclosureFactory

# Sending is recording a decision: not for an IG lead (docs/permissions.md).
CANNOT_RECORD = {"ig_lead": 403}


def extra(world: World) -> dict[str, Any]:
    practitioner = world.decision.started_by
    decision = DecisionFactory.create(
        started_by=practitioner, subject=world.person, share=True, finalised=True
    )
    recipient = UserFactory.create(
        organisation=OrganisationFactory.create(
            name="Northshire Children's Social Care",
            kind=OrganisationKind.CHILDRENS_SOCIAL_CARE,
        ),
        username="matrix-recipient",
    )
    disclosure = DisclosureFactory.create(decision=decision, recipient=recipient, message="")

    def revoke() -> None:
        actions.revoke(actor=practitioner, disclosure=disclosure, reason="Sent in error")

    return {
        "disclosure_decision": decision,
        "disclosure": disclosure,
        "recipient": recipient,
        "revoke_disclosure": revoke,
    }


def _disclosure(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"disclosures:{name}", args=[w.extra["disclosure"].pk])


def _compose(w: World) -> str:
    return reverse(
        "disclosures:compose",
        args=[w.extra["disclosure_decision"].pk, w.extra["recipient"].organisation_id],
    )


def _send(w: World) -> dict[str, Any]:
    day = timezone.localdate() + datetime.timedelta(days=7)
    return {
        "action": "send",
        "recipient": str(w.extra["recipient"].pk),
        "items": [str(i.pk) for i in w.extra["disclosure_decision"].items.all()],
        "message": "",
        "expires_on_0": str(day.day),
        "expires_on_1": str(day.month),
        "expires_on_2": str(day.year),
    }


RULES = {
    # Anyone with a case role has a list (empty unless something was sent to them by name);
    # it names no one, so the recipient columns are checked for leaks here too.
    "disclosures:received": [
        Rule(
            "get",
            lambda w: reverse("disclosures:received"),
            200,
            200,
            roles={"auditor": 403, "administrator": 403},
        )
    ],
    "disclosures:new": [
        Rule(
            "get",
            lambda w: reverse("disclosures:new", args=[w.extra["disclosure_decision"].pk]),
            200,
            404,
            roles=CANNOT_RECORD,
        )
    ],
    "disclosures:compose": [
        Rule("get", _compose, 200, 404, roles=CANNOT_RECORD),
        Rule("post", _compose, 302, 404, data=_send, roles=CANNOT_RECORD),
    ],
    "disclosures:sent": [Rule("get", _disclosure("sent"), 200, 404)],
    # The content: the named recipient only, until revoked. The sending organisation sees
    # its own record on the decision page, not the recipient's page.
    "disclosures:show": [
        Rule(
            "get",
            _disclosure("show"),
            404,
            404,
            roles={"recipient": 200, "revoked_recipient": 404},
            shows_shared_subject=True,
        )
    ],
    # Acknowledging answers with a redirect back to the content page.
    "disclosures:acknowledge": [
        Rule(
            "post",
            _disclosure("acknowledge"),
            404,
            404,
            roles={"recipient": 302, "revoked_recipient": 404},
        )
    ],
    "disclosures:revoke": [
        Rule("get", _disclosure("revoke"), 200, 404),
        Rule("post", _disclosure("revoke"), 302, 404, data=lambda w: {"reason": "Sent in error"}),
    ],
}
