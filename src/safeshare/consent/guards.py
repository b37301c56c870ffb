"""Database triggers for the consent register (see core/immutability.py): an entry, its
events and its reliances are written once; the model refuses, and these refuse an UPDATE
or DELETE that goes round it."""

from __future__ import annotations

from safeshare.core import immutability
from safeshare.core.immutability import Guard

KEPT = "the consent register keeps its history: record a new event instead"

GUARDS: tuple[Guard, ...] = (
    Guard(name="consent_entry", table="consent_consententry", old_condition="1 = 1", message=KEPT),
    Guard(name="consent_event", table="consent_consentevent", old_condition="1 = 1", message=KEPT),
    Guard(name="consent_reliance", table="consent_reliance", old_condition="1 = 1", message=KEPT),
)

NAMES = tuple(guard.name for guard in GUARDS)


def register() -> None:
    """Add these guards to core's list once (AppConfig.ready)."""
    known = {guard.name for guard in immutability.GUARDS}
    immutability.GUARDS.extend(guard for guard in GUARDS if guard.name not in known)
