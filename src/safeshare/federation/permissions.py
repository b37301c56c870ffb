"""Who may do what with disclosures between deployments: the same rules as disclosures
within a partnership (disclosures/permissions.py), applied to the federation's records.

- The named recipient here sees a received disclosure's content, while they still work
  for the organisation it was sent to, until it is revoked or expires.
- Any case role of the sending organisation sees what it sent and may revoke it while it
  is available; practitioners and managers of the deciding organisation send.
"""

from __future__ import annotations

import datetime

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.federation.models import ReceivedDisclosure, SentDisclosure


def is_recipient(user: User, disclosure: ReceivedDisclosure) -> bool:
    return (
        can_view_case_records(user)
        and disclosure.recipient_id == user.pk
        and disclosure.recipient_organisation_id == user.organisation_id
    )


def can_open(
    user: User, disclosure: ReceivedDisclosure, now: datetime.datetime | None = None
) -> bool:
    return is_recipient(user, disclosure) and disclosure.is_available(now)


def is_sender_side(user: User, disclosure: SentDisclosure) -> bool:
    return can_view_case_records(user) and disclosure.organisation_id == user.organisation_id


def can_revoke(user: User, disclosure: SentDisclosure) -> bool:
    return is_sender_side(user, disclosure) and disclosure.status() not in {"revoked", "expired"}
