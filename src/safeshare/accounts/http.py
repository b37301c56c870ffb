"""The request a signed-in page receives, typed: every page is behind Django's
LoginRequiredMiddleware unless it says `login_not_required`, so its user is a `User`.
Code that also runs for anonymous requests (middleware, template tags, the admin site)
asks `user_of` instead."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from safeshare.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def user_of(request: HttpRequest | None) -> User | None:
    """The signed-in user of a request, or None for an anonymous one (or none at all)."""
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def signed_in(request: HttpRequest) -> User:
    """The signed-in user, where only a signed-in user can have got this far."""
    user = user_of(request)
    if user is None:
        raise PermissionDenied("Sign in first")
    return user


def second_factor_verified(user: User) -> bool:
    """Whether this session passed the second factor (django-otp's OTPMiddleware gives
    the request's user `is_verified`)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())
