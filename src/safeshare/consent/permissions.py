"""Who may see and change the consent register (docs/permissions.md, "Consent register").

Every case role of the person's organisation sees a person's register and records in it
(consent is recorded by whoever spoke to the person, as withdrawal is:
decisions.permissions.can_record_consent_withdrawal); another organisation's register is a
404 (consent/queries.py); roles without case records (auditor, administrator) get 403.
Relying on an entry changes a draft, so it is the draft's editors' rule."""

from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.consent.models import ConsentEntry, State
from safeshare.decisions.models import Decision
from safeshare.decisions.permissions import can_edit_draft
from safeshare.subjects.models import Person


def can_use_register(user: User) -> bool:
    return can_view_case_records(user)


def is_own_person(user: User, person: Person) -> bool:
    return can_use_register(user) and person.organisation_id == user.organisation_id


def can_record(user: User, person: Person) -> bool:
    return is_own_person(user, person)


def can_change(user: User, entry: ConsentEntry) -> bool:
    """Withdraw or review an entry: a case role of its organisation."""
    return can_use_register(user) and entry.organisation_id == user.organisation_id


def can_withdraw(user: User, entry: ConsentEntry) -> bool:
    return can_change(user, entry) and entry.state() in {State.GIVEN, State.EXPIRED}


def can_review(user: User, entry: ConsentEntry) -> bool:
    return can_change(user, entry) and entry.state() == State.GIVEN


def can_rely(user: User, decision: Decision, entry: ConsentEntry) -> bool:
    """A draft relies on an entry of one of its people, given and still current."""
    return (
        can_edit_draft(user, decision)
        and can_change(user, entry)
        and entry.organisation_id == decision.organisation_id
        and entry.can_be_relied_on
    )
