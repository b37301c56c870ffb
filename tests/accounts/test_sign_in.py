from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_a_correct_password_and_rotates_the_session(
    client: Client, practitioner: User
) -> None:
    client.get(reverse("accounts:sign_in"))
    before = client.session.session_key
    response = client.post(
        reverse("accounts:sign_in"), {"username": "practitioner", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("site:home")
    assert client.session.session_key != before


def test_it_names_the_empty_fields(client: Client) -> None:
    page = client.post(
        reverse("accounts:sign_in"), {"username": "", "password": ""}
    ).content.decode()
    assert "Enter your username" in page
    assert "Enter your password" in page
    assert 'href="#id_username"' in page


def test_it_refuses_a_wrong_password_without_saying_which_part(
    client: Client, practitioner: User
) -> None:
    response = client.post(
        reverse("accounts:sign_in"), {"username": "practitioner", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_disabled_account(client: Client) -> None:
    UserFactory.create(username="gone", is_active=False)
    response = client.post(reverse("accounts:sign_in"), {"username": "gone", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_it_stores_passwords_with_argon2(practitioner: User) -> None:
    assert practitioner.password.startswith("argon2")


def test_it_signs_out_only_by_post(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()
    assert client.get(reverse("site:home")).status_code == 302


def test_it_keeps_the_admin_for_administrators(client: Client, practitioner: User) -> None:
    staff_practitioner = UserFactory.create(is_staff=True, username="staffpractitioner")
    client.force_login(staff_practitioner)
    assert client.get("/admin/").status_code == 302
    administrator = UserFactory.create(administrator=True, username="admin1")
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
