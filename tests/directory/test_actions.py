from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from safeshare.accounts.models import Organisation, User
from safeshare.directory import actions
from safeshare.directory.models import ContactKind
from safeshare.ledger.models import Entry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_verifying_records_who_and_when_with_a_ledger_entry(
    organisation: Organisation, ig_lead: User
) -> None:
    contact = actions.add_contact_point(
        actor=ig_lead,
        organisation=organisation,
        kind=ContactKind.SECURE_EMAIL,
        value="a@example.org",
    )
    assert not contact.is_verified
    contact = actions.verify_contact_point(actor=ig_lead, contact=contact)
    assert contact.verified_by == ig_lead and contact.verified_on is not None
    entry = Entry.objects.get(event_type="directory.contact.verified")
    assert entry.object_id == str(contact.pk)
    assert "a@example.org" not in str(entry.payload)


def test_changing_the_address_clears_verification(
    organisation: Organisation, ig_lead: User
) -> None:
    contact = actions.add_contact_point(
        actor=ig_lead, organisation=organisation, kind=ContactKind.PHONE, value="01632960001"
    )
    contact = actions.verify_contact_point(actor=ig_lead, contact=contact)
    same = actions.change_contact_point(
        actor=ig_lead, contact=contact, value="01632960001", label="Office"
    )
    assert same.is_verified
    changed = actions.change_contact_point(actor=ig_lead, contact=same, value="01632960002")
    assert not changed.is_verified and changed.verified_by is None


def test_a_duplicate_contact_point_is_refused(organisation: Organisation, ig_lead: User) -> None:
    actions.add_contact_point(
        actor=ig_lead, organisation=organisation, kind=ContactKind.PHONE, value="01632960001"
    )
    with pytest.raises(actions.DirectoryError, match="already has this contact point"):
        actions.add_contact_point(
            actor=ig_lead, organisation=organisation, kind=ContactKind.PHONE, value="01632960001"
        )


def test_an_in_system_recipient_works_for_the_organisation(
    organisation: Organisation, ig_lead: User, outsider: User, practitioner: User
) -> None:
    with pytest.raises(actions.DirectoryError, match="who works for"):
        actions.add_contact_point(
            actor=ig_lead, organisation=organisation, kind=ContactKind.IN_SYSTEM, user=outsider
        )
    contact = actions.add_contact_point(
        actor=ig_lead, organisation=organisation, kind=ContactKind.IN_SYSTEM, user=practitioner
    )
    assert contact.value == "" and contact.user == practitioner


def test_an_ig_lead_cannot_change_another_organisation(
    other_organisation: Organisation, ig_lead: User
) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_practitioner(
            actor=ig_lead, organisation=other_organisation, name="A", job_title="B"
        )


def test_an_administrator_can_change_any_organisation(
    other_organisation: Organisation, administrator: User
) -> None:
    person = actions.add_practitioner(
        actor=administrator, organisation=other_organisation, name="A", job_title="B"
    )
    person = actions.verify_practitioner(actor=administrator, practitioner=person)
    assert person.is_verified
    person = actions.change_practitioner(
        actor=administrator, practitioner=person, name="A", job_title="C"
    )
    assert person.is_verified  # the job title is not what was checked
    person = actions.change_practitioner(
        actor=administrator, practitioner=person, name="A", job_title="C", phone="01632960001"
    )
    assert not person.is_verified


@pytest.mark.parametrize("role", ["practitioner", "manager", "auditor"])
def test_other_roles_cannot_change_the_directory(organisation: Organisation, role: str) -> None:
    user = UserFactory.create(organisation=organisation, role=role)
    with pytest.raises(PermissionDenied):
        actions.update_profile(
            actor=user, organisation=organisation, address="", main_phone="", notes=""
        )
