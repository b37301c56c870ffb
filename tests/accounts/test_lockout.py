"""django-axes: five failures lock one username from one address, for the cool-off only."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")


def _fail(client: Client, times: int, address: str = "192.0.2.1") -> None:
    for _ in range(times):
        client.post(SIGN_IN, {"username": "practitioner", "password": "wrong"}, REMOTE_ADDR=address)


def test_it_locks_out_after_five_failures_and_says_when_to_try_again(
    client: Client, practitioner: User
) -> None:
    _fail(client, 3)
    fourth = client.post(
        SIGN_IN, {"username": "practitioner", "password": "wrong"}, REMOTE_ADDR="192.0.2.1"
    )
    assert fourth.status_code == 200
    fifth = client.post(
        SIGN_IN, {"username": "practitioner", "password": "wrong"}, REMOTE_ADDR="192.0.2.1"
    )
    assert fifth.status_code == 429
    response = client.post(
        SIGN_IN, {"username": "practitioner", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    # Even the right password is refused until the cool-off ends.
    assert response.status_code == 429
    page = response.content.decode()
    assert "You cannot sign in at the moment" in page
    assert "You can try again after" in page
    assert "15 minutes after the last attempt" in page
    assert "_auth_user_id" not in client.session


def test_another_address_cannot_lock_a_colleague_out(client: Client, practitioner: User) -> None:
    _fail(client, 6, address="198.51.100.66")
    response = client.post(
        SIGN_IN, {"username": "practitioner", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client: Client, practitioner: User) -> None:
    _fail(client, 6)
    locked = client.post(
        SIGN_IN, {"username": "practitioner", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    assert locked.status_code == 429
    # Move the failures 16 minutes into the past rather than waiting for them.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16)
    )
    response = client.post(
        SIGN_IN, {"username": "practitioner", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the count


def test_the_cool_off_is_configurable(settings: object) -> None:
    from django.conf import settings as django_settings

    assert datetime.timedelta(minutes=15) == django_settings.AXES_COOLOFF_TIME
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
