from __future__ import annotations

import base64
import datetime
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.accounts.http import AuthenticatedHttpRequest, second_factor_verified
from safeshare.accounts.models import User
from safeshare.audit.actions import record_denied
from safeshare.core.http import client_ip
from safeshare.signin import actions, oidc
from safeshare.signin.forms import (
    CodeForm,
    PasswordChangeForm,
    SignInForm,
    validator_messages,
)

RECOVERY_CODES_SESSION_KEY = "safeshare_recovery_codes"


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    """Django's sign-in, which rotates the session key on sign-in (no session fixation).
    The second factor is asked for next, by SecondFactorMiddleware."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # A "Sign in with <organisation>" button for each organisation with single sign-on.
        context["sso_organisations"] = oidc.sso_organisations()
        return context


class SignOutView(auth_views.LogoutView):
    """POST only, so that a link on another site cannot sign a practitioner out. Signing
    out ends the user's sessions on every device, not only this one."""

    template_name = "accounts/signed_out.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Signed in through an organisation's provider: end the session there too, where
        # its discovery document offers an end_session_endpoint.
        provider_url = None
        if request.user.is_authenticated:
            provider_url = oidc.provider_sign_out_url(
                request, request.session.get(oidc.ORGANISATION_SESSION_KEY)
            )
            actions.end_all_sessions(actor=request.user, user=request.user)
        response = super().post(request, *args, **kwargs)
        if provider_url:
            # A link, not a redirect: the page the sign-out form was on allows form
            # submissions to safeshare only (CSP form-action), redirects included.
            return render(request, self.template_name, {"provider_sign_out_url": provider_url})
        return response


@login_not_required
def signed_out(request: HttpRequest) -> HttpResponse:
    """Where an identity provider sends the browser back after signing out there."""
    return render(request, "accounts/signed_out.html")


def _next_url(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _qr_data_uri(device: TOTPDevice) -> str:
    # An <img> with a data: URI, which the CSP allows (img-src data:): no inline SVG
    # attributes or scripts reach the page itself.
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: bytes = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def mfa_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    if actions.has_confirmed_device(user) and not second_factor_verified(user):
        # Replacing an authenticator needs the current one first.
        return redirect("accounts:mfa_verify")
    device = actions.start_totp_setup(actor=user)
    form = (
        CodeForm(request.POST, heading=False)
        if request.method == "POST"
        else CodeForm(heading=False)
    )
    if form.is_bound and form.is_valid():
        try:
            codes = actions.confirm_totp_device(
                actor=user, device=device, token=form.cleaned_data["code"]
            )
        except actions.CodeNotAccepted:
            form.add_error(
                "code",
                "The code is not correct or has expired. Enter the 6-digit code your "
                "authenticator app shows now",
            )
        else:
            device.refresh_from_db()
            otp_login(request, device)
            # The epoch moved (other sessions end); keep this one, on a fresh key.
            update_session_auth_hash(request, user)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect("accounts:mfa_recovery_codes")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_code": _qr_data_uri(device),
            "secret": _grouped(secret),
            "replacing": actions.has_confirmed_device(user),
        },
    )


def mfa_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Shown once: taken out of the session as they are shown.
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes})


def mfa_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    if second_factor_verified(user):
        return redirect(_next_url(request))
    if not actions.has_confirmed_device(user):
        return redirect("accounts:mfa_setup")
    form = (
        CodeForm(request.POST, allow_recovery=True)
        if request.method == "POST"
        else CodeForm(allow_recovery=True)
    )
    credentials = {"username": user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, user)
    if form.is_bound and form.is_valid():
        try:
            device = actions.verify_second_factor(actor=user, token=form.cleaned_data["code"])
        except actions.CodeNotAccepted:
            record_denied(request, what="accounts.second_factor")
            # Wrong codes count with wrong passwords (django-axes, by username and
            # address), on top of django-otp's growing delay: whoever knows the password
            # gets a few guesses per cool-off, and every session then ends.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                return _locked_out(request, user)
            form.add_error(
                "code",
                "The code is not correct, has been used already or has expired. Enter the "
                "6-digit code your authenticator app shows now",
            )
        else:
            otp_login(request, device)
            request.session.cycle_key()  # a new session key for the fully signed-in session
            return redirect(_next_url(request))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


def _locked_out(request: AuthenticatedHttpRequest, user: User) -> HttpResponse:
    """Too many wrong current passwords (they count with wrong passwords at sign-in,
    django-axes): whoever is at this session may not be the account's owner, so every
    session ends and the lockout page says when signing in is possible again."""
    credentials = {"username": user.get_username()}
    actions.end_all_sessions(actor=user, user=user)
    logout(request)
    return locked_out(request, credentials=credentials)


def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change your own password: current, new twice. Success ends every session, this one
    too, and sends you to sign in again (issue 6)."""
    user: User = request.user
    credentials = {"username": user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, user)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            actions.change_password(
                actor=user,
                user=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except actions.WrongPassword:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                return _locked_out(request, user)
            form.add_error("current_password", "Your current password is not correct")
        except ValidationError as error:
            form.add_error("new_password", validator_messages(error))
        else:
            logout(request)
            messages.success(
                request,
                "Your password has been changed and you have been signed out everywhere. "
                "Sign in with your new password.",
            )
            return redirect("accounts:sign_in")
    return render(request, "accounts/password_change.html", {"form": form})


@require_POST
def keep_alive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Called by the idle warning's "Stay signed in": the request itself renews the
    session (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)


@login_not_required
def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout response: when this username may try again from here."""
    username = get_client_username(request, credentials)
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    try_again = (last or timezone.now()) + cool_off
    return render(
        request,
        "accounts/locked_out.html",
        {"try_again": try_again, "minutes": int(cool_off.total_seconds() // 60)},
        status=429,
    )
