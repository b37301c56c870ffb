"""Every change to person records. Views, API and commands call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeshare.accounts.models import User
from safeshare.ledger.actions import append_entry
from safeshare.subjects.models import Identifier, IdentifierKind, Person
from safeshare.subjects.permissions import can_add_person


def add_person(
    *,
    actor: User,
    kind: str,
    given_names: str,
    family_name: str,
    known_as: str = "",
    date_of_birth: datetime.date | None = None,
    nhs_number: str = "",
    upn: str = "",
) -> Person:
    if not can_add_person(actor):
        raise PermissionDenied("Your role cannot add person records")
    with transaction.atomic():
        person = Person.objects.create(
            organisation_id=actor.organisation_pk(),
            kind=kind,
            given_names=given_names,
            family_name=family_name,
            known_as=known_as,
            date_of_birth=date_of_birth,
            created_by=actor,
        )
        if nhs_number:
            Identifier.objects.create(
                person=person, kind=IdentifierKind.NHS_NUMBER, value=nhs_number
            )
        if upn:
            Identifier.objects.create(person=person, kind=IdentifierKind.UPN, value=upn)
        # Ids and counts only: the ledger never holds a name or an identifier's value.
        append_entry(
            event_type="subjects.person.added",
            actor=actor,
            organisation=actor.organisation,
            obj=person,
            payload={"kind": kind, "identifiers": bool(nhs_number) + bool(upn)},
        )
    return person
