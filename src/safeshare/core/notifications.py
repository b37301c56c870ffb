"""Emails that tell someone that something happened in safeshare. Never any personal data
in an email or in its log line: only what happened and a link to sign in and see it (the
link carries an opaque id). Each app keeps its own wording (its `SUBJECTS` and `BODIES`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction


class Recipient(Protocol):
    """Who an email goes to: a user, though core does not know accounts' model."""

    email: str
    is_active: bool


def notify_after_commit(
    *, app: str, kind: str, subject: str, text: str, users: Iterable[Recipient], path: str
) -> None:
    """Email `text` and a link to `path` to each active user with an address, after the
    transaction commits, so a rolled-back change sends nothing. A mail server that fails is
    logged under the app's name (events and counts only), and the change stands: the
    pages that show it do not depend on the email."""
    recipients = sorted({u.email for u in users if u.email and u.is_active})
    if not recipients:
        return
    link = settings.SAFESHARE_BASE_URL.rstrip("/") + path
    body = (
        f"{text}\n\nSign in to safeshare to see it:\n{link}\n\n"
        "This email contains no personal information. Do not reply to it."
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    logger = logging.getLogger(f"safeshare.{app}.notifications")

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except OSError:
            logger.exception("%s.notification_failed kind=%s count=%d", app, kind, len(messages))

    transaction.on_commit(send)
