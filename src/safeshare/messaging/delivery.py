"""Sending queued messages: through GOV.UK Notify when SAFESHARE_NOTIFY_API_KEY is set,
else through Django's email backend (SMTP, or the console locally).

A failure that may pass (a 5xx or 429 from Notify, a timeout, a lost connection, a mail
server that does not answer) is tried again after 1, 5, 25 and then 125 minutes; the fifth
failed attempt, or one that cannot pass (400: a bad address or template; 403: the key is
invalid or not allowed to send), gives up, and the sender's organisation administrator
sees it on /messages/failed/. Log lines carry the row's id, kind and status, never an
address, a code or the service's error text.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

import requests
from safeshare.core.notifications import absolute_link, email_body
from safeshare.messaging.models import Channel, OutgoingMessage, Status

logger = logging.getLogger("safeshare.messaging")

MAX_ATTEMPTS = 5
# A run sends at most this many, each within TIMEOUT seconds: well inside the job's 30-minute
# lease even if Notify answers nothing at all (the rest wait for the next minute).
BATCH = 50
TIMEOUT = 10
# Retried: the service is down, overloaded or rate limiting.
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failure: 1, 5, 25, 125 minutes."""
    return datetime.timedelta(minutes=5 ** (attempts - 1))


@dataclass(frozen=True)
class Failure(Exception):
    code: str  # "http_500", "timeout", "smtp": no personal data
    permanent: bool


def notify_client() -> NotificationsAPIClient:
    kwargs: dict[str, Any] = {"timeout": TIMEOUT}
    if settings.SAFESHARE_NOTIFY_BASE_URL:
        kwargs["base_url"] = settings.SAFESHARE_NOTIFY_BASE_URL
    return NotificationsAPIClient(settings.SAFESHARE_NOTIFY_API_KEY, **kwargs)


def _send_notify(message: OutgoingMessage) -> str:
    client = notify_client()
    try:
        if message.channel == Channel.SMS:
            response = client.send_sms_notification(
                phone_number=message.recipient,
                template_id=settings.SAFESHARE_NOTIFY_SMS_TEMPLATE_ID,
                personalisation={"code": message.code},
                reference=str(message.pk),
            )
        else:
            response = client.send_email_notification(
                email_address=message.recipient,
                template_id=settings.SAFESHARE_NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation={
                    "subject": message.subject,
                    "body": message.text,
                    "link": absolute_link(message.path),
                },
                reference=str(message.pk),
            )
    except APIError as error:
        status = error.status_code
        raise Failure(f"http_{status}", permanent=status not in TRANSIENT_STATUSES) from None
    except requests.Timeout:
        raise Failure("timeout", permanent=False) from None
    except requests.RequestException:
        raise Failure("connection", permanent=False) from None
    return str(response.get("id", ""))


def _send_django(message: OutgoingMessage) -> str:
    if message.channel == Channel.SMS:
        # Text messages go only through Notify: without it there is nothing to send with.
        raise Failure("no_sms_service", permanent=True)
    try:
        send_mail(
            message.subject,
            email_body(message.text, message.path),
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient],
            fail_silently=False,
        )
    except OSError:  # smtplib's errors, refused or lost connections, timeouts
        raise Failure("smtp", permanent=False) from None
    return ""


def send_one(message: OutgoingMessage) -> str:
    if settings.SAFESHARE_NOTIFY_API_KEY:
        return _send_notify(message)
    return _send_django(message)


def _attempt(pk: Any, *, now: datetime.datetime) -> str | None:
    """Try one due message, locked so two runners send it once; its new status or None."""
    with transaction.atomic():
        message = (
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=Status.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            message.notify_id = send_one(message)
        except Failure as failure:
            message.last_error = failure.code
            if failure.permanent or message.attempts >= MAX_ATTEMPTS:
                message.status = Status.FAILED
                message.failed_at = now
                message.code = ""
            else:
                message.next_attempt_at = now + backoff(message.attempts)
            logger.warning(
                "messaging.send_failed id=%s kind=%s attempts=%d error=%s status=%s",
                message.pk,
                message.kind,
                message.attempts,
                failure.code,
                message.status,
            )
        else:
            message.status = Status.SENT
            message.sent_at = now
            message.code = ""
            message.last_error = ""
            logger.info(
                "messaging.sent id=%s kind=%s attempts=%d",
                message.pk,
                message.kind,
                message.attempts,
            )
        message.save()
        return str(message.status)


def deliver(ids: Iterable[Any], *, now: datetime.datetime) -> int:
    """Try each of these messages that is due; how many were sent."""
    return sum(_attempt(pk, now=now) == Status.SENT for pk in ids)


def deliver_due(*, now: datetime.datetime) -> int:
    """The job: every queued message due by `now`, oldest first (a batch a run)."""
    due = (
        OutgoingMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:BATCH]
    )
    return deliver(list(due), now=now)


def prune(*, now: datetime.datetime) -> int:
    """The daily job: delete messages sent, or given up on, more than
    SAFESHARE_MESSAGES_KEEP_DAYS ago (default 90). The row holds an address, kept no
    longer than needed (UK GDPR Art 5(1)(e)); what happened stays in the ledger of the
    action that sent it. Queued messages are never deleted. How many went."""
    cutoff = now - datetime.timedelta(days=settings.SAFESHARE_MESSAGES_KEEP_DAYS)
    sent, _ = OutgoingMessage.objects.filter(status=Status.SENT, sent_at__lt=cutoff).delete()
    failed, _ = OutgoingMessage.objects.filter(status=Status.FAILED, failed_at__lt=cutoff).delete()
    if sent or failed:
        logger.info("messaging.pruned sent=%s failed=%s", sent, failed)
    return sent + failed
