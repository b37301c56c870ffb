"""The account pages for personal API tokens: list, create (the token shown once), revoke."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.api import actions
from safeshare.api.forms import TokenForm
from safeshare.api.permissions import can_hold_token
from safeshare.api.queries import get_token_for_user, tokens_for_user

# The new token travels from the form to the page that shows it in the session, and is
# taken out as it is shown: reloading that page does not show it again.
NEW_TOKEN_SESSION_KEY = "safeshare_new_api_token"  # noqa: S105 (a session key name)


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_hold_token(request.user):
        raise PermissionDenied
    tokens = list(tokens_for_user(request.user))
    return render(request, "api/tokens.html", {"tokens": tokens})


def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_hold_token(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if form.is_bound and form.is_valid():
        row, token = actions.create_token(
            actor=request.user,
            name=form.cleaned_data["name"],
            days=int(form.cleaned_data["expires_in"]),
        )
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": str(row.pk), "token": token}
        return redirect("api_tokens:created")
    return render(request, "api/token_new.html", {"form": form})


def created(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_hold_token(request.user):
        raise PermissionDenied
    shown: dict[str, Any] | None = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    row = get_token_for_user(request.user, shown["id"]) if shown else None
    return render(
        request,
        "api/token_created.html",
        {"token": row, "secret": shown["token"] if shown else None},
    )


def revoke(request: AuthenticatedHttpRequest, token_id: UUID) -> HttpResponse:
    token = get_token_for_user(request.user, token_id)
    if request.method == "POST":
        actions.revoke_token(actor=request.user, token=token)
        messages.success(request, f"Token “{token.name}” revoked: it no longer works")
        return redirect("api_tokens:index")
    return render(request, "api/token_revoke.html", {"token": token})
