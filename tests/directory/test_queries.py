from __future__ import annotations

import pytest

from safeshare.accounts.models import Organisation, User
from safeshare.directory import actions
from safeshare.directory.models import ContactKind
from safeshare.directory.queries import find_recipient, is_verified_contact, verified_contacts

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(organisation: Organisation, administrator: User, practitioner: User) -> None:
    email = actions.add_contact_point(
        actor=administrator,
        organisation=organisation,
        kind=ContactKind.SECURE_EMAIL,
        value="safeguarding@riverside.example.org",
    )
    actions.verify_contact_point(actor=administrator, contact=email)
    actions.add_contact_point(
        actor=administrator, organisation=organisation, kind=ContactKind.PHONE, value="01632960001"
    )
    in_system = actions.add_contact_point(
        actor=administrator,
        organisation=organisation,
        kind=ContactKind.IN_SYSTEM,
        user=practitioner,
    )
    actions.verify_contact_point(actor=administrator, contact=in_system)
    walsh = actions.add_practitioner(
        actor=administrator,
        organisation=organisation,
        name="Peter Walsh",
        job_title="Designated safeguarding lead",
        phone="07700900982",
    )
    actions.verify_practitioner(actor=administrator, practitioner=walsh)
    actions.add_practitioner(
        actor=administrator, organisation=organisation, name="Paula Walsh", job_title="Teacher"
    )


@pytest.mark.usefixtures("entries")
def test_verified_contacts_in_system_first_and_unverified_left_out(
    organisation: Organisation,
) -> None:
    found = verified_contacts(organisation)
    assert [c.kind for c in found] == [ContactKind.IN_SYSTEM, ContactKind.SECURE_EMAIL]


@pytest.mark.usefixtures("entries")
def test_find_recipient_by_name_or_role_verified_first(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    assert [p.name for p in find_recipient(organisation, "walsh")] == [
        "Peter Walsh",
        "Paula Walsh",
    ]
    assert [p.name for p in find_recipient(organisation, "safeguarding lead")] == ["Peter Walsh"]
    assert find_recipient(organisation, "  ") == []
    assert find_recipient(other_organisation, "walsh") == []


@pytest.mark.usefixtures("entries")
@pytest.mark.parametrize(
    ("value", "verified"),
    [
        ("Safeguarding@RIVERSIDE.example.org", False),  # the local part is kept as typed
        ("safeguarding@Riverside.Example.org", True),
        ("01632 960 001", False),  # in the directory, not verified
        ("+44 7700 900982", True),  # a verified practitioner's phone
        ("nobody@example.org", False),
        ("not a contact", False),
    ],
)
def test_is_verified_contact(organisation: Organisation, value: str, verified: bool) -> None:
    assert is_verified_contact(organisation, value) is verified


@pytest.mark.usefixtures("entries")
def test_a_contact_no_longer_in_use_is_not_verified(
    organisation: Organisation, administrator: User
) -> None:
    contact = verified_contacts(organisation)[1]
    actions.change_contact_point(
        actor=administrator, contact=contact, value=contact.value, active=False
    )
    assert not is_verified_contact(organisation, "safeguarding@riverside.example.org")
