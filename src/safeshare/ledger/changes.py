"""A change an actor made, entered in the ledger in the name of the actor's organisation.

The entry most actions append after their change, inside their own transaction. (An entry
made for another organisation, or by the service with no actor, calls `append_entry`.)
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

from safeshare.accounts.models import User
from safeshare.ledger.actions import append_entry
from safeshare.ledger.models import Entry


def record_change(
    event_type: str,
    *,
    actor: User,
    obj: models.Model,
    payload: Mapping[str, str | int | bool | None] | None = None,
) -> Entry:
    """Append `event_type` on `obj`, by `actor`, for the actor's organisation."""
    return append_entry(
        event_type=event_type,
        actor=actor,
        organisation=actor.organisation,
        obj=obj,
        payload=payload,
    )
