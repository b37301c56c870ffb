"""Subject access requests (UK GDPR Article 15): who asked, about whom, how their identity
was checked, when it is due; the extensions, the redactions made to the pack and its
sign-off.

A request is changed only by the actions, each with its ledger entry (its due date when
it is extended, its sign-off). Extensions and redactions are evidence in their own right:
written once, never changed or deleted. A redaction changes what the pack shows, never
the record it is taken from.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import InformationItem
from safeshare.subjects.models import Person

# What the pack shows in place of a redacted item's text.
REDACTED_TEXT = "[Redacted: this information identifies another person]"


class ImmutableRecordError(Exception):
    """An extension or redaction was about to be changed or deleted."""


class SubjectAccessRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Who asked: the person themselves, a parent, a solicitor... as they describe it.
    requester_name = models.CharField(max_length=200)
    requester_relationship = models.CharField(max_length=200)
    identity_check = models.TextField()
    received_on = models.DateField()
    # One month after received_on, plus any extension (subject_access.deadlines).
    due_on = models.DateField()
    extended_months = models.PositiveSmallIntegerField(default=0)
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # The open list: the organisation's requests not yet signed off, soonest due
            # (so overdue) first, the id breaking ties (keyset pages).
            models.Index(
                fields=["organisation", "due_on", "id"],
                condition=models.Q(signed_off_at__isnull=True),
                name="subject_access_open_due",
            ),
            models.Index(fields=["person", "-received_on"], name="subject_access_of_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extended_months__lte=2), name="subject_access_extension_max"
            )
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def is_overdue(self, today: Any = None) -> bool:
        return not self.is_signed_off and self.due_on < (today or timezone.localdate())


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(f"A {self._meta.verbose_name} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(f"A {self._meta.verbose_name} cannot be deleted")


class Extension(AppendOnly):
    """The due date moved on by one or two months, with the reason (Article 12(3):
    complex or numerous requests)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="extensions"
    )
    months = models.PositiveSmallIntegerField()
    reason = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Extension of {self.request_id} by {self.months}"


class Redaction(AppendOnly):
    """An item's text left out of this request's pack, with why. The item is unchanged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="redactions"
    )
    item = models.ForeignKey(InformationItem, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="redaction_once_per_item")
        ]

    def __str__(self) -> str:
        return f"Redaction of {self.item_id} for {self.request_id}"
