"""Messages waiting to be sent, sent, or given up on (docs/adr/0019-notify.md).

The one place an address (email or mobile number) is kept with a message. No body: an email
is the app's fixed sentence and a link to an opaque path; a text message is a one-time
code, kept only until it is sent or given up on. Never logged: log lines carry the row's id.
"""

from __future__ import annotations

import uuid

from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Status(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed_permanent", "Could not be delivered"


class OutgoingMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The sender's organisation: its administrator is shown a message that cannot be sent.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    app = models.CharField(max_length=40)
    kind = models.CharField(max_length=60)
    recipient = models.CharField(max_length=254)
    # The app's fixed wording (SUBJECTS and BODIES): never personal data.
    subject = models.CharField(max_length=200, blank=True)
    text = models.CharField(max_length=500, blank=True)
    path = models.CharField(max_length=500, blank=True)
    # A one-time code for a text message; blanked once sent or given up on.
    code = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # A status code or an error's name ("http_500", "timeout"), never the service's text.
    last_error = models.CharField(max_length=60, blank=True)
    notify_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="messaging_due"),
            models.Index(fields=["organisation", "status", "failed_at"], name="messaging_failed"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} ({self.status})"

    @property
    def masked_recipient(self) -> str:
        return mask(self.recipient)

    @property
    def kind_text(self) -> str:
        return f"{self.get_channel_display()}: {self.app} {self.kind.replace('_', ' ')}"


def mask(address: str) -> str:
    """j***@example.org for an email; the last three digits of a number."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = address.strip()
    return "*" * max(len(digits) - 3, 3) + digits[-3:]
