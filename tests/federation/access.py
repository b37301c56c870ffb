"""Access rules for the federation's pages and inbox (tests/factories/federation.py).

The world gains, from the pinned test peer "Westshire" (another partnership's deployment):
- a request to the owning organisation, answered by the practitioner's finalised sharing
  decision about the person and sent, signed, to the peer's requester (`fed_sent`);
- a disclosure from the peer for the owning organisation's practitioner by name, in answer
  to their request, acknowledged (`fed_received_own`);
- a disclosure from the peer for the matrix's "recipient" (a practitioner of a third
  organisation, tests/disclosures/access.py) by name, acknowledged (`fed_received`); for
  "revoked_recipient" the peer's signed revocation of it arrives before the request (the
  world's `revoke_disclosure`, chained).

The received disclosures are about a person of the other partnership, never "Lily".
Nothing here needs this deployment's key at request time (they were opened and
acknowledged while made), and the matrix sets none: the inbox answers 503 to everyone
("This deployment does not take part in federation"); with a key, an unsigned POST is a
400 (tests/federation/test_views.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.access import Rule, World
from tests.factories.federation import (
    ReceivedDisclosureFactory,
    SentDisclosureFactory,
    revoke_from_peer,
)

# Sending is recording a decision: not for an IG lead (docs/permissions.md).
CANNOT_RECORD = {"ig_lead": 403}
# Only the named recipient: the rest of their organisation's case roles get a 404.
NAMED_ONLY = {"manager": 404, "ig_lead": 404}


def extra(world: World) -> dict[str, Any]:
    practitioner = world.decision.started_by
    sent = SentDisclosureFactory.create(sent_by=practitioner, subject=world.person)
    own = ReceivedDisclosureFactory.create(recipient=practitioner, acknowledged=True)
    theirs = ReceivedDisclosureFactory.create(recipient=world.extra["recipient"], acknowledged=True)
    revoke_first = world.extra["revoke_disclosure"]

    def revoke_both() -> None:
        revoke_first()
        revoke_from_peer(theirs)

    return {
        "fed_sent": sent,
        "fed_decision": sent.decision,
        "fed_received_own": own,
        "fed_received": theirs,
        "revoke_disclosure": revoke_both,
    }


def _sent(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"federation:{name}", args=[w.extra["fed_sent"].pk])


def _received(name: str, key: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"federation:{name}", args=[w.extra[key].pk])


def _send(w: World) -> str:
    return reverse("federation:send", args=[w.extra["fed_decision"].pk])


def _check(w: World) -> dict[str, Any]:
    day = timezone.localdate() + datetime.timedelta(days=7)
    return {
        "action": "check",
        "items": [str(i.pk) for i in w.extra["fed_decision"].items.all()],
        "message": "",
        "expires_on_0": str(day.day),
        "expires_on_1": str(day.month),
        "expires_on_2": str(day.year),
    }


RULES = {
    # Public by design: the RFC 9421 signature against a pinned key is the credential.
    "federation:inbox": [
        Rule("post", lambda w: reverse("federation:inbox"), 503, 503, anonymous=503)
    ],
    # Anyone with a case role has a list (empty unless something was sent to them by name).
    "federation:received": [
        Rule(
            "get",
            lambda w: reverse("federation:received"),
            200,
            200,
            roles={"auditor": 403, "administrator": 403},
        )
    ],
    # The content: the named recipient only, while it is available; revoked, 410.
    "federation:received_show": [
        Rule("get", _received("received_show", "fed_received_own"), 200, 404, roles=NAMED_ONLY),
        Rule(
            "get",
            _received("received_show", "fed_received"),
            404,
            404,
            roles={"recipient": 200, "revoked_recipient": 410},
        ),
    ],
    "federation:received_acknowledge": [
        Rule(
            "post",
            _received("received_acknowledge", "fed_received_own"),
            302,
            404,
            roles=NAMED_ONLY,
        ),
        Rule(
            "post",
            _received("received_acknowledge", "fed_received"),
            404,
            404,
            roles={"recipient": 302, "revoked_recipient": 410},
        ),
    ],
    # The answering side: the deciding organisation's case roles; another's, 404.
    "federation:send": [
        Rule("get", _send, 200, 404, roles=CANNOT_RECORD),
        Rule("post", _send, 200, 404, data=_check, roles=CANNOT_RECORD),  # the check page
    ],
    "federation:sent_show": [Rule("get", _sent("sent_show"), 200, 404)],
    # POST without a reason: the form's error (200), after the same permission checks.
    "federation:sent_revoke": [
        Rule("get", _sent("sent_revoke"), 200, 404),
        Rule("post", _sent("sent_revoke"), 200, 404),
    ],
}
