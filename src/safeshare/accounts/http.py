"""The request a signed-in page receives, typed: every page is behind Django's
LoginRequiredMiddleware unless it says `login_not_required`, so its user is a `User`."""

from __future__ import annotations

from django.http import HttpRequest

from safeshare.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
