"""No page of the service without the second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from safeshare.accounts.http import second_factor_verified, user_of
from safeshare.signin.actions import has_confirmed_device

# What a signed-in user may reach before the second factor: signing in and out, the
# second-factor pages themselves and the public pages.
ALWAYS_OPEN = frozenset(
    {
        "accounts:sign_in",
        "accounts:sign_out",
        "accounts:signed_out",
        "accounts:sso_start",
        "accounts:sso_callback",
        "accounts:mfa_verify",
        "core:about",
        "core:accessibility",
        "core:health",
    }
)


class SecondFactorMiddleware:
    """A signed-in session reaches the service only once a code from the user's
    authenticator (or a recovery code) has been entered in it. A user without an
    authenticator is sent to set one up; a user with one is asked for its code, and cannot
    set up another until then (that would bypass it). Only the demo settings
    (SAFESHARE_REQUIRE_MFA false) let users without an authenticator through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = user_of(request)
        if user is None or second_factor_verified(user):
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_OPEN:
            return None
        has_device = has_confirmed_device(user)
        if not has_device:
            if name == "accounts:mfa_setup" or not settings.SAFESHARE_REQUIRE_MFA:
                return None
            return redirect("accounts:mfa_setup")
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:mfa_verify')}?{query}")
