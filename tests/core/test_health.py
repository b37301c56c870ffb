"""/health/: the load balancer's check and the load test's baseline (bench/load.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeshare.accounts.models import User


@pytest.mark.django_db
def test_it_answers_ok_without_touching_the_database(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert len(queries) == 0


@pytest.mark.django_db
@pytest.mark.no_auto_otp
def test_it_answers_a_session_still_waiting_for_its_second_factor(
    client: Client, practitioner: User
) -> None:
    client.force_login(practitioner)
    assert client.get(reverse("core:health")).status_code == 200


@pytest.mark.django_db
def test_it_is_answered_over_plain_http_where_everything_else_redirects_to_https(
    settings: Any,
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get(reverse("core:about")).status_code == 301
    assert client.get(reverse("core:health")).status_code == 200
