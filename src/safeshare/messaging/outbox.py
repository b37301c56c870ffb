"""Queueing: core's notify and `send_code` write rows; the job sends them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeshare.messaging.models import Channel, OutgoingMessage


def queue_emails(
    *,
    app: str,
    kind: str,
    subject: str,
    text: str,
    recipients: list[tuple[str, Any]],
    path: str,
) -> list[OutgoingMessage]:
    """One queued email per address, in the caller's transaction (core/notifications.py's
    outbox)."""
    now = timezone.now()
    rows = OutgoingMessage.objects.bulk_create(
        [
            OutgoingMessage(
                organisation_id=organisation_id,
                channel=Channel.EMAIL,
                app=app,
                kind=kind,
                recipient=address,
                subject=subject,
                text=text,
                path=path,
                created_at=now,
                next_attempt_at=now,
            )
            for address, organisation_id in recipients
        ]
    )
    _deliver_after_commit_if_asked(rows)
    return rows


def send_code(
    phone: str, code: str, *, organisation_id: Any, kind: str = "one_time_code"
) -> OutgoingMessage:
    """Queue a text message carrying a one-time code to `phone` (for recipients outside
    safeshare: the second channel beside the emailed link)."""
    now = timezone.now()
    row = OutgoingMessage.objects.create(
        organisation_id=organisation_id,
        channel=Channel.SMS,
        app="messaging",
        kind=kind,
        recipient=phone,
        code=code,
        created_at=now,
        next_attempt_at=now,
    )
    _deliver_after_commit_if_asked([row])
    return row


def _deliver_after_commit_if_asked(rows: list[OutgoingMessage]) -> None:
    """SAFESHARE_DELIVER_IMMEDIATELY (the test suite; never production): send after the
    commit, through the same path as the job, instead of waiting for its next minute."""
    if not settings.SAFESHARE_DELIVER_IMMEDIATELY:
        return
    from safeshare.messaging.delivery import deliver

    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: deliver(ids, now=timezone.now()))
