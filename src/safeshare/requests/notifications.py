"""Emails about requests. Never any personal data in an email: only what happened and a
link to sign in and see it (the link carries an opaque id)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from safeshare.accounts.models import User

logger = logging.getLogger(__name__)

SUBJECTS = {
    "new": "New request for information in safeshare",
    "assigned": "A request for information has been assigned to you in safeshare",
    "response": "Your request for information has a response in safeshare",
    "new_information": "New information on a request in safeshare",
    "overdue": "A request for information is overdue in safeshare",
}

BODIES = {
    "new": "Your organisation has received a new request for information.",
    "assigned": "A request for information has been assigned to you.",
    "response": "A request for information that you made has been answered.",
    "new_information": "The requester has added new information to a request your organisation declined or is handling. You may need to reconsider the decision.",
    "overdue": "A request for information received by your team is past its due date and has been escalated to you.",
}


def notify(kind: str, users: Iterable[User], path: str) -> None:
    """Send after the transaction commits, so a rolled-back change sends nothing."""
    recipients = sorted({u.email for u in users if u.email and u.is_active})
    if not recipients:
        return
    link = settings.SAFESHARE_BASE_URL.rstrip("/") + path
    body = (
        f"{BODIES[kind]}\n\nSign in to safeshare to see it:\n{link}\n\n"
        "This email contains no personal information. Do not reply to it."
    )
    messages = [
        (SUBJECTS[kind], body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients
    ]

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except OSError:
            # The request is recorded either way; the queue and its header count still show it.
            logger.exception("requests.notification_failed kind=%s count=%d", kind, len(messages))

    transaction.on_commit(send)
