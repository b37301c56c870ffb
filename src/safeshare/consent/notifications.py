"""Emails about the consent register: what happened and a link, never a name or purpose
(core/notifications.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safeshare.accounts.models import User
from safeshare.core.notifications import notify_after_commit

SUBJECTS = {
    "review": "A consent entry is due for review in safeshare",
    "expiry": "A consent entry has expired in safeshare",
}

BODIES = {
    "review": "A consent entry you recorded has reached its review date. Check it is still "
    "current with the person, and record the review.",
    "expiry": "A consent entry you recorded has reached its expiry date. It can no longer be "
    "relied on: ask again if consent is still needed.",
}


def notify(kind: str, users: Iterable[User], path: str, *, organisation_id: Any) -> None:
    notify_after_commit(
        app="consent",
        kind=kind,
        subject=SUBJECTS[kind],
        text=BODIES[kind],
        users=users,
        path=path,
        organisation_id=organisation_id,
    )
