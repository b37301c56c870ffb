"""Reading the directory. The decision form (decisions/) calls `find_recipient`,
`verified_contacts` and `is_verified_contact` to check a recipient.

"Verified" means someone with the right to keep the directory recorded checking the
entry (verified_by and verified_on are set) and it is still in use (active).
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from safeshare.accounts.models import Organisation, User
from safeshare.directory.models import (
    ContactKind,
    ContactPoint,
    DirectoryPractitioner,
)
from safeshare.directory.permissions import can_view_directory
from safeshare.directory.validation import normalise_email, normalise_uk_phone


def organisations_for_directory() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("directory_profile").order_by("name")


def get_organisation_for_user(user: User, organisation_id: UUID) -> Organisation:
    """The organisation's directory page: the whole partnership's, for whoever may read
    the directory. Others get a 404 from views before they get here (403 first)."""
    if not can_view_directory(user):
        raise Http404
    try:
        return (
            organisations_for_directory()
            .prefetch_related(
                Prefetch(
                    "contact_points",
                    queryset=ContactPoint.objects.select_related("user", "verified_by"),
                ),
            )
            .get(pk=organisation_id)
        )
    except Organisation.DoesNotExist:
        raise Http404 from None


def find_recipient(organisation: Organisation, name: str) -> list[DirectoryPractitioner]:
    """Practitioners of `organisation` still in use whose name or job title contains
    `name` (case-insensitive; every word must match), verified entries first. An empty
    `name` gives none."""
    words = name.split()
    if not words:
        return []
    found = DirectoryPractitioner.objects.filter(organisation=organisation, active=True)
    for word in words:
        found = found.filter(Q(name__icontains=word) | Q(job_title__icontains=word))
    return sorted(found.select_related("verified_by"), key=lambda p: (not p.is_verified, p.name))


def verified_contacts(organisation: Organisation) -> list[ContactPoint]:
    """The organisation's contact points that are verified and still in use: in-system
    recipients first (the most secure channel), then secure email, then phone."""
    order = {ContactKind.IN_SYSTEM: 0, ContactKind.SECURE_EMAIL: 1, ContactKind.PHONE: 2}
    found = ContactPoint.objects.filter(
        organisation=organisation, active=True, verified_on__isnull=False
    ).select_related("user")
    return sorted(found, key=lambda c: (order.get(ContactKind(c.kind), 9), c.label, c.value))


def _normalised(value: str) -> tuple[str, str] | None:
    value = value.strip()
    if "@" in value:
        try:
            return ContactKind.SECURE_EMAIL, normalise_email(value)
        except ValidationError:
            return None
    try:
        return ContactKind.PHONE, normalise_uk_phone(value)
    except ValidationError:
        return None


def is_verified_contact(organisation: Organisation, value: str) -> bool:
    """Whether `value` (a secure email address or UK phone number, written any usual way)
    is a verified contact of `organisation`: one of its verified contact points in use, or
    the secure email or phone of one of its verified practitioners in use."""
    found = _normalised(value)
    if found is None:
        return False
    kind, normal = found
    if ContactPoint.objects.filter(
        organisation=organisation, kind=kind, value=normal, active=True, verified_on__isnull=False
    ).exists():
        return True
    people = DirectoryPractitioner.objects.filter(
        organisation=organisation, active=True, verified_on__isnull=False
    )
    if kind == ContactKind.SECURE_EMAIL:
        return people.filter(secure_email=normal).exists()
    return people.filter(phone=normal).exists()


def get_contact_for_user(user: User, contact_id: UUID) -> ContactPoint:
    if not can_view_directory(user):
        raise Http404
    try:
        return ContactPoint.objects.select_related("organisation", "user").get(pk=contact_id)
    except ContactPoint.DoesNotExist:
        raise Http404 from None


def get_practitioner_for_user(user: User, practitioner_id: UUID) -> DirectoryPractitioner:
    if not can_view_directory(user):
        raise Http404
    try:
        return DirectoryPractitioner.objects.select_related("organisation").get(pk=practitioner_id)
    except DirectoryPractitioner.DoesNotExist:
        raise Http404 from None
