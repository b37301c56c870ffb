"""Sessions: a new one at sign-in, an idle timeout, and every session of a user ends when
they sign out, are disabled, change password or second factor, or have their access changed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.accounts.models import Role, User
from safeshare.signin import actions
from tests.factories import PASSWORD, TOTPDeviceFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

HOME = reverse("site:home")


def _two_devices(user: User) -> tuple[Client, Client]:
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    assert laptop.get(HOME).status_code == 200
    assert phone.get(HOME).status_code == 200
    return laptop, phone


def test_the_session_is_an_idle_timeout_of_thirty_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_WARNING_SECONDS == 25 * 60


def test_a_session_is_renewed_by_each_request_and_the_keep_alive(
    client: Client, practitioner: User
) -> None:
    client.force_login(practitioner)
    response = client.post(reverse("accounts:keep_alive"))
    assert response.status_code == 204
    assert client.session.get_expiry_age() == 30 * 60


def test_every_page_carries_the_idle_warning_settings(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    page = client.get(HOME).content.decode()
    assert 'data-warn-after="1500"' in page
    assert "safeshare/session-timeout.mjs" in page


def test_signing_out_ends_every_session_of_the_user(practitioner: User) -> None:
    laptop, phone = _two_devices(practitioner)
    laptop.post(reverse("accounts:sign_out"))
    assert phone.get(HOME).status_code == 302


def test_disabling_an_account_ends_its_sessions(practitioner: User) -> None:
    laptop, _ = _two_devices(practitioner)
    admin = UserFactory.create(administrator=True, username="admin1")
    actions.set_active(actor=admin, user=practitioner, active=False)
    assert laptop.get(HOME).status_code == 302
    actions.set_active(actor=admin, user=practitioner, active=True)
    assert laptop.get(HOME).status_code == 302  # old sessions do not come back


def test_only_an_administrator_disables_accounts(practitioner: User) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.set_active(actor=practitioner, user=practitioner, active=False)


def test_changing_the_password_ends_every_session(practitioner: User) -> None:
    laptop, phone = _two_devices(practitioner)
    practitioner.set_password("a-new-long-password-2026")
    practitioner.save()
    assert laptop.get(HOME).status_code == 302
    assert phone.get(HOME).status_code == 302


def test_resetting_the_second_factor_ends_every_session(practitioner: User) -> None:
    laptop, _ = _two_devices(practitioner)
    admin = UserFactory.create(administrator=True, username="admin1")
    actions.reset_second_factor(actor=admin, user=practitioner)
    assert laptop.get(HOME).status_code == 302


def test_setting_up_a_new_authenticator_ends_the_other_sessions(practitioner: User) -> None:
    laptop, phone = _two_devices(practitioner)
    laptop.get(reverse("accounts:mfa_setup"))
    new = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    response = laptop.post(reverse("accounts:mfa_setup"), {"code": totp_code(new)})
    assert response.status_code == 302
    assert laptop.get(HOME).status_code == 200  # this session carries on
    assert phone.get(HOME).status_code == 302


def test_an_admin_role_change_ends_the_users_sessions(practitioner: User) -> None:
    laptop, _ = _two_devices(practitioner)
    admin = UserFactory.create(administrator=True, username="admin1")
    client = Client()
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[practitioner.pk])
    page = client.get(url)
    assert page.status_code == 200, page
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "organisation": str(practitioner.organisation_id),
            "role": Role.MANAGER,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "is_active": "on",
            "groups": [],
            "user_permissions": [],
        }
    )
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert laptop.get(HOME).status_code == 302


@pytest.mark.no_auto_otp
def test_sign_in_starts_a_new_session_at_each_step(client: Client, practitioner: User) -> None:
    device = TOTPDeviceFactory.create(user=practitioner)
    client.get(reverse("accounts:sign_in"))
    first = client.session.session_key
    client.post(reverse("accounts:sign_in"), {"username": "practitioner", "password": PASSWORD})
    second = client.session.session_key
    client.post(reverse("accounts:mfa_verify"), {"code": totp_code(device)})
    third = client.session.session_key
    assert len({first, second, third}) == 3
    assert client.get(HOME).status_code == 200
