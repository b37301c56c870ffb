"""The second factor: set-up, sign-in code, recovery codes, no reuse, enforcement."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.accounts.models import User
from tests.factories import PASSWORD, TOTPDeviceFactory, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.no_auto_otp]


def _sign_in(client: Client, username: str = "practitioner") -> None:
    response = client.post(
        reverse("accounts:sign_in"), {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_password_alone_does_not_reach_the_service(client: Client, practitioner: User) -> None:
    TOTPDeviceFactory.create(user=practitioner)
    _sign_in(client)
    response = client.get(reverse("subjects:search"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:mfa_verify')}?next=%2Fpeople%2F"


def test_a_user_without_an_authenticator_is_sent_to_set_one_up(
    client: Client, practitioner: User
) -> None:
    _sign_in(client)
    response = client.get(reverse("site:home"))
    assert response["Location"] == reverse("accounts:mfa_setup")


def test_it_sets_up_an_authenticator_and_shows_recovery_codes_once(
    client: Client, practitioner: User, settings: Any
) -> None:
    # django-otp makes each wrong code delay the next try; this test retries at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _sign_in(client)
    page = client.get(reverse("accounts:mfa_setup")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    # The same QR code on reload: the unconfirmed device is reused.
    client.get(reverse("accounts:mfa_setup"))
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1

    wrong = client.post(reverse("accounts:mfa_setup"), {"code": "000000"})
    assert "The code is not correct" in wrong.content.decode()
    assert 'href="#id_code"' in wrong.content.decode()

    device.refresh_from_db()
    response = client.post(reverse("accounts:mfa_setup"), {"code": totp_code(device)})
    assert response["Location"] == reverse("accounts:mfa_recovery_codes")
    codes = client.get(reverse("accounts:mfa_recovery_codes")).context["codes"]
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=practitioner).count() == 10
    again = client.get(reverse("accounts:mfa_recovery_codes"))
    assert again.context["codes"] is None
    assert client.get(reverse("site:home")).status_code == 200


def test_the_setup_page_works_under_the_csp(client: Client, practitioner: User) -> None:
    _sign_in(client)
    response = client.get(reverse("accounts:mfa_setup"))
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    page = response.content.decode()
    assert "style=" not in page
    assert "<svg" not in page.split("<main", 1)[1].split("</main>")[0]


def test_it_signs_in_with_the_code_and_never_accepts_it_twice(
    client: Client, practitioner: User
) -> None:
    device = TOTPDeviceFactory.create(user=practitioner)
    _sign_in(client)
    code = totp_code(device)
    response = client.post(
        reverse("accounts:mfa_verify"), {"code": code, "next": reverse("subjects:search")}
    )
    assert response["Location"] == reverse("subjects:search")
    assert client.get(reverse("subjects:search")).status_code == 200
    device.refresh_from_db()
    assert device.last_t >= 0

    second = Client()
    _sign_in(second)
    replay = second.post(reverse("accounts:mfa_verify"), {"code": code})
    assert replay.status_code == 200
    assert "has been used already" in replay.content.decode()
    assert second.get(reverse("site:home")).status_code == 302


def test_a_recovery_code_works_once(client: Client, practitioner: User) -> None:
    TOTPDeviceFactory.create(user=practitioner)
    static = StaticDevice.objects.create(user=practitioner, name="Recovery codes", confirmed=True)
    static.token_set.create(token="abcd2345")
    _sign_in(client)
    response = client.post(reverse("accounts:mfa_verify"), {"code": "ABCD 2345"})
    assert response.status_code == 302
    assert client.get(reverse("site:home")).status_code == 200
    again = Client()
    _sign_in(again)
    assert again.post(reverse("accounts:mfa_verify"), {"code": "abcd2345"}).status_code == 200
    assert again.get(reverse("site:home")).status_code == 302


def test_it_names_the_field_when_the_code_is_empty(client: Client, practitioner: User) -> None:
    TOTPDeviceFactory.create(user=practitioner)
    _sign_in(client)
    page = client.post(reverse("accounts:mfa_verify"), {"code": ""}).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in page
    assert 'href="#id_code"' in page


def test_an_unverified_session_cannot_replace_the_authenticator(
    client: Client, practitioner: User
) -> None:
    TOTPDeviceFactory.create(user=practitioner)
    _sign_in(client)
    response = client.get(reverse("accounts:mfa_setup"))
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert TOTPDevice.objects.filter(user=practitioner, confirmed=False).count() == 0


def test_it_refuses_an_unsafe_next_address(client: Client, practitioner: User) -> None:
    device = TOTPDeviceFactory.create(user=practitioner)
    _sign_in(client)
    response = client.post(
        reverse("accounts:mfa_verify"), {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("site:home")


def test_the_demo_may_skip_the_authenticator(
    client: Client, practitioner: User, settings: Any
) -> None:
    settings.SAFESHARE_REQUIRE_MFA = False
    _sign_in(client)
    assert client.get(reverse("site:home")).status_code == 200


def test_only_the_demo_settings_can_turn_the_second_factor_off() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "SAFESHARE_DEMO"},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "SAFESHARE_REQUIRE_MFA": "false",
    }
    refused = subprocess.run(
        [sys.executable, "-c", "import safeshare.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0
    assert "SAFESHARE_REQUIRE_MFA can only be false when SAFESHARE_DEMO is true" in refused.stderr
    demo = subprocess.run(
        [sys.executable, "-c", "import safeshare.settings as s; print(s.SAFESHARE_REQUIRE_MFA)"],
        env={**env, "SAFESHARE_DEMO": "true", "SAFESHARE_REQUIRE_MFA": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert demo.stdout.strip() == "False"


def test_five_wrong_codes_lock_out_and_end_every_session(
    client: Client, practitioner: User
) -> None:
    """Wrong codes count towards django-axes' lockout (username and address): whoever has
    the password gets no more than the failure limit of guesses per cool-off."""
    device = TOTPDeviceFactory.create(user=practitioner)
    _sign_in(client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(4):
        response = client.post(reverse("accounts:mfa_verify"), {"code": wrong})
        assert response.status_code == 200
        assert "is not correct" in response.content.decode()
    response = client.post(reverse("accounts:mfa_verify"), {"code": wrong})
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Until the cool-off ends, even the right password and the right code are refused.
    again = client.post(
        reverse("accounts:sign_in"), {"username": "practitioner", "password": PASSWORD}
    )
    assert again.status_code == 429


def test_a_right_code_after_wrong_ones_still_signs_in(client: Client, practitioner: User) -> None:
    device = TOTPDeviceFactory.create(user=practitioner)
    _sign_in(client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    assert client.post(reverse("accounts:mfa_verify"), {"code": wrong}).status_code == 200
    # django-otp makes the device wait after a failure; let it pass for this test.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(reverse("accounts:mfa_verify"), {"code": totp_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("site:home")).status_code == 200
