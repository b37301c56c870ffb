"""Database triggers for the families tables (see core/immutability.py): that a person or
family was told, and each review that found it still not safe to tell, are written once.
The model and the actions already refuse; these refuse an UPDATE or DELETE that goes round
them."""

from __future__ import annotations

from safeshare.core import immutability
from safeshare.core.immutability import Guard

GUARDS: tuple[Guard, ...] = (
    Guard(
        name="families_told",
        table="families_told",
        old_condition="1 = 1",
        message="a record that the family was told cannot be changed or deleted",
    ),
    Guard(
        name="families_review",
        table="families_review",
        old_condition="1 = 1",
        message="a review of telling the family cannot be changed or deleted",
    ),
)

NAMES = tuple(guard.name for guard in GUARDS)


def register() -> None:
    """Add these guards to core's list once (AppConfig.ready)."""
    known = {guard.name for guard in immutability.GUARDS}
    immutability.GUARDS.extend(guard for guard in GUARDS if guard.name not in known)
