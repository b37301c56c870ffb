"""Emails about advice: what happened and a link, never the question, the answer or anyone's
name (core/notifications.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safeshare.accounts.models import User
from safeshare.core.notifications import notify_after_commit

SUBJECTS = {
    "asked": "You have been asked for advice in safeshare",
    "answered": "Your request for advice has been answered in safeshare",
    "reminder": "A request for advice is waiting for you in safeshare",
}

BODIES = {
    "asked": "A colleague has asked for your advice about an information sharing decision.",
    "answered": "The advice you asked for about an information sharing decision has been given.",
    "reminder": "A request for your advice about an information sharing decision is still waiting.",
}


def notify(kind: str, users: Iterable[User], path: str, *, organisation_id: Any) -> None:
    notify_after_commit(
        app="advice",
        kind=kind,
        subject=SUBJECTS[kind],
        text=BODIES[kind],
        users=users,
        path=path,
        organisation_id=organisation_id,
    )
