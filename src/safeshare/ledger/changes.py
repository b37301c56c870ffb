"""A change an actor made, entered in the ledger in the name of the actor's organisation.

The entry the other apps' actions append after their change, inside their own
transaction: in the actor's organisation's name unless `organisation` names another (an
account's own, a token's holder's), and with no actor for the service's own changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

from safeshare.accounts.models import Organisation, User
from safeshare.ledger.actions import append_entry
from safeshare.ledger.models import Entry


def record_change(
    event_type: str,
    *,
    actor: User | None,
    obj: models.Model,
    payload: Mapping[str, str | int | bool | None] | None = None,
    organisation: Organisation | None = None,
) -> Entry:
    """Append `event_type` on `obj`, by `actor`, for `organisation`, by default the
    actor's (none for an entry with neither)."""
    if organisation is None and actor is not None:
        organisation = actor.organisation
    return append_entry(
        event_type=event_type,
        actor=actor,
        organisation=organisation,
        obj=obj,
        payload=payload,
    )
