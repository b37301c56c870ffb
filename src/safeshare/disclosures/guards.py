"""Database triggers for the disclosure tables (see core/immutability.py).

A disclosure never changes once sent, and what happened to it afterwards (opened,
acknowledged, revoked) is recorded as new rows that never change either. The model and the
actions already refuse; these guards refuse an UPDATE or DELETE that goes round them, and
refuse linking more information items to a sent disclosure, or items of another decision.
"""

from __future__ import annotations

from safeshare.core import immutability
from safeshare.core.immutability import Guard

SENT = "a sent disclosure cannot be changed; revoke it and send a new one"

GUARDS: tuple[Guard, ...] = (
    Guard(
        name="disclosure",
        table="disclosures_disclosure",
        old_condition="1 = 1",
        message=SENT,
    ),
    Guard(
        name="disclosed_item",
        table="disclosures_discloseditem",
        old_condition="1 = 1",
        # Only the items counted when it was sent, and only items of its own decision.
        new_condition=(
            "(SELECT COUNT(*) FROM disclosures_discloseditem x "
            "WHERE x.disclosure_id = NEW.disclosure_id) >= "
            "(SELECT d.item_count FROM disclosures_disclosure d WHERE d.id = NEW.disclosure_id) "
            "OR NOT EXISTS (SELECT 1 FROM decisions_informationitem i "
            "JOIN disclosures_disclosure d ON d.decision_id = i.decision_id "
            "WHERE i.id = NEW.item_id AND d.id = NEW.disclosure_id)"
        ),
        message=SENT,
    ),
    Guard(
        name="disclosure_receipt",
        table="disclosures_receipt",
        old_condition="1 = 1",
        message="a read receipt or acknowledgement cannot be changed or deleted",
    ),
    Guard(
        name="disclosure_revocation",
        table="disclosures_revocation",
        old_condition="1 = 1",
        message="a revocation cannot be changed or deleted",
    ),
)

NAMES = tuple(guard.name for guard in GUARDS)


def register() -> None:
    """Add these guards to core's list once (AppConfig.ready)."""
    known = {guard.name for guard in immutability.GUARDS}
    immutability.GUARDS.extend(guard for guard in GUARDS if guard.name not in known)
