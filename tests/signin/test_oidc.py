"""Single sign-on end to end against a real OpenID Connect provider started by the tests
(oidc-provider-mock on 127.0.0.1): the Django test client plays the browser for
safeshare, httpx for the provider's authorisation form."""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from safeshare.accounts.models import Organisation, User
from safeshare.ledger.models import Entry
from safeshare.signin import oidc
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.signin.oidc_provider import Provider, running_provider

pytestmark = [pytest.mark.django_db, pytest.mark.no_auto_otp]


def start(client: Client, organisation: Organisation, next_url: str = "") -> str:
    url = reverse("accounts:sso_start", args=[organisation.pk])
    response = client.get(url + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content
    location = str(response["Location"])
    assert "code_challenge=" in location and "nonce=" in location and "state=" in location
    return location


def authorise(location: str, sub: str) -> str:
    """Submit the provider's form for this subject; the callback path and query."""
    response = httpx.post(location, data={"sub": sub})
    assert response.status_code == 302, response.text
    callback = urlparse(response.headers["location"])
    assert callback.path == reverse("accounts:sso_callback")
    return f"{callback.path}?{callback.query}"


def sign_in(client: Client, organisation: Organisation, sub: str) -> object:
    return client.get(authorise(start(client, organisation), sub))


@pytest.fixture
def council(provider: Provider) -> Organisation:
    return provider.configure(OrganisationFactory.create(name="Northshire Council"))


def test_a_provisioned_user_signs_in_by_verified_email_and_is_linked(
    client: Client, provider: Provider, council: Organisation
) -> None:
    user = UserFactory.create(organisation=council, email="sam.worker@northshire.example")
    provider.set_user("sub-123", email="Sam.Worker@northshire.example", email_verified=True)
    response = sign_in(client, council, "sub-123")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == reverse("site:home")  # type: ignore[index]
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[oidc.ORGANISATION_SESSION_KEY] == str(council.pk)
    user.refresh_from_db()
    assert user.oidc_subject == "sub-123"
    assert Entry.objects.filter(event_type="accounts.user.single_sign_on_linked").count() == 1
    # No trusted provider second factor: safeshare's own is asked for next.
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("site:home"))["Location"].startswith(reverse("accounts:mfa_setup"))


def test_a_linked_user_is_matched_by_subject_even_without_an_email(
    client: Client, provider: Provider, council: Organisation
) -> None:
    user = UserFactory.create(organisation=council, oidc_subject="sub-456", email="")
    provider.set_user("sub-456", name="No Email")
    sign_in(client, council, "sub-456")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_trusted_provider_second_factor_stands_for_safeshare_s_own(
    client: Client, provider: Provider, council: Organisation
) -> None:
    provider.configure(council, sso_trust_mfa=True)
    user = UserFactory.create(organisation=council, oidc_subject="sub-mfa")
    provider.set_user("sub-mfa", amr=["pwd", "mfa"])
    sign_in(client, council, "sub-mfa")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get(reverse("site:home")).status_code == 200


def test_the_provider_second_factor_is_not_trusted_unless_the_organisation_says_so(
    client: Client, provider: Provider, council: Organisation
) -> None:
    UserFactory.create(organisation=council, oidc_subject="sub-mfa")
    provider.set_user("sub-mfa", amr=["mfa"])
    sign_in(client, council, "sub-mfa")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_trusted_acr_counts_and_a_password_only_amr_does_not(
    client: Client, provider: Provider, council: Organisation
) -> None:
    provider.configure(council, sso_trust_mfa=True, sso_trusted_acr="urn:example:loa:2")
    UserFactory.create(organisation=council, oidc_subject="sub-acr")
    UserFactory.create(organisation=council, oidc_subject="sub-pwd")
    provider.set_user("sub-pwd", amr=["pwd"])
    sign_in(client, council, "sub-pwd")
    assert DEVICE_ID_SESSION_KEY not in client.session
    client.logout()
    provider.set_user("sub-acr", acr="urn:example:loa:2")
    sign_in(client, council, "sub-acr")
    assert DEVICE_ID_SESSION_KEY in client.session


def test_an_unknown_user_is_refused_with_a_clear_page_and_not_created(
    client: Client, provider: Provider, council: Organisation
) -> None:
    provider.set_user("sub-new", email="new@northshire.example", email_verified=True)
    users = User.objects.count()
    response = sign_in(client, council, "sub-new")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "Your account is not set up in safeshare" in response.content.decode()  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users


def test_an_unverified_email_does_not_match(
    client: Client, provider: Provider, council: Organisation
) -> None:
    UserFactory.create(organisation=council, email="sam@northshire.example")
    provider.set_user("sub-x", email="sam@northshire.example", email_verified=False)
    response = sign_in(client, council, "sub-x")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session


def test_a_user_of_another_organisation_with_the_same_email_is_not_matched(
    client: Client, provider: Provider, council: Organisation
) -> None:
    other = OrganisationFactory.create(name="Northshire Police")
    UserFactory.create(organisation=other, email="sam@northshire.example")
    UserFactory.create(organisation=other, oidc_subject="sub-same")
    provider.set_user("sub-same", email="sam@northshire.example", email_verified=True)
    response = sign_in(client, council, "sub-same")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session


def test_a_disabled_user_is_refused_with_their_own_page(
    client: Client, provider: Provider, council: Organisation
) -> None:
    UserFactory.create(organisation=council, oidc_subject="sub-gone", is_active=False)
    provider.set_user("sub-gone")
    response = sign_in(client, council, "sub-gone")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "Your safeshare account has been disabled" in response.content.decode()  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session


