from django.db import transaction
from django.urls import reverse

from safeshare.ledger.actions import append_entry, sign_checkpoint
from tests.access import Rule, World


def _signed_checkpoint_url(world: World) -> str:
    return reverse("ledger:checkpoint_at", args=[sign_checkpoint().size])


def _proof_url(world: World) -> str:
    """A proof of an entry about the owning organisation's person."""
    with transaction.atomic():
        entry = append_entry(
            event_type="subjects.person.added",
            actor=None,
            organisation=world.person.organisation,
            obj=world.person,
        )
    return reverse("ledger:proof", args=[entry.uuid])


# Checkpoints and the verifier key are public by design: sizes and hashes only.
RULES = {
    "ledger:checkpoint": [
        Rule("get", lambda w: reverse("ledger:checkpoint"), 200, 200, anonymous=200)
    ],
    "ledger:checkpoint_at": [Rule("get", _signed_checkpoint_url, 200, 200, anonymous=200)],
    "ledger:key": [Rule("get", lambda w: reverse("ledger:key"), 200, 200, anonymous=200)],
    "ledger:proof": [Rule("get", _proof_url, 200, 404)],
}

# The witnesses page: the service's administrators only (a 403 to every case role, the
# auditor and another organisation's practitioner; sign in first).
RULES["ledger:witnesses"] = [
    Rule("get", lambda w: reverse("ledger:witnesses"), 403, 403, roles={"administrator": 200})
]
