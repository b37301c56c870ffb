"""Who looked at what, when and from where: one row per read of a person's data, and one
per refused attempt. Rows are never changed or deleted (see core/immutability.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.subjects.models import Person


class Outcome(models.TextChoices):
    SHOWN = "shown", "Shown"
    DENIED = "denied", "Refused"


class AccessRecordImmutable(Exception):
    pass


class AccessRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The signed-in reader, or (safeshare.outside) a directory contact with no account,
    # named as "<app>.<model>:<id>" since the directory sits above audit: exactly one.
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outside_reader = models.CharField(max_length=100, blank=True)
    # The user's organisation at the time: people move between agencies.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # A namespaced code for the page or action, e.g. "subjects.person.show".
    what = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The organisation holding that person's record, copied when written: the access
    # report reads "reads of our people by anyone" from its own index, at ten million rows.
    person_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SHOWN)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        # Each list reads one of these newest first (keyset pages on (at, id)).
        indexes = [
            models.Index(fields=["person", "-at", "-id"], name="access_of_person"),
            models.Index(fields=["organisation", "-at", "-id"], name="access_by_organisation"),
            models.Index(fields=["user", "-at", "-id"], name="access_by_user"),
            models.Index(fields=["person_organisation", "-at", "-id"], name="access_of_our_people"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, outside_reader="")
                    | (models.Q(user__isnull=True) & ~models.Q(outside_reader=""))
                ),
                name="access_record_one_reader",
            )
        ]

    def __str__(self) -> str:
        return f"{self.what} {self.object_id} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AccessRecordImmutable("An access record cannot be changed")
        if self.person_id is not None and self.person_organisation_id is None:
            self.person_organisation_id = self.person.organisation_id  # type: ignore[union-attr]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AccessRecordImmutable("An access record cannot be deleted")
