"""Emails that tell someone that something happened in safeshare. Never any personal data
in an email or in its log line: only what happened and a link to sign in and see it (the
link carries an opaque id). Each app keeps its own wording (its `SUBJECTS` and `BODIES`).

Core sits below every app, so it does not send: it hands each message to the outbox that
the messaging app registers (`set_outbox`, in MessagingConfig.ready). The outbox queues a
row in the caller's transaction, so a rolled-back change sends nothing, and the scheduled
job `messaging.deliver` sends it outside the request, through GOV.UK Notify or Django's
email backend, with retries (docs/adr/0019-notify.md). Without an outbox (the messaging
app not installed) a message is sent through Django's email backend after the commit, as
before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction


class Recipient(Protocol):
    """Who an email goes to: a user, though core does not know accounts' model."""

    email: str
    is_active: bool


class Outbox(Protocol):
    def __call__(
        self,
        *,
        app: str,
        kind: str,
        subject: str,
        text: str,
        recipients: list[tuple[str, Any]],
        path: str,
    ) -> object: ...


_outbox: Outbox | None = None


def set_outbox(outbox: Outbox | None) -> Outbox | None:
    """Register where messages go (the messaging app's queue); returns the one before."""
    global _outbox
    previous, _outbox = _outbox, outbox
    return previous


def absolute_link(path: str) -> str:
    return settings.SAFESHARE_BASE_URL.rstrip("/") + path


def email_body(text: str, path: str) -> str:
    """The whole of an email: the app's fixed sentence and the link, nothing else."""
    return (
        f"{text}\n\nSign in to safeshare to see it:\n{absolute_link(path)}\n\n"
        "This email contains no personal information. Do not reply to it."
    )


def notify_after_commit(
    *,
    app: str,
    kind: str,
    subject: str,
    text: str,
    users: Iterable[Recipient],
    path: str,
    organisation_id: Any,
) -> None:
    """Email `text` and a link to `path` to each active user with an address. The message
    is queued in the caller's transaction and sent after it commits (by the outbox's job),
    so a rolled-back change sends nothing; a failure never undoes the change: the pages
    that show it do not depend on the email. `organisation_id` is the sender's
    organisation (whose user acted, or whose record a scheduled job is about): its
    administrator is the one shown a message that cannot be delivered (issue 18), so it
    is required of every caller, even when sender and recipient share an organisation."""
    addresses: dict[str, Any] = {}
    for user in users:
        if user.email and user.is_active:
            addresses.setdefault(user.email, organisation_id)
    recipients = sorted(addresses.items(), key=lambda pair: pair[0])
    if not recipients:
        return
    if _outbox is not None:
        _outbox(app=app, kind=kind, subject=subject, text=text, recipients=recipients, path=path)
        return
    _send_after_commit(app=app, kind=kind, subject=subject, text=text, path=path, to=recipients)


class Notify(Protocol):
    def __call__(
        self, kind: str, users: Iterable[Recipient], path: str, *, organisation_id: Any
    ) -> None: ...


def notifier(app: str, subjects: dict[str, str], bodies: dict[str, str]) -> Notify:
    """An app's `notify(kind, users, path, organisation_id=...)`: its fixed wording for
    `kind` and the link, through notify_after_commit (the sender's organisation required)."""

    def notify(kind: str, users: Iterable[Recipient], path: str, *, organisation_id: Any) -> None:
        notify_after_commit(
            app=app,
            kind=kind,
            subject=subjects[kind],
            text=bodies[kind],
            users=users,
            path=path,
            organisation_id=organisation_id,
        )

    return notify


def _send_after_commit(
    *, app: str, kind: str, subject: str, text: str, path: str, to: list[tuple[str, Any]]
) -> None:
    body = email_body(text, path)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address, _ in to]
    logger = logging.getLogger(f"safeshare.{app}.notifications")

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except OSError:
            logger.exception("%s.notification_failed kind=%s count=%d", app, kind, len(messages))

    transaction.on_commit(send)
