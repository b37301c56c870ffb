"""Single sign-on with each organisation's own OpenID Connect provider (issue 18).

mozilla-django-oidc does the protocol: the authorisation code flow with PKCE, the state
and nonce kept in the session and checked on the way back, the token request and the
ID token's signature (RS256, with the key from the provider's JWKS). It reads one
provider from settings; safeshare has one per organisation, so the subclasses here take
the endpoints from the organisation's issuer (its discovery document, cached) and the
client from the organisation's settings. The client secret is read from the environment
variable or file the organisation names, never stored in the database.

Nobody is created here: a user is matched within the organisation, by the subject
identifier or a verified email address, or refused (docs/adr/0020-single-sign-on.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import View
from django_otp import login as otp_login
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

import requests
from safeshare.accounts.models import Organisation, User
from safeshare.audit.actions import record_denied
from safeshare.signin import actions

logger = logging.getLogger(__name__)

# The organisation each state was started for, so that two tabs signing in to two
# organisations do not mix their providers.
STATES_SESSION_KEY = "safeshare_sso_states"
# The organisation a session signed in through, for signing out at its provider too.
ORGANISATION_SESSION_KEY = "safeshare_sso_organisation"
# Set on the request by the callback view for the backend, and by the backend for the view.
REQUEST_ORGANISATION = "safeshare_sso_organisation"
REQUEST_REFUSAL = "safeshare_sso_refusal"
REQUEST_CLAIMS = "safeshare_sso_claims"

# `amr` values (RFC 8176) that say a second factor was used.
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sms", "fido", "sc"})
DISCOVERY_SECONDS = 3600
SIGN_ALGORITHM = "RS256"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not fit."""


def _issuer(organisation: Organisation) -> str:
    return organisation.sso_issuer.rstrip("/")


def check_issuer(issuer: str) -> None:
    """HTTPS only, except on this machine (a provider started by the tests or locally)."""
    parsed = urlparse(issuer)
    if parsed.scheme == "https":
        return
    if parsed.scheme == "http" and parsed.hostname in {"127.0.0.1", "localhost", "::1"}:
        return
    raise ImproperlyConfigured("A single sign-on issuer must use https")


def discovery(organisation: Organisation) -> dict[str, Any]:
    """The provider's /.well-known/openid-configuration, cached for an hour."""
    issuer = _issuer(organisation)
    check_issuer(issuer)
    key = "safeshare:oidc:" + hashlib.sha256(issuer.encode()).hexdigest()
    cached = cache.get(key)
    if isinstance(cached, dict):
        return cached
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(str(error)) from error
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable("The discovery document names another issuer")
    for needed in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(needed):
            raise ProviderUnavailable(f"The discovery document has no {needed}")
    cache.set(key, document, DISCOVERY_SECONDS)
    return document


