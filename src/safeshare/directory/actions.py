"""Every change to the directory. Views and the `safeshare directory` command call these.

Each action checks the actor's permission and writes its change and its ledger entry in
one transaction. The ledger payload holds ids and codes only, never a name, address or
contact value: the ledger is shown to partners.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.directory import csv_io
from safeshare.directory.models import (
    ContactKind,
    ContactPoint,
    DirectoryPractitioner,
    OrganisationProfile,
)
from safeshare.directory.permissions import (
    can_be_listed_for,
    can_import_directory,
    can_manage_directory,
)
from safeshare.ledger.changes import record_change


class DirectoryError(Exception):
    """A change the directory refuses, with a message naming what is wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _check(actor: User, organisation: Organisation) -> None:
    if not can_manage_directory(actor, organisation):
        raise PermissionDenied("Your role cannot change this organisation's directory entry")


def _contact_exists(
    organisation: Organisation, kind: str, value: str, user: User | None, exclude: Any = None
) -> bool:
    found = ContactPoint.objects.filter(organisation=organisation, kind=kind)
    found = found.filter(user=user) if kind == ContactKind.IN_SYSTEM else found.filter(value=value)
    return found.exclude(pk=exclude).exists()


def _check_contact(
    organisation: Organisation, kind: str, value: str, user: User | None, exclude: Any = None
) -> None:
    if kind == ContactKind.IN_SYSTEM and not can_be_listed_for(user, organisation):
        raise DirectoryError(f"Select a safeshare user who works for {organisation.name}", "user")
    if _contact_exists(organisation, kind, value, user, exclude):
        raise DirectoryError(f"{organisation.name} already has this contact point", "value")


def update_profile(
    *, actor: User, organisation: Organisation, address: str, main_phone: str, notes: str
) -> OrganisationProfile:
    _check(actor, organisation)
    with transaction.atomic():
        profile, _ = OrganisationProfile.objects.update_or_create(
            organisation=organisation,
            defaults={"address": address, "main_phone": main_phone, "notes": notes},
        )
        record_change(
            "directory.profile.changed",
            actor=actor,
            obj=profile,
            payload={"organisation": str(organisation.pk)},
        )
    return profile


def add_contact_point(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    value: str = "",
    user: User | None = None,
    label: str = "",
    verified_on: datetime.date | None = None,
) -> ContactPoint:
    """A new contact point; `verified_on` set means the actor vouches that it was checked."""
    _check(actor, organisation)
    if kind == ContactKind.IN_SYSTEM:
        value = ""
    else:
        user = None
    with transaction.atomic():
        _check_contact(organisation, kind, value, user)
        contact = ContactPoint.objects.create(
            organisation=organisation,
            kind=kind,
            value=value,
            user=user,
            label=label,
            verified_by=actor if verified_on else None,
            verified_on=verified_on,
            created_by=actor,
        )
        record_change(
            "directory.contact.added",
            actor=actor,
            obj=contact,
            payload={
                "organisation": str(organisation.pk),
                "kind": kind,
                "verified": bool(verified_on),
            },
        )
    return contact


def change_contact_point(
    *,
    actor: User,
    contact: ContactPoint,
    value: str = "",
    user: User | None = None,
    label: str = "",
    active: bool = True,
) -> ContactPoint:
    """Change a contact point. A changed address, number or user is no longer verified:
    what was checked was the old one."""
    _check(actor, contact.organisation)
    if contact.kind == ContactKind.IN_SYSTEM:
        value = ""
    else:
        user = None
    with transaction.atomic():
        contact = ContactPoint.objects.select_for_update().get(pk=contact.pk)
        _check_contact(contact.organisation, contact.kind, value, user, exclude=contact.pk)
        changed_target = contact.value != value or contact.user_id != (user.pk if user else None)
        contact.value, contact.user, contact.label, contact.active = value, user, label, active
        if changed_target:
            contact.verified_by, contact.verified_on = None, None
        contact.save()
        record_change(
            "directory.contact.changed",
            actor=actor,
            obj=contact,
            payload={
                "organisation": str(contact.organisation_id),
                "active": active,
                "verification_cleared": changed_target,
            },
        )
    return contact


def verify_contact_point(*, actor: User, contact: ContactPoint) -> ContactPoint:
    """Record that the actor checked this contact point today (for example by calling the
    organisation's main number to confirm the address)."""
    _check(actor, contact.organisation)
    with transaction.atomic():
        contact = ContactPoint.objects.select_for_update().get(pk=contact.pk)
        contact.verified_by, contact.verified_on = actor, timezone.localdate()
        contact.save(update_fields=["verified_by", "verified_on"])
        record_change(
            "directory.contact.verified",
            actor=actor,
            obj=contact,
            payload={"organisation": str(contact.organisation_id), "kind": contact.kind},
        )
    return contact


