"""Organisations in the partnership and the people who use safeshare."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, cast

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
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
    PRIVATE = "private", "Private provider"
    OTHER = "other", "Other"


# The kinds that are not public authorities: voluntary groups, charities and clubs, and
# private providers (a private nursery, a childminder, an independent children's home).
# Schools, GP practices, the NHS, councils and the police are public authorities as the
# Data Protection Act 2018 section 7 defines them (by the Freedom of Information Act 2000
# Schedule 1); "other" is taken as one too, as most partners are. An independent school, or
# a private provider entered as "other", is changed by an administrator in the admin.
NOT_PUBLIC_AUTHORITIES = frozenset({OrganisationKind.VOLUNTARY, OrganisationKind.PRIVATE})


def public_authority_by_default(kind: str) -> bool:
    """Whether an organisation of this kind is a public authority, until an administrator
    says otherwise. It matters for the lawful basis: UK GDPR Article 6(1), as amended by the
    Data (Use and Access) Act 2025 section 70, "Points (ea) and (f) shall not apply to
    processing carried out by public authorities in the performance of their tasks"."""
    return kind not in NOT_PUBLIC_AUTHORITIES


class Organisation(models.Model):
    # Columns added after organisations were first recorded in the ledger, each with the
    # value its migration gave the rows there were (from their other fields): an entry
    # written before then verifies in the form it had while the column still holds that
    # value (ledger.digest.digests_before_added_fields). accounts 0003: public_authority.
    ledger_added_fields: ClassVar[dict[str, Callable[[Mapping[str, Any]], object]]] = {
        "public_authority": lambda fields: public_authority_by_default(fields["kind"]),
    }
    # Single sign-on settings (accounts 0004) are left out of the digest, so entries
    # written before them still verify; organisation_saved records which of them changed.
    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "sso_issuer",
            "sso_client_id",
            "sso_client_secret_env",
            "sso_client_secret_file",
            "sso_trust_mfa",
            "sso_trusted_acr",
            "sso_only",
        }
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    # Filled from the kind when the organisation is added (public_authority_by_default);
    # an administrator can change it. The guided questions take it as the engine's answer
    # `public_authority`, never asking the practitioner.
    public_authority = models.BooleanField(
        default=None,
        help_text=(
            "Public authorities cannot rely on legitimate interests or recognised legitimate "
            "interests (UK GDPR Article 6(1)(f) and (ea)) for their tasks. Set from the "
            "organisation's kind when it is added: voluntary sector and private providers "
            "are not public authorities, every other kind is."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Single sign-on (OpenID Connect, issue 18; docs/adr/0020-single-sign-on.md). The
    # client secret is never stored here: only the name of the environment variable, or
    # the path of the file, that holds it.
    sso_issuer = models.CharField(
        "Single sign-on issuer",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=(
            "The OpenID Connect issuer of this organisation's identity provider, for "
            "example https://login.microsoftonline.com/<tenant>/v2.0. Leave empty for no "
            "single sign-on."
        ),
    )
    sso_client_id = models.CharField("Single sign-on client ID", max_length=255, blank=True)
    sso_client_secret_env = models.CharField(
        "Environment variable holding the client secret",
        max_length=100,
        blank=True,
        help_text="The name of the variable, for example SAFESHARE_SSO_SECRET_COUNCIL.",
    )
    sso_client_secret_file = models.CharField(
        "File holding the client secret",
        max_length=500,
        blank=True,
        help_text="Used when no environment variable is named.",
    )
    sso_trust_mfa = models.BooleanField(
        "Trust the identity provider's second factor",
        default=False,
        help_text=(
            "When the provider says the user used a second factor (amr or acr), safeshare "
            "does not ask for its own code."
        ),
    )
    sso_trusted_acr = models.CharField(
        "Trusted authentication context (acr)",
        max_length=255,
        blank=True,
        help_text="An acr value that counts as a second factor, if the provider sends one.",
    )
    # Off unless an administrator ticks it: a form that leaves it out never locks anyone out.
    sso_only = models.BooleanField(
        "Users sign in only with single sign-on",
        default=False,
        help_text=(
            "Turns password sign-in off for this organisation's users. Tick it once single "
            "sign-on works."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # None until it is filled: the field's default, for "decide from the kind".
        if cast("bool | None", self.public_authority) is None:
            self.public_authority = public_authority_by_default(self.kind)
        super().save(*args, **kwargs)

    @property
    def single_sign_on(self) -> bool:
        return bool(self.sso_issuer and self.sso_client_id)


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
        {"last_login", "session_epoch", "password", "oidc_subject"}
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
    # The identity provider's subject identifier (`sub`) for this user, set by an
    # administrator or on the first single sign-on matched by verified email. Unique within
    # the organisation. Left out of the ledger digest (added after users were recorded);
    # user_saved records that it changed.
    oidc_subject = models.CharField(
        "Single sign-on subject identifier", max_length=255, blank=True, default=""
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="accounts_user_oidc_subject_unique_in_organisation",
            )
        ]

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
