"""Emails about disclosures. Never any personal data: no names of the people it is about,
no purpose, no message; only what happened and a link (an opaque id) to sign in and see it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from safeshare.accounts.models import User

logger = logging.getLogger(__name__)

SUBJECTS = {
    "sent": "Information has been shared with you securely in safeshare",
    "revoked": "Information shared with you in safeshare has been withdrawn",
}

BODIES = {
    "sent": (
        "Another organisation in the partnership has shared information with you securely. "
        "Only you can open it, and it is available for a limited time."
    ),
    "revoked": (
        "The organisation that shared information with you in safeshare has withdrawn it. "
        "It is no longer available. Delete any copy you made, following your organisation's "
        "rules."
    ),
}


def notify(kind: str, user: User, path: str) -> None:
    """Send after the transaction commits, so a rolled-back change sends nothing."""
    if not user.email or not user.is_active:
        return
    link = settings.SAFESHARE_BASE_URL.rstrip("/") + path
    body = (
        f"{BODIES[kind]}\n\nSign in to safeshare to see it:\n{link}\n\n"
        "This email contains no personal information. Do not reply to it."
    )
    address = user.email

    def send() -> None:
        try:
            send_mail(SUBJECTS[kind], body, settings.DEFAULT_FROM_EMAIL, [address])
        except OSError:
            # The disclosure is recorded either way; the header count still shows it.
            logger.exception("disclosures.notification_failed kind=%s", kind)

    transaction.on_commit(send)
