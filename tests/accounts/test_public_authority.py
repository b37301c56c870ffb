"""Whether an organisation is a public authority (issue 15): the default from its kind, the
administrator's change in the admin, the ledger, and the directory page that shows it.
UK GDPR Article 6(1)(ea) and (f) are not open to public authorities for their tasks."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import (
    Organisation,
    OrganisationKind,
    User,
    public_authority_by_default,
)
from safeshare.ledger import actions as ledger_actions
from safeshare.ledger import digest as ledger_digest
from safeshare.ledger.digest import digest_of, record_contents
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.signin import actions as signin_actions
from tests.factories import OrganisationFactory, UserFactory
from tests.ledger.conftest import verify_failure

pytestmark = pytest.mark.django_db

NOT_PUBLIC = {OrganisationKind.VOLUNTARY, OrganisationKind.PRIVATE}


@pytest.mark.parametrize("kind", list(OrganisationKind))
def test_the_default_follows_the_kind(kind: OrganisationKind) -> None:
    expected = kind not in NOT_PUBLIC
    assert public_authority_by_default(kind) is expected
    organisation = Organisation.objects.create(name=f"A {kind.label}", kind=kind)
    organisation.refresh_from_db()
    assert organisation.public_authority is expected


def test_every_kind_is_decided() -> None:
    """A kind added later is a public authority unless it is listed as not one: the list of
    kinds that are not is exactly voluntary groups and private providers."""
    assert {k for k in OrganisationKind if not public_authority_by_default(k)} == NOT_PUBLIC


def test_a_value_given_is_kept() -> None:
    independent = Organisation.objects.create(
        name="St Hilda's Independent School", kind=OrganisationKind.SCHOOL, public_authority=False
    )
    independent.refresh_from_db()
    assert independent.public_authority is False


def test_the_migration_sets_existing_rows_from_their_kind() -> None:
    migration = importlib.import_module(
        "safeshare.accounts.migrations.0003_organisation_public_authority"
    )
    club = OrganisationFactory.create(
        name="Northshire Boxing Club", kind=OrganisationKind.VOLUNTARY
    )
    school = OrganisationFactory.create(name="Riverside Primary", kind=OrganisationKind.SCHOOL)
    # As AddField left them: true for every row.
    Organisation.objects.update(public_authority=True)
    migration.set_from_kind(apps, connection.schema_editor())
    club.refresh_from_db()
    school.refresh_from_db()
    assert (club.public_authority, school.public_authority) == (False, True)


def _digest_before_0003(organisation: Organisation) -> str:
    """The digest an organisation had before accounts 0003, built independently of the
    model's own rebuild: every column as stored but `public_authority`."""
    content = record_contents(Organisation, [organisation.pk])[str(organisation.pk)]
    fields = dict(content["fields"])
    fields.pop("public_authority")
    return digest_of({**content, "fields": fields})


def test_an_entry_from_before_the_column_still_verifies_and_edits_still_show(
    administrator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ledger_digest.record_digest

    def as_before(obj: Any, db: Any = None) -> str:
        # The entry is written as the code before accounts 0003 wrote it.
        return _digest_before_0003(obj) if isinstance(obj, Organisation) else real(obj, db)

    club = OrganisationFactory.create(
        name="Northshire Boxing Club", kind=OrganisationKind.VOLUNTARY
    )
    monkeypatch.setattr(ledger_actions, "record_digest", as_before)
    signin_actions.organisation_saved(actor=administrator, organisation=club, created=True)
    monkeypatch.undo()
    assert verify_ledger().ok

    # Changed behind the application: the legacy form no longer excuses it.
    Organisation.objects.filter(pk=club.pk).update(public_authority=True)
    assert f"record accounts.organisation {club.pk} edited" in verify_failure()


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, administrator=True)


@pytest.fixture
def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def test_adding_in_the_admin_takes_the_kind_default(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:accounts_organisation_add"))
    assert "public_authority" not in page.context["adminform"].form.fields
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Northshire Youth Football Club", "kind": OrganisationKind.VOLUNTARY},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    club = Organisation.objects.get(name="Northshire Youth Football Club")
    assert club.public_authority is False
    [entry] = Entry.objects.filter(event_type="accounts.organisation.added")
    assert entry.payload == {"kind": "voluntary", "public_authority": False}


def test_an_administrator_changes_it_in_the_admin(admin_client: Client) -> None:
    school = OrganisationFactory.create(name="St Hilda's School", kind=OrganisationKind.SCHOOL)
    assert school.public_authority is True
    url = reverse("admin:accounts_organisation_change", args=[school.pk])
    form = admin_client.get(url).context["adminform"].form
    assert form.initial["public_authority"] is True
    # An independent school is not a public authority: the checkbox left clear.
    response = admin_client.post(url, {"name": school.name, "kind": OrganisationKind.SCHOOL})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=school.pk).public_authority is False
    [entry] = Entry.objects.filter(event_type="accounts.organisation.changed")
    assert entry.payload == {"kind": "school", "public_authority": False}
    assert verify_ledger().ok
    # And back.
    admin_client.post(
        url, {"name": school.name, "kind": OrganisationKind.SCHOOL, "public_authority": "on"}
    )
    school.refresh_from_db()
    assert school.public_authority is True


@pytest.mark.parametrize("role", ["practitioner", "manager", "ig_lead", "auditor"])
def test_only_an_administrator_can_change_it(organisation: Organisation, role: str) -> None:
    user = UserFactory.create(
        organisation=organisation, **{role: True} if role != "practitioner" else {}
    )
    user.is_staff = True  # staff status alone is not enough
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    response = client.post(url, {"name": organisation.name, "kind": organisation.kind})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    organisation.refresh_from_db()
    assert organisation.public_authority is True
    assert not Entry.objects.filter(event_type__startswith="accounts.organisation.").exists()


@pytest.mark.parametrize(
    ("kind", "shown"),
    [
        (OrganisationKind.POLICE, "Yes: it cannot rely on legitimate interests for its tasks"),
        (OrganisationKind.VOLUNTARY, "No: it may rely on recognised legitimate interests"),
    ],
)
def test_the_directory_page_shows_it(
    client: Client, practitioner: User, kind: OrganisationKind, shown: str
) -> None:
    other = OrganisationFactory.create(name=f"A partner: {kind.label}", kind=kind)
    client.force_login(practitioner)
    page = client.get(reverse("directory:organisation", args=[other.pk]))
    assert page.status_code == 200
    assert shown in page.content.decode()
