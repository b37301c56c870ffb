"""Every change to person records. Views, API and commands call these."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeshare.accounts.models import User
from safeshare.core.csv_io import RowProblem
from safeshare.ledger.actions import append_entry
from safeshare.subjects import import_people as people_csv
from safeshare.subjects.models import Identifier, IdentifierKind, Person
from safeshare.subjects.permissions import can_add_person, can_import_people


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
        return _create_person(
            actor=actor,
            kind=kind,
            given_names=given_names,
            family_name=family_name,
            known_as=known_as,
            date_of_birth=date_of_birth,
            nhs_number=nhs_number,
            upn=upn,
        )


def _create_person(
    *,
    actor: User,
    kind: str,
    given_names: str,
    family_name: str,
    known_as: str,
    date_of_birth: datetime.date | None,
    nhs_number: str,
    upn: str,
) -> Person:
    """One person, their identifiers and the ledger entry, in the caller's transaction:
    added one at a time or imported, a person is written the same way."""
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
        Identifier.objects.create(person=person, kind=IdentifierKind.NHS_NUMBER, value=nhs_number)
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


@dataclass
class ImportResult:
    checked: people_csv.CheckedPeople | None
    written: int = 0
    # The confirmation had already been used (a second press of Import people).
    already_imported: bool = False

    @property
    def problems(self) -> list[RowProblem]:
        return self.checked.problems if self.checked else []


def import_people(
    *,
    actor: User,
    data: bytes,
    dry_run: bool,
    claim: Callable[[], bool] | None = None,
) -> ImportResult:
    """Check a CSV file of people and, unless `dry_run` or any row is bad, add every row
    to the administrator's own organisation in one transaction: all rows or none.

    `claim`, called inside the transaction once this administrator's other imports have
    finished, says whether this confirmation is still unused; when it says no, nothing is
    written, so pressing Import people twice imports once.
    """
    if not can_import_people(actor):
        raise PermissionDenied("Only your organisation's administrator can import people")
    organisation_id = actor.organisation_pk()
    if dry_run:
        return ImportResult(people_csv.check_file(data, organisation_id))
    with transaction.atomic():
        # One import at a time per administrator: the second waits here for the first.
        list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
        if claim is not None and not claim():
            return ImportResult(None, already_imported=True)
        # Checked again inside the transaction, so a person added meanwhile is a duplicate.
        checked = people_csv.check_file(data, organisation_id)
        if not checked.ok:
            return ImportResult(checked)
        for row in checked.people:
            _create_person(actor=actor, **row.fields())
    return ImportResult(checked, written=len(checked.people))
