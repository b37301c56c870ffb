"""Users and organisations added or changed in the admin are ledger events (issue 5): which
fields changed, never their values; a change of access also ends the user's sessions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, Role, User
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def joined_on_a_whole_second(practitioner: User) -> None:
    """The admin form shows date_joined to the second: a factory's microseconds would
    come back as a change (and are one: the admin does truncate them)."""
    User.objects.filter(pk=practitioner.pk).update(
        date_joined=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    )


@pytest.fixture
def admin_client(organisation: Organisation) -> Client:
    client = Client()
    client.force_login(UserFactory.create(organisation=organisation, administrator=True))
    return client


def _change_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """The admin change form as it stands, with `changes` applied."""
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.pop("last_login", None)
    data.update({"groups": [], "user_permissions": []})
    if "date_joined" in data:
        # The admin's date and time fields hold whole seconds, in local time.
        # date_joined has a callable default, so the page also posts its initial value in
        # hidden fields, which changed_data compares with.
        joined = timezone.localtime(data.pop("date_joined"))
        for prefix in ("", "initial-"):
            data[f"{prefix}date_joined_0"] = f"{joined:%Y-%m-%d}"
            data[f"{prefix}date_joined_1"] = f"{joined:%H:%M:%S}"
    if data.get("is_active"):
        data["is_active"] = "on"
    for key in ("organisation",):
        if key in data:
            data[key] = str(data[key])
    data.update(changes)
    return data


def _events(prefix: str) -> list[Entry]:
    return list(Entry.objects.filter(event_type__startswith=prefix).order_by("sequence"))


def test_adding_a_user_is_recorded(admin_client: Client, organisation: Organisation) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new.teacher",
            "usable_password": "true",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "organisation": str(organisation.pk),
            "role": Role.PRACTITIONER,
            "first_name": "Nia",
            "last_name": "Patel",
            "email": "nia.patel@school.example",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new.teacher")
    [entry] = _events("accounts.user.")
    assert entry.event_type == "accounts.user.created"
    assert entry.object_id == str(user.pk)
    assert entry.payload == {"user": str(user.pk), "role": "practitioner"}
    assert verify_ledger().ok


def test_a_change_names_the_fields_not_their_values(
    admin_client: Client, practitioner: User
) -> None:
    url = reverse("admin:accounts_user_change", args=[practitioner.pk])
    epoch = practitioner.session_epoch
    response = admin_client.post(url, _change_data(admin_client, url, job_title="Head of year 4"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = _events("accounts.user.")
    assert entry.event_type == "accounts.user.changed"
    assert entry.payload == {"user": str(practitioner.pk), "fields": "job_title"}
    assert "Head of year" not in str(entry.payload)
    practitioner.refresh_from_db()
    assert practitioner.session_epoch == epoch  # not an access change: sessions carry on
    assert verify_ledger().ok


def test_a_role_change_is_an_access_change(admin_client: Client, practitioner: User) -> None:
    url = reverse("admin:accounts_user_change", args=[practitioner.pk])
    epoch = practitioner.session_epoch
    response = admin_client.post(url, _change_data(admin_client, url, role=Role.MANAGER))
    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = _events("accounts.user.")
    assert entry.event_type == "accounts.user.access_changed"
    assert entry.payload == {"user": str(practitioner.pk), "role": "manager", "fields": "role"}
    practitioner.refresh_from_db()
    assert practitioner.session_epoch == epoch + 1


def test_saving_without_a_change_records_nothing(admin_client: Client, practitioner: User) -> None:
    url = reverse("admin:accounts_user_change", args=[practitioner.pk])
    assert admin_client.post(url, _change_data(admin_client, url)).status_code == 302
    assert _events("accounts.user.") == []


def test_organisations_added_and_changed_are_recorded(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Hillside Academy", "kind": "school"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(name="Hillside Academy")
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    assert (
        admin_client.post(
            url, {"name": "Hillside Academy Trust", "kind": "school", "public_authority": "on"}
        ).status_code
        == 302
    )
    recorded = {"kind": "school", "public_authority": True}
    assert [(e.event_type, e.object_id, e.payload) for e in _events("accounts.organisation.")] == [
        ("accounts.organisation.added", str(organisation.pk), recorded),
        ("accounts.organisation.changed", str(organisation.pk), recorded),
    ]
    assert verify_ledger().ok
