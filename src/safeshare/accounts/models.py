"""Organisations in the partnership and the people who use safeshare."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.crypto import salted_hmac


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", "School"
    GP_PRACTICE = "gp_practice", "GP practice"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    EARLY_HELP = "early_help", "Early help"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager (designated safeguarding lead)"
    IG_LEAD = "ig_lead", "Information governance lead"
    AUDITOR = "auditor", "Partnership auditor"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that work with case records (a person's details and decisions about them).
CASE_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.IG_LEAD})


class User(AbstractUser):
    """A user belongs to exactly one organisation and holds one role in it.

    Accounts without an organisation exist only for platform operators created with
    `safeshare createsuperuser`; they cannot see any case record.
    """

    # Left out of the ledger digest: they change on every sign-in or sign-out, or are a
    # secret, and are not events the ledger records (ledger/digest.py).
    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset(
        {"last_login", "session_epoch", "password"}
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=200, blank=True)
    # Raised to end every session of this user on every server at once (sign out, account
    # disabled, role or second factor changed): each session stores a hash that includes it.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django compares this with the hash stored in the session on every request, so a
        # session made before the epoch changed (or the password) no longer signs anyone in.
        # It is Django's own hash with the epoch added; fallback secrets keep working.
        key_salt = "safeshare.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    def organisation_pk(self) -> uuid.UUID:
        """The id of this user's organisation, for scoping a query or stamping a record.
        A platform operator has none and can see or make no organisation's records."""
        if self.organisation_id is None:
            raise PermissionDenied("This account belongs to no organisation")
        return self.organisation_id

    @property
    def has_case_role(self) -> bool:
        return self.organisation_id is not None and self.role in CASE_ROLES

    def display_name(self) -> str:
        return self.get_full_name() or self.username
