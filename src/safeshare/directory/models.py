"""The partnership directory: each organisation's address, its verified secure contact
points and its named practitioners.

These are professional contacts, not case data, so every case role in the partnership
may read them. A contact point or practitioner is never deleted (the ledger holds a digest
of each, and a decision may name one): it is marked no longer in use instead.
"""

from __future__ import annotations

import uuid

from django.db import models

from safeshare.accounts.models import Organisation, User


class OrganisationProfile(models.Model):
    """What the directory adds to an organisation; accounts.Organisation stays as it is."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, primary_key=True, related_name="directory_profile"
    )
    address = models.TextField(max_length=500, blank=True)
    main_phone = models.CharField(max_length=32, blank=True)
    notes = models.TextField(max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.organisation)


class ContactKind(models.TextChoices):
    SECURE_EMAIL = "secure_email", "Secure email address"
    PHONE = "phone", "Phone number"
    IN_SYSTEM = "in_system", "safeshare user (in-system recipient)"


class ContactPoint(models.Model):
    """A secure way to reach an organisation: an email address, a phone number, or a
    safeshare user who receives disclosures in the system."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contact_points"
    )
    kind = models.CharField(max_length=16, choices=ContactKind.choices)
    # An email address (lower-cased domain) or a phone number as 0 and 9 or 10 digits;
    # empty for an in-system recipient, who is `user`.
    value = models.CharField(max_length=254, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=100, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "kind", "label", "value"]
        constraints = [
            models.CheckConstraint(
                name="directory_contact_in_system_has_user",
                condition=(
                    models.Q(kind=ContactKind.IN_SYSTEM, user__isnull=False, value="")
                    | (~models.Q(kind=ContactKind.IN_SYSTEM) & models.Q(user__isnull=True))
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "value"],
                condition=~models.Q(kind=ContactKind.IN_SYSTEM),
                name="directory_contact_unique_value",
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(kind=ContactKind.IN_SYSTEM),
                name="directory_contact_unique_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.kind == ContactKind.IN_SYSTEM and self.user is not None:
            title = f", {self.user.job_title}" if self.user.job_title else ""
            return f"{self.user.display_name()}{title}"
        return self.value

    @property
    def is_verified(self) -> bool:
        return self.verified_on is not None


class DirectoryPractitioner(models.Model):
    """A named practitioner and their role, so a recipient can be checked by name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="directory_practitioners"
    )
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    secure_email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.job_title}"

    @property
    def is_verified(self) -> bool:
        return self.verified_on is not None