def client_secret(organisation: Organisation) -> str:
    """The secret from the environment variable, or else the file, the organisation names."""
    if organisation.sso_client_secret_env:
        secret = os.environ.get(organisation.sso_client_secret_env, "")
    elif organisation.sso_client_secret_file:
        try:
            secret = Path(organisation.sso_client_secret_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured("The single sign-on secret file cannot be read") from error
    else:
        secret = ""
    if not secret:
        raise ImproperlyConfigured("No single sign-on client secret is set for this organisation")
    return secret


def sso_organisations() -> list[Organisation]:
    return list(Organisation.objects.exclude(sso_issuer="").exclude(sso_client_id=""))


def provider_second_factor(organisation: Organisation, claims: dict[str, Any]) -> bool:
    """Whether the provider says a second factor was used, and the organisation trusts it."""
    if not organisation.sso_trust_mfa:
        return False
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if MFA_METHODS.intersection(str(method) for method in amr):
        return True
    acr = str(claims.get("acr") or "")
    return bool(organisation.sso_trusted_acr and acr == organisation.sso_trusted_acr)


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Takes the provider from the organisation the callback view found for the state.
    Runs only for a callback: for anything else it has no organisation and declines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the parent's: that reads one provider from settings.
        self.UserModel = User
        self.OIDC_RP_SIGN_ALGO = SIGN_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        organisation = getattr(request, REQUEST_ORGANISATION, None) if request else None
        if not isinstance(organisation, Organisation):
            return None
        config = discovery(organisation)
        self.organisation = organisation
        self.issuer = _issuer(organisation)
        self.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = config.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = organisation.sso_client_id
        self.OIDC_RP_CLIENT_SECRET = client_secret(organisation)
        return cast("User | None", super().authenticate(request, **kwargs))

    def retrieve_matching_jwk(self, token: Any) -> Any:
        """The parent matches the key by the token's `kid`. A provider with one signing
        key may leave `kid` out (OpenID Connect Core 10.1): then its only RS256 key."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", SIGN_ALGORITHM) == SIGN_ALGORITHM
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("The ID token names no key and the provider has several")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The parent checks the signature only; the ID token must also be for this
        client, from this issuer and not expired (OpenID Connect Core 3.1.3.7)."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != SIGN_ALGORITHM:
            raise SuspiciousOperation("The ID token is not signed with RS256")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[SIGN_ALGORITHM],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=settings.SAFESHARE_SSO_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from error

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        user_info: dict[str, Any] = {}
        if self.OIDC_OP_USER_ENDPOINT:
            user_info = self.get_userinfo(access_token, id_token, payload)
            if user_info.get("sub") not in (None, payload.get("sub")):
                raise SuspiciousOperation("The user information is for another subject")
        # The ID token's own claims (sub, amr, acr) win over the user information.
        claims = {**user_info, **payload}
        setattr(self.request, REQUEST_CLAIMS, {"amr": claims.get("amr"), "acr": claims.get("acr")})
        user = self.match(claims)
        if user is None:
            return None
        if not user.is_active:
            setattr(self.request, REQUEST_REFUSAL, "disabled")
            return None
        return user

    def match(self, claims: dict[str, Any]) -> User | None:
        """Within the organisation only: the subject identifier, or else a verified email
        address on an account not yet linked to another subject (which links it)."""
        subject = str(claims.get("sub") or "")
        members = User.objects.filter(organisation=self.organisation)
        if subject:
            by_subject = list(members.filter(oidc_subject=subject)[:2])
            if len(by_subject) == 1:
                return by_subject[0]
        email = str(claims.get("email") or "")
        if subject and email and claims.get("email_verified") is True:
            by_email = list(members.filter(email__iexact=email, oidc_subject="")[:2])
            if len(by_email) == 1:
                return actions.link_single_sign_on(user=by_email[0], subject=subject)
        setattr(self.request, REQUEST_REFUSAL, "unknown")
        return None

    def create_user(self, claims: dict[str, Any]) -> User:
        raise SuspiciousOperation("safeshare does not create accounts at sign-in")

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.none()  # match() is used instead

    def get_user(self, user_id: Any) -> User | None:
        # As ModelBackend: a disabled account's session no longer signs anyone in.
        return ModelBackend.get_user(self, user_id)


@method_decorator(login_not_required, name="dispatch")
class SingleSignOnStartView(OIDCAuthenticationRequestView):
    """Send the browser to the organisation's provider."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        View.__init__(self, *args, **kwargs)  # not the parent's: it reads settings

    def get(self, request: HttpRequest, organisation: str = "") -> HttpResponse:
        chosen = Organisation.objects.filter(pk=organisation).first()
        if chosen is None or not chosen.single_sign_on:
            return refused(request, "not_configured", status=404)
        try:
            config = discovery(chosen)
        except (ProviderUnavailable, ImproperlyConfigured):
            logger.warning("single sign-on provider unavailable for organisation %s", chosen.pk)
            return refused(request, "unavailable", status=503)
        self.OIDC_OP_AUTH_ENDPOINT = config["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = chosen.sso_client_id
        response = super().get(request)
        state = parse_qs(urlparse(response["Location"]).query)["state"][0]
        states = dict(request.session.get(STATES_SESSION_KEY, {}))
        states[state] = str(chosen.pk)
        request.session[STATES_SESSION_KEY] = states
        return response


@method_decorator(login_not_required, name="dispatch")
class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here. mozilla-django-oidc checks the state,
    the nonce and the PKCE verifier; a refusal gets its own page, never a 500."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        pk = dict(request.session.get(STATES_SESSION_KEY, {})).get(state)
        organisation = Organisation.objects.filter(pk=pk).first() if pk else None
        if organisation is None or not organisation.single_sign_on:
            return refused(request, "expired", status=400)
        setattr(request, REQUEST_ORGANISATION, organisation)
        try:
            response = super().get(request)
        except (SuspiciousOperation, ProviderUnavailable, requests.RequestException) as error:
            # The library's and these messages name the check that failed, no claim values.
            logger.warning(
                "single sign-on refused for organisation %s: %s: %s",
                organisation.pk,
                type(error).__name__,
                error if isinstance(error, SuspiciousOperation) else "",
            )
            setattr(request, REQUEST_REFUSAL, "invalid")
            response = self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, REQUEST_REFUSAL, None) or "invalid"
        status = 403 if reason in {"unknown", "disabled"} else 400
        return refused(self.request, reason, status=status)

    def login_success(self) -> HttpResponse:
        organisation: Organisation = getattr(self.request, REQUEST_ORGANISATION)
        response = super().login_success()  # django.contrib.auth.login: a new session key
        self.request.session[ORGANISATION_SESSION_KEY] = str(organisation.pk)
        self.request.session.pop(STATES_SESSION_KEY, None)
        claims = getattr(self.request, REQUEST_CLAIMS, {}) or {}
        if provider_second_factor(organisation, claims):
            # The provider's second factor stands for safeshare's own in this session.
            otp_login(self.request, actions.provider_second_factor_device(self.user))
        return response

    @property
    def success_url(self) -> str:
        target = self.request.session.get("oidc_login_next") or ""
        return str(target or reverse(settings.LOGIN_REDIRECT_URL))


REFUSALS = {
    "unknown": "Your account is not set up in safeshare",
    "disabled": "Your safeshare account has been disabled",
    "expired": "Your sign-in has expired",
    "invalid": "You could not be signed in",
    "unavailable": "Single sign-on is not available at the moment",
    "not_configured": "Single sign-on is not set up for this organisation",
}


def refused(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    record_denied(request, what=f"accounts.single_sign_on.{reason}")
    return render(
        request,
        "accounts/sso_refused.html",
        {"reason": reason, "heading": REFUSALS[reason]},
        status=status,
    )


def provider_sign_out_url(request: HttpRequest, organisation_pk: str | None) -> str | None:
    """Where to end the session at the provider too, if its discovery offers that."""
    organisation = (
        Organisation.objects.filter(pk=organisation_pk).first() if organisation_pk else None
    )
    if organisation is None or not organisation.single_sign_on:
        return None
    try:
        endpoint = discovery(organisation).get("end_session_endpoint")
    except (ProviderUnavailable, ImproperlyConfigured):
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "client_id": organisation.sso_client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:signed_out")),
        }
    )
    return f"{endpoint}?{query}"
