"""The link and one-time code that let a verified directory contact with no account open
one disclosure (docs/adr/0021-outside-recipients.md).

Only hashes are stored: the token (in the emailed link) as SHA-256, the six-digit code as
an HMAC keyed by SECRET_KEY and bound to this link. The row changes as things happen to
it (wrong codes counted, locked, opened, acknowledged), each change with its ledger entry.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.disclosures.models import Disclosure

MAX_WRONG_CODES = 5
MAX_LINK_DAYS = 14


class CodeChannel(models.TextChoices):
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call by the sender"


class OutsideLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disclosure = models.OneToOneField(
        Disclosure, on_delete=models.PROTECT, related_name="outside_link"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    code_channel = models.CharField(max_length=8, choices=CodeChannel.choices)
    code_phoned_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code_phoned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wrong_codes__lte=MAX_WRONG_CODES),
                name="outside_link_wrong_codes_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="outside_link_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"Outside link for {self.disclosure_id}"

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
