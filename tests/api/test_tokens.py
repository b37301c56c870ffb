"""Personal API tokens: made on the account page and shown once, stored only as a hash,
and refused once revoked, expired, the user disabled or their sessions ended."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.api import actions
from safeshare.api.models import ApiToken
from safeshare.ledger.models import Entry
from safeshare.signin import actions as account_actions
from safeshare.subjects.models import Person
from tests.api.conftest import Call
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _person_url(person: Person) -> str:
    return reverse("api:person", args=[person.pk])


def test_a_token_is_created_on_the_account_page_and_shown_once(
    client: Client, practitioner: User, person: Person, api_call: Call
) -> None:
    client.force_login(practitioner)
    page = client.get(reverse("api_tokens:index"))
    assert page.status_code == 200
    assert "You have no API tokens" in page.content.decode()
    assert client.get(reverse("api_tokens:new")).status_code == 200

    response = client.post(
        reverse("api_tokens:new"), {"name": "Case system export", "expires_in": "30"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("api_tokens:created")

    shown = client.get(reverse("api_tokens:created")).content.decode()
    row = ApiToken.objects.get()
    start = shown.index(f"ssk_{row.prefix}_")
    secret = shown[start : start + len(f"ssk_{row.prefix}_") + 43]
    assert actions.TOKEN_PATTERN.fullmatch(secret)
    assert "you will not see it again" in shown
    # Only a hash and the non-secret prefix are stored.
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.name, row.prefix, row.secret_hash}
    # (The random part may itself hold "_", so it is cut off by its prefix, not split.)
    assert secret.removeprefix(f"ssk_{row.prefix}_") not in row.secret_hash
    assert row.user == practitioner
    assert row.session_epoch == practitioner.session_epoch
    expected_expiry = row.created_at + datetime.timedelta(days=30)
    assert row.expires_at == expected_expiry

    # Reloading the page does not show it again.
    again = client.get(reverse("api_tokens:created")).content.decode()
    assert secret not in again
    assert "shown only once" in again

    # The ledger records the creation by ids only.
    entry = Entry.objects.get(event_type="api.token.created")
    assert entry.payload == {"token": str(row.pk), "user": str(practitioner.pk)}
    assert entry.actor_id == practitioner.pk
    assert secret not in str(entry.payload) and row.secret_hash not in str(entry.payload)

    # The token works, and its last use is shown on the list.
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    listing = client.get(reverse("api_tokens:index")).content.decode()
    assert "Case system export" in listing and f"ssk_{row.prefix}" in listing
    assert "Not used" not in listing and "Active" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "expires_in": "30"}, "Enter a name for the token"),
        ({"name": "x" * 101, "expires_in": "30"}, "Name must be 100 characters or fewer"),
        ({"name": "bad\x07name", "expires_in": "30"}, "must not contain control characters"),
        ({"name": "Export", "expires_in": "365"}, "Select when the token should stop working"),
        ({"name": "Export", "expires_in": ""}, "Select when the token should stop working"),
    ],
)
def test_the_create_form_names_the_problem_and_creates_nothing(
    client: Client, practitioner: User, data: dict[str, str], message: str
) -> None:
    client.force_login(practitioner)
    response = client.post(reverse("api_tokens:new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not ApiToken.objects.exists()
    assert not Entry.objects.filter(event_type="api.token.created").exists()


def test_the_default_expiry_is_30_days_and_the_longest_90(practitioner: User) -> None:
    row, _ = actions.create_token(actor=practitioner, name="Default")
    assert row.expires_at - row.created_at == datetime.timedelta(days=30)
    row, _ = actions.create_token(actor=practitioner, name="Longest", days=90)
    assert row.expires_at - row.created_at == datetime.timedelta(days=90)
    for days in (0, 91, 365):
        with pytest.raises(ValueError, match="1 to 90 days"):
            actions.create_token(actor=practitioner, name="Too long", days=days)


def test_revoking_asks_first_then_the_token_stops_working(
    client: Client, practitioner: User, person: Person, api_call: Call
) -> None:
    row, secret = actions.create_token(actor=practitioner, name="Export")
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 200
    client.force_login(practitioner)
    confirm = client.get(reverse("api_tokens:revoke", args=[row.pk]))
    assert confirm.status_code == 200
    assert "Are you sure you want to revoke token “Export”?" in confirm.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None  # asking changes nothing

    response = client.post(reverse("api_tokens:revoke", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("api_tokens:index")
    assert ApiToken.objects.get(pk=row.pk).revoked_at is not None
    entry = Entry.objects.get(event_type="api.token.revoked")
    assert entry.payload == {"token": str(row.pk), "user": str(practitioner.pk)}
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 401
    listing = client.get(reverse("api_tokens:index")).content.decode()
    assert "Revoked" in listing and "revoked: it no longer works" in listing

    # Revoking again changes nothing and records nothing more.
    client.post(reverse("api_tokens:revoke", args=[row.pk]))
    assert Entry.objects.filter(event_type="api.token.revoked").count() == 1


def test_nobody_else_can_revoke_or_see_your_token(
    client: Client, practitioner: User, outsider: User
) -> None:
    row, _ = actions.create_token(actor=practitioner, name="Export")
    colleague = UserFactory.create(organisation=practitioner.organisation, manager=True)
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.post(reverse("api_tokens:revoke", args=[row.pk])).status_code == 404
        assert "Export" not in client.get(reverse("api_tokens:index")).content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None
    with pytest.raises(PermissionDenied, match="own tokens"):
        actions.revoke_token(actor=colleague, token=row)


def test_an_expired_token_is_refused(practitioner: User, person: Person, api_call: Call) -> None:
    row, secret = actions.create_token(actor=practitioner, name="Export", days=1)
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now())
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 401


def test_a_disabled_users_token_is_refused_and_stays_refused_when_re_enabled(
    practitioner: User, person: Person, api_call: Call
) -> None:
    admin = UserFactory.create(organisation=practitioner.organisation, administrator=True)
    _, secret = actions.create_token(actor=practitioner, name="Export")
    account_actions.set_active(actor=admin, user=practitioner, active=False)
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 401
    account_actions.set_active(actor=admin, user=practitioner, active=True)
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 401


@pytest.mark.parametrize("change", ["sign_out_everywhere", "second_factor_reset", "access"])
def test_ending_the_users_sessions_ends_their_tokens(
    practitioner: User, person: Person, api_call: Call, change: str
) -> None:
    admin = UserFactory.create(organisation=practitioner.organisation, administrator=True)
    _, secret = actions.create_token(actor=practitioner, name="Export")
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 200
    if change == "sign_out_everywhere":
        account_actions.end_all_sessions(actor=practitioner, user=practitioner)
    elif change == "second_factor_reset":
        account_actions.reset_second_factor(actor=admin, user=practitioner)
    else:
        account_actions.access_changed(actor=admin, user=practitioner)
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 401
    # A token made after the change works.
    practitioner.refresh_from_db()
    _, fresh = actions.create_token(actor=practitioner, name="Export again")
    assert api_call(None, "get", _person_url(person), token=fresh).status_code == 200


def test_a_password_change_ends_the_users_tokens(
    practitioner: User, person: Person, api_call: Call
) -> None:
    _, secret = actions.create_token(actor=practitioner, name="Export")
    account_actions.change_password(
        actor=practitioner,
        user=practitioner,
        current_password=PASSWORD,
        new_password="a-brand-new-long-passphrase-7",
    )
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 401


def test_bad_or_missing_tokens_get_401_json(
    client: Client, practitioner: User, person: Person, api_call: Call
) -> None:
    row, secret = actions.create_token(actor=practitioner, name="Export")
    wrong_secret = f"ssk_{row.prefix}_" + ("A" * 43)
    headers_sent = [
        None,
        "Bearer",
        "Bearer ",
        "Bearer nonsense",
        f"Bearer {wrong_secret}",
        f"Bearer {secret}x",
        f"Basic {secret}",
        f"Token {secret}",
        "Bearer " + "x" * 10_000,
    ]
    for header in headers_sent:
        headers = {"Authorization": header} if header is not None else {}
        response = client.get(_person_url(person), headers=headers)
        assert response.status_code == 401, header
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == {
            "detail": "Send a current API token in the header: Authorization: Bearer <token>"
        }
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Lily" not in response.content.decode()
    row.refresh_from_db()
    assert row.last_used_at is None  # none of those counted as a use


def test_a_token_does_not_open_the_pages_and_a_session_does_not_open_the_api(
    client: Client, practitioner: User, person: Person
) -> None:
    _, secret = actions.create_token(actor=practitioner, name="Export")
    page = client.get(
        reverse("subjects:show", args=[person.pk]), headers={"Authorization": f"Bearer {secret}"}
    )
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:sign_in"))

    client.force_login(practitioner)
    assert client.get(_person_url(person)).status_code == 401
    # Nor does a signed-in browser session raise requests: no session auth on the API,
    # so no CSRF question arises.
    response = client.post(reverse("api:requests_create"), "{}", content_type="application/json")
    assert response.status_code == 401
    assert not mail.outbox


def test_any_role_may_hold_a_token(client: Client, practitioner: User) -> None:
    for traits in ({"auditor": True}, {"administrator": True}, {"ig_lead": True}):
        user = UserFactory.create(organisation=practitioner.organisation, **traits)
        client.force_login(user)
        response = client.post(reverse("api_tokens:new"), {"name": "Figures", "expires_in": "7"})
        assert response.status_code == 302
        assert ApiToken.objects.filter(user=user).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in_for_the_token_pages(client: Client) -> None:
    response = client.get(reverse("api_tokens:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_token_ledger_entries_verify_after_the_token_is_used_and_revoked(
    practitioner: User, person: Person, api_call: Call
) -> None:
    """Using a token updates its "last used" time, which is left out of its ledger digest:
    the ledger still verifies."""
    from safeshare.ledger.verify import verify_ledger

    row, secret = actions.create_token(actor=practitioner, name="Export")
    assert api_call(None, "get", _person_url(person), token=secret).status_code == 200
    assert verify_ledger().ok
    actions.revoke_token(actor=practitioner, token=row)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    report = verify_ledger()
    assert report.ok, report.lines()
    # Changing what the ledger does record is caught.
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=None)
    assert not verify_ledger().ok
