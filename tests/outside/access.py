"""Access rules for recipients outside safeshare. The world gains a disclosure of the
owning organisation's decision sent to a verified directory contact with no account.

Signed-in users of any organisation, and anonymous visitors, get only the code page of
the link; without the code in their own session the content, acknowledgement and PDF are
refused (403). The outside recipient itself (tests/test_access.py's
test_access_as_the_outside_recipient, at every URL): with link and code the content (200),
its acknowledgement and the PDF; after revocation or expiry 410 with no content; anything
else as an anonymous visitor. A tampered token (404) and another disclosure's session (403)
are in tests/outside/test_views.py."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import OrganisationKind
from safeshare.outside import actions
from tests.access import Rule, World
from tests.factories import OrganisationFactory
from tests.factories.decisions import DecisionFactory
from tests.factories.outside import OutsideContactFactory

CANNOT_RECORD = {"ig_lead": 403}


def extra(world: World) -> dict[str, Any]:
    practitioner = world.decision.started_by
    decision = DecisionFactory.create(
        started_by=practitioner, subject=world.person, share=True, finalised=True
    )
    contact = OutsideContactFactory.create(
        organisation=OrganisationFactory.create(
            name="Northshire Housing", kind=OrganisationKind.OTHER
        )
    )
    issued = actions.send_to_outside(
        actor=practitioner,
        decision=decision,
        contact=contact,
        items=list(decision.items.all()),
        message="",
        expires_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    return {"outside_decision": decision, "outside_issued": issued}


def _token(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"outside:{name}", args=[w.extra["outside_issued"].token])


def _outside(opened: int, *, gone: int) -> dict[str, int]:
    """The outside recipient with link and code; after revocation and after expiry."""
    return {
        "outside_recipient": opened,
        "revoked_outside_recipient": gone,
        "expired_outside_recipient": gone,
    }


RULES = {
    "outside:send": [
        Rule(
            "get",
            lambda w: reverse("outside:send", args=[w.extra["outside_decision"].pk]),
            200,
            404,
            roles=CANNOT_RECORD,
        )
    ],
    "outside:phoned": [
        Rule(
            "post",
            lambda w: reverse("outside:phoned", args=[w.extra["outside_issued"].disclosure.pk]),
            302,
            404,
            roles={"manager": 403, "ig_lead": 403},  # only the sender phoned it
        )
    ],
    # No sign-in: the link alone shows only the code page, naming no one.
    # The outside recipient who entered the code is sent on to the content.
    "outside:code": [
        Rule("get", _token("code"), 200, 200, anonymous=200, roles=_outside(302, gone=410))
    ],
    "outside:show": [
        Rule(
            "get",
            _token("show"),
            403,
            403,
            anonymous=403,
            roles=_outside(200, gone=410),
            shows_outside_recipient=True,
        )
    ],
    "outside:acknowledge": [
        Rule("post", _token("acknowledge"), 403, 403, anonymous=403, roles=_outside(302, gone=410))
    ],
    "outside:pdf": [
        Rule(
            "get",
            _token("pdf"),
            403,
            403,
            anonymous=403,
            roles=_outside(200, gone=410),
            shows_outside_recipient=True,
        )
    ],
}
