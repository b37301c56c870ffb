"""Secure disclosures: information from a finalised decision, delivered in safeshare to one
named recipient in another partnership organisation.

A disclosure never changes once sent (DESIGN invariant): the model refuses, and database
triggers (disclosures/guards.py) refuse an UPDATE or DELETE that goes round it. What
happens to it afterwards is recorded as separate rows that never change either: a read
receipt when the recipient first opens it, their acknowledgement, and a revocation by the
sending organisation. Expiry is not stored as an event: it is `expires_at`, compared with
the time of reading.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision, InformationItem
from safeshare.directory.models import ContactPoint, DirectoryPractitioner


class ImmutableDisclosureError(Exception):
    """A sent disclosure, a receipt or a revocation was about to be changed or deleted."""


class AppendOnly(models.Model):
    """Rows that are written once: saving an existing row or deleting one is refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableDisclosureError(
                f"A {self._meta.verbose_name} cannot be changed once recorded"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableDisclosureError(f"A {self._meta.verbose_name} cannot be deleted")


class Status(models.TextChoices):
    NEW = "new", "New"
    OPENED = "opened", "Opened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


# The longest a disclosure can be read: its expiry is at most this many days after the
# day it is sent (enforced by disclosures.actions.check_expiry; the header's count of
# unopened ones relies on it to read only recent rows).
MAX_AVAILABLE_DAYS = 90


class Disclosure(AppendOnly):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Short enough to read over the phone; random, never derived from personal data.
    reference = models.CharField(max_length=20, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="disclosures")
    # The sending organisation (the decision's) and who sent it, as they were when sent.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="disclosures_sent"
    )
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sender_job_title = models.CharField(max_length=200, blank=True)
    sender_contact = models.CharField(max_length=254, blank=True)
    # The one named recipient, and their organisation when it was sent: a recipient who
    # later moves organisation no longer sees it.
    recipient = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="disclosures_received",
        null=True,
        blank=True,
    )
    # Or a verified directory contact with no account (safeshare.outside, ADR 0021):
    # exactly one of recipient, outside_contact and outside_practitioner is set.
    outside_contact = models.ForeignKey(
        ContactPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outside_practitioner = models.ForeignKey(
        DirectoryPractitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="disclosures_received"
    )
    items = models.ManyToManyField(
        InformationItem, through="DisclosedItem", related_name="disclosures"
    )
    # How many items were sent: the database refuses a link beyond this number.
    item_count = models.PositiveSmallIntegerField()
    message = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    # Set by send_disclosure on the instance it returns: True when these items had already
    # been sent to this person and are still available, so nothing new was sent. Not stored.
    repeated: bool = False

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["recipient", "-sent_at", "-id"], name="disclosure_received"),
            models.Index(fields=["organisation", "-sent_at"]),
            models.Index(fields=["decision", "-sent_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item_count__gte=1), name="disclosure_has_items"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("sent_at")),
                name="disclosure_expires_after_sending",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        recipient__isnull=False,
                        outside_contact__isnull=True,
                        outside_practitioner__isnull=True,
                    )
                    | models.Q(
                        recipient__isnull=True,
                        outside_contact__isnull=False,
                        outside_practitioner__isnull=True,
                    )
                    | models.Q(
                        recipient__isnull=True,
                        outside_contact__isnull=True,
                        outside_practitioner__isnull=False,
                    )
                ),
                name="disclosure_exactly_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # What happened since: from the rows prefetched with it (queries.py), or one query each.

    def _receipt(self, kind: str) -> Receipt | None:
        return next((r for r in self.receipts.all() if r.kind == kind), None)

    @property
    def opened(self) -> Receipt | None:
        return self._receipt(Receipt.Kind.OPENED)

    @property
    def acknowledged(self) -> Receipt | None:
        return self._receipt(Receipt.Kind.ACKNOWLEDGED)

    @property
    def revoked(self) -> Revocation | None:
        try:
            return self.revocation
        except Revocation.DoesNotExist:
            return None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def is_available(self, now: datetime.datetime | None = None) -> bool:
        """The recipient can open it: not revoked and not expired."""
        return self.revoked is None and not self.is_expired(now)

    def status(self, now: datetime.datetime | None = None) -> Status:
        if self.revoked is not None:
            return Status.REVOKED
        if self.is_expired(now):
            return Status.EXPIRED
        if self.acknowledged is not None:
            return Status.ACKNOWLEDGED
        if self.opened is not None:
            return Status.OPENED
        return Status.NEW

    @property
    def status_now(self) -> Status:
        return self.status()

    @property
    def available_until(self) -> datetime.date:
        """The last day it can be opened: it expires at the start of the next day."""
        return timezone.localtime(self.expires_at - datetime.timedelta(microseconds=1)).date()

    @property
    def sender_display(self) -> str:
        return ", ".join(
            x
            for x in [self.sent_by.display_name(), self.sender_job_title, self.organisation.name]
            if x
        )

    @property
    def is_outside(self) -> bool:
        return self.recipient_id is None

    @property
    def outside_name(self) -> str:
        """The outside recipient as the directory names them (empty for a user)."""
        if self.outside_practitioner is not None:
            return self.outside_practitioner.name
        if self.outside_contact is not None:
            return self.outside_contact.label or self.outside_contact.value
        return ""

    @property
    def recipient_name(self) -> str:
        return self.recipient.display_name() if self.recipient is not None else self.outside_name

    @property
    def outside_email(self) -> str:
        if self.outside_practitioner is not None:
            return self.outside_practitioner.secure_email
        if self.outside_contact is not None:
            return self.outside_contact.value
        return ""

    @property
    def recipient_display(self) -> str:
        if self.recipient is None:
            return ", ".join(
                x
                for x in [
                    self.outside_name,
                    self.outside_practitioner.job_title if self.outside_practitioner else "",
                    self.recipient_organisation.name,
                    "outside safeshare",
                ]
                if x
            )
        return ", ".join(
            x
            for x in [
                self.recipient.display_name(),
                self.recipient.job_title,
                self.recipient_organisation.name,
            ]
            if x
        )


class DisclosedItem(AppendOnly):
    """One information item of the decision, sent in a disclosure."""

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="disclosed_items"
    )
    item = models.ForeignKey(InformationItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "item"], name="item_disclosed_once")
        ]

    def __str__(self) -> str:
        return f"Item {self.position} of {self.disclosure_id}"


class Receipt(AppendOnly):
    """The recipient opened the disclosure (the read receipt, written by the first view), or
    acknowledged receiving it. Each happens once."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "kind"], name="receipt_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.disclosure_id}"


class Revocation(AppendOnly):
    """The sending organisation withdrew the disclosure: who, when and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disclosure = models.OneToOneField(
        Disclosure, on_delete=models.PROTECT, related_name="revocation"
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()

    def __str__(self) -> str:
        return f"Revocation of {self.disclosure_id}"


class ExpiryNotice(models.Model):
    """The sender and the recipient were told the disclosure expires soon, or has expired:
    one row per disclosure and kind, so a notice is sent once however often the job runs
    (disclosures.actions.send_expiry_notices)."""

    class Kind(models.TextChoices):
        EXPIRING = "expiring", "Expires soon"
        EXPIRED = "expired", "Expired"

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="expiry_notices"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "kind"], name="expiry_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.disclosure_id}"
