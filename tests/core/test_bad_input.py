"""Hostile input at every form: a clear error, nothing written, nothing echoed as markup."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.accounts.models import User
from safeshare.subjects.models import Person

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'

# (url name, signed in?, the fields of a valid-looking post, the free-text field to attack)
FORMS: list[tuple[str, bool, dict[str, str], str]] = [
    ("accounts:sign_in", False, {"username": "practitioner", "password": "x"}, "username"),
    ("subjects:search", True, {"q": "Lily"}, "q"),
    (
        "subjects:new",
        True,
        {"kind": "child", "given_names": "Ava", "family_name": "B"},
        "family_name",
    ),
    ("accounts:mfa_setup", True, {"code": "123456"}, "code"),
]
IDS = [name for name, *_ in FORMS]


def _client(client: Client, practitioner: User, signed_in: bool) -> Client:
    if signed_in:
        client.force_login(practitioner)
    return client


def _nothing_written(before: dict[str, int]) -> None:
    assert _counts() == before


def _counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "confirmed_devices": TOTPDevice.objects.filter(confirmed=True).count(),
    }


@pytest.mark.parametrize(("name", "signed_in", "data", "field"), FORMS, ids=IDS)
@pytest.mark.parametrize(
    "value",
    ["x" * 5_000, "Bad\x00name\x07", SCRIPT],
    ids=["too-long", "control-characters", "markup"],
)
def test_each_form_names_the_problem_and_never_echoes_markup(
    client: Client,
    practitioner: User,
    name: str,
    signed_in: bool,
    data: dict[str, str],
    field: str,
    value: str,
) -> None:
    client = _client(client, practitioner, signed_in)
    before = _counts()
    response = client.post(reverse(name), {**data, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in page
    assert "govuk-error-summary" in page
    _nothing_written(before)


@pytest.mark.parametrize(("name", "signed_in", "data", "field"), FORMS, ids=IDS)
def test_an_oversized_post_gets_the_400_page(
    client: Client,
    practitioner: User,
    name: str,
    signed_in: bool,
    data: dict[str, str],
    field: str,
) -> None:
    client = _client(client, practitioner, signed_in)
    before = _counts()
    response = client.post(reverse(name), {**data, field: "x" * 100_000})
    assert response.status_code == 400
    assert "Sorry, there is a problem with that request" in response.content.decode()
    _nothing_written(before)


@pytest.mark.parametrize(("name", "signed_in", "data", "field"), FORMS, ids=IDS)
def test_a_post_that_is_not_utf8_gets_the_400_page(
    client: Client,
    practitioner: User,
    name: str,
    signed_in: bool,
    data: dict[str, str],
    field: str,
) -> None:
    client = _client(client, practitioner, signed_in)
    before = _counts()
    body = b"&".join(f"{k}={v}".encode() for k, v in data.items() if k != field)
    body += b"&" + field.encode() + b"=Caf%C3%28%FF\xfe"
    response = client.generic(
        "POST", reverse(name), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "govuk-template__body" in response.content.decode()
    _nothing_written(before)


@pytest.mark.parametrize(("name", "signed_in", "data", "field"), FORMS, ids=IDS)
def test_a_forged_post_without_the_csrf_token_is_refused(
    practitioner: User, name: str, signed_in: bool, data: dict[str, str], field: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    client = _client(client, practitioner, signed_in)
    before = _counts()
    response = client.post(reverse(name), data)
    assert response.status_code == 403
    _nothing_written(before)


def test_a_forged_decision_start_is_refused(practitioner: User, person: Person) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)
    response = client.post(reverse("decisions:start", args=[person.pk]))
    assert response.status_code == 403


def test_a_tampered_choice_is_refused(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    response = client.post(
        reverse("subjects:new"), {"kind": "<b>king</b>", "given_names": "A", "family_name": "B"}
    )
    page = response.content.decode()
    assert "Select whether this is a child or an adult family member" in page
    assert "<b>king</b>" not in page
    assert not Person.objects.exists()


def test_a_tampered_next_field_cannot_send_the_user_elsewhere(
    client: Client, practitioner: User
) -> None:
    from tests.factories import PASSWORD

    response = client.post(
        reverse("accounts:sign_in"),
        {"username": "practitioner", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("site:home")


def test_a_tampered_id_in_the_address_is_not_found(
    client: Client, practitioner: User, settings: Any
) -> None:
    client.force_login(practitioner)
    assert client.get("/people/not-a-uuid/").status_code == 404
    assert client.get("/people/00000000-0000-0000-0000-000000000000/").status_code == 404
