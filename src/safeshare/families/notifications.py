"""Emails about telling the family later: what is due and a link, never a name, the reason
or anything said (core/notifications.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safeshare.accounts.models import User
from safeshare.core.notifications import notify_after_commit

SUBJECTS = {
    "review_due": "A decision about telling a family is due for review in safeshare",
}

BODIES = {
    "review_due": "The date to review whether a person or family can be told about an "
    "information sharing decision has come.",
}


def notify(kind: str, users: Iterable[User], path: str, *, organisation_id: Any) -> None:
    notify_after_commit(
        app="families",
        kind=kind,
        subject=SUBJECTS[kind],
        text=BODIES[kind],
        users=users,
        path=path,
        organisation_id=organisation_id,
    )