def test_a_wrong_nonce_is_refused(
    client: Client, provider: Provider, council: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    UserFactory.create(organisation=council, oidc_subject="sub-1")
    location = start(client, council)
    session = client.session
    for state in session["oidc_states"].values():
        state["nonce"] = "not-the-nonce-sent-to-the-provider"
    session.save()
    response = client.get(authorise(location, "sub-1"))
    assert response.status_code == 400
    assert "You could not be signed in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "JWT Nonce verification failed" in caplog.text


def test_an_unknown_state_is_refused(
    client: Client, provider: Provider, council: Organisation
) -> None:
    UserFactory.create(organisation=council, oidc_subject="sub-1")
    location = start(client, council)
    callback = authorise(location, "sub-1").replace("state=", "state=tampered")
    response = client.get(callback)
    assert response.status_code == 400
    assert "Your sign-in has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_id_token_is_refused(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The provider itself issues ID tokens that expired two minutes before they were
    # issued (its access_token_max_age), beyond the 30 seconds of clock skew allowed.
    with running_provider(monkeypatch, token_max_age=datetime.timedelta(minutes=-2)) as expired:
        council = expired.configure(OrganisationFactory.create(name="Expiring Council"))
        UserFactory.create(organisation=council, oidc_subject="sub-1")
        expired.set_user("sub-1")
        response = sign_in(client, council, "sub-1")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session
    assert "ExpiredSignatureError" in caplog.text


def test_a_code_issued_to_another_client_is_refused(
    client: Client, provider: Provider, council: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    UserFactory.create(organisation=council, oidc_subject="sub-1")
    location = start(client, council).replace("client_id=safeshare-test-client", "client_id=other")
    response = client.get(authorise(location, "sub-1"))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    # The provider itself refuses to exchange it (invalid_grant).
    assert "HTTPError" in caplog.text


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"aud": "another-client"}, "InvalidAudienceError"),
        ({"iss": "https://impostor.example"}, "InvalidIssuerError"),
        ({"exp": 1}, "ExpiredSignatureError"),
    ],
)
def test_the_id_token_must_be_for_this_client_from_this_issuer_and_current(
    claims: dict[str, object], error: str
) -> None:
    import time

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.core.exceptions import SuspiciousOperation

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    token = jwt.encode(
        {"iss": "https://idp.example", "aud": "client", "sub": "s", "iat": now, "exp": now + 60}
        | claims,
        key,
        algorithm="RS256",
    )
    backend = oidc.SingleSignOnBackend()
    backend.OIDC_RP_CLIENT_ID = "client"
    backend.issuer = "https://idp.example"
    with pytest.raises(SuspiciousOperation, match=error):
        backend._verify_jws(token, key.public_key())


def test_password_sign_in_is_refused_where_the_organisation_turned_it_off(
    client: Client, provider: Provider, council: Organisation
) -> None:
    provider.configure(council, sso_only=True)
    UserFactory.create(organisation=council, username="sso.only")
    response = client.post(
        reverse("accounts:sign_in"), {"username": "sso.only", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Your organisation signs you in with single sign-on" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The backend refuses it too, whatever the form.
    from django.contrib.auth import authenticate

    assert authenticate(response.wsgi_request, username="sso.only", password=PASSWORD) is None


def test_a_wrong_password_for_an_sso_only_user_says_nothing_of_single_sign_on(
    client: Client, provider: Provider, council: Organisation
) -> None:
    provider.configure(council, sso_only=True)
    UserFactory.create(organisation=council, username="sso.only")
    page = client.post(
        reverse("accounts:sign_in"), {"username": "sso.only", "password": "wrong"}
    ).content.decode()
    assert "single sign-on" not in page.split("Sign in with your organisation")[0]
    assert "Enter a correct username and password" in page


def test_the_sign_in_page_offers_each_organisation_with_single_sign_on(
    client: Client, provider: Provider, council: Organisation
) -> None:
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert "Sign in with Northshire Council" in page
    assert reverse("accounts:sso_start", args=[council.pk]) in page


def test_an_organisation_without_single_sign_on_is_a_clear_404(client: Client) -> None:
    plain = OrganisationFactory.create(name="Plain School")
    response = client.get(reverse("accounts:sso_start", args=[plain.pk]))
    assert response.status_code == 404
    assert "Single sign-on is not set up" in response.content.decode()


def test_signing_out_ends_the_session_here_and_at_the_provider(
    client: Client, provider: Provider, council: Organisation
) -> None:
    user = UserFactory.create(organisation=council, oidc_subject="sub-1")
    sign_in(client, council, "sub-1")
    epoch = user.session_epoch
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You have signed out" in page
    assert f'href="{provider.issuer}/oauth2/end_session?client_id=' in page
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.session_epoch == epoch + 1


def test_the_secret_comes_from_a_file_when_no_variable_is_named(tmp_path: object) -> None:
    from pathlib import Path

    secret_file = Path(str(tmp_path)) / "secret"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    organisation = Organisation(sso_client_secret_file=str(secret_file))
    assert oidc.client_secret(organisation) == "from-a-file"


def test_an_http_issuer_is_refused_unless_on_this_machine() -> None:
    from django.core.exceptions import ImproperlyConfigured

    oidc.check_issuer("https://login.example.org/tenant/v2.0")
    oidc.check_issuer("http://127.0.0.1:9400")
    with pytest.raises(ImproperlyConfigured):
        oidc.check_issuer("http://login.example.org")