def add_practitioner(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    job_title: str,
    secure_email: str = "",
    phone: str = "",
    user: User | None = None,
    verified_on: datetime.date | None = None,
) -> DirectoryPractitioner:
    _check(actor, organisation)
    if user is not None and not can_be_listed_for(user, organisation):
        raise DirectoryError(f"Select a safeshare user who works for {organisation.name}", "user")
    with transaction.atomic():
        person = DirectoryPractitioner.objects.create(
            organisation=organisation,
            name=name,
            job_title=job_title,
            secure_email=secure_email,
            phone=phone,
            user=user,
            verified_by=actor if verified_on else None,
            verified_on=verified_on,
            created_by=actor,
        )
        record_change(
            "directory.practitioner.added",
            actor=actor,
            obj=person,
            payload={"organisation": str(organisation.pk), "verified": bool(verified_on)},
        )
    return person


def change_practitioner(
    *,
    actor: User,
    practitioner: DirectoryPractitioner,
    name: str,
    job_title: str,
    secure_email: str = "",
    phone: str = "",
    active: bool = True,
) -> DirectoryPractitioner:
    """Change a practitioner's entry; a changed name, email or phone clears verification."""
    _check(actor, practitioner.organisation)
    with transaction.atomic():
        person = DirectoryPractitioner.objects.select_for_update().get(pk=practitioner.pk)
        # Who was checked, and how to reach them: a change to either is unchecked.
        changed_contact = (person.name, person.secure_email, person.phone) != (
            name,
            secure_email,
            phone,
        )
        person.name, person.job_title = name, job_title
        person.secure_email, person.phone, person.active = secure_email, phone, active
        if changed_contact:
            person.verified_by, person.verified_on = None, None
        person.save()
        record_change(
            "directory.practitioner.changed",
            actor=actor,
            obj=person,
            payload={"organisation": str(person.organisation_id), "active": active},
        )
    return person


def verify_practitioner(
    *, actor: User, practitioner: DirectoryPractitioner
) -> DirectoryPractitioner:
    _check(actor, practitioner.organisation)
    with transaction.atomic():
        person = DirectoryPractitioner.objects.select_for_update().get(pk=practitioner.pk)
        person.verified_by, person.verified_on = actor, timezone.localdate()
        person.save(update_fields=["verified_by", "verified_on"])
        record_change(
            "directory.practitioner.verified",
            actor=actor,
            obj=person,
            payload={"organisation": str(person.organisation_id)},
        )
    return person


@dataclass(frozen=True)
class ImportResult:
    checked: csv_io.CheckedFile
    written: bool

    @property
    def contacts(self) -> int:
        return len(self.checked.contacts)

    @property
    def practitioners(self) -> int:
        return len(self.checked.practitioners)


def import_directory(*, actor: User, data: bytes, dry_run: bool) -> ImportResult:
    """Check a CSV file and, unless `dry_run` or any row is bad, add every row in one
    transaction: all rows or none. Rows with a verified_on date are recorded as verified
    by the importing administrator, who vouches for the file."""
    if not can_import_directory(actor):
        raise PermissionDenied("Only administrators can import the directory")
    if dry_run:
        return ImportResult(csv_io.check_file(data), written=False)
    with transaction.atomic():
        # Checked again inside the transaction, so a row added meanwhile is a duplicate.
        checked = csv_io.check_file(data)
        if not checked.ok:
            return ImportResult(checked, written=False)
        for row in checked.contacts:
            contact = ContactPoint.objects.create(
                organisation=row["organisation"],
                kind=row["kind"],
                value=row["value"],
                user=row.get("user"),
                label=row["label"],
                verified_by=actor if row["verified_on"] else None,
                verified_on=row["verified_on"],
                created_by=actor,
            )
            record_change(
                "directory.contact.imported",
                actor=actor,
                obj=contact,
                payload={"organisation": str(contact.organisation_id), "row": row["row"]},
            )
        for row in checked.practitioners:
            person = DirectoryPractitioner.objects.create(
                organisation=row["organisation"],
                name=row["name"],
                job_title=row["job_title"],
                secure_email=row["secure_email"],
                phone=row["phone"],
                verified_by=actor if row["verified_on"] else None,
                verified_on=row["verified_on"],
                created_by=actor,
            )
            record_change(
                "directory.practitioner.imported",
                actor=actor,
                obj=person,
                payload={"organisation": str(person.organisation_id), "row": row["row"]},
            )
    return ImportResult(checked, written=True)
