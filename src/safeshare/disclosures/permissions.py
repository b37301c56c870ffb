"""Who may do what with disclosures (see docs/permissions.md).

Sending is recording: practitioners and managers of the deciding organisation. Revoking
protects the people the information is about: any case role of the sending organisation,
information governance leads included. Only the named recipient sees the content, while
they still work for the organisation it was sent to, and only until it is revoked or
expires.
"""

from __future__ import annotations

import datetime
from typing import Any

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.decisions.models import Decision, DecisionStatus
from safeshare.decisions.permissions import can_record_decision
from safeshare.disclosures.models import Disclosure
from safeshare.vocabulary.models import SHARING_OUTCOMES


def shares_information(decision: Decision) -> bool:
    """A finalised decision whose outcome shares, with information items, that no later
    record has corrected: the only kind a disclosure is sent from."""
    return (
        decision.status == DecisionStatus.FINALISED
        and decision.outcome in SHARING_OUTCOMES
        and decision.items.exists()
        and not decision.amendments.filter(status=DecisionStatus.FINALISED).exists()
    )


def can_send(user: User, decision: Decision) -> bool:
    return (
        can_record_decision(user)
        and decision.organisation_id == user.organisation_id
        and shares_information(decision)
    )


def can_receive(candidate: Any, sending_organisation_id: Any) -> bool:
    """A named recipient: an active user with a case role in another organisation."""
    return bool(
        candidate is not None
        and candidate.is_active
        and candidate.has_case_role
        and candidate.organisation_id != sending_organisation_id
    )


def is_sender_side(user: User, disclosure: Disclosure) -> bool:
    return can_view_case_records(user) and disclosure.organisation_id == user.organisation_id


def is_recipient(user: User, disclosure: Disclosure) -> bool:
    return (
        can_view_case_records(user)
        and disclosure.recipient_id == user.pk
        and disclosure.recipient_organisation_id == user.organisation_id
    )


def can_open(user: User, disclosure: Disclosure, now: datetime.datetime | None = None) -> bool:
    return is_recipient(user, disclosure) and disclosure.is_available(now)


def can_acknowledge(user: User, disclosure: Disclosure) -> bool:
    return can_open(user, disclosure) and disclosure.acknowledged is None


def can_revoke(user: User, disclosure: Disclosure) -> bool:
    return is_sender_side(user, disclosure) and disclosure.is_available()
