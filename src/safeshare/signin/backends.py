"""Password sign-in, closed to the users of an organisation that has turned it off
(issue 18): enforced here, in the backend, so no form or view can get round it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from safeshare.accounts.models import User


def password_sign_in_allowed(user: Any) -> bool:
    organisation = getattr(user, "organisation", None)
    return organisation is None or not organisation.sso_only


class PasswordBackend(ModelBackend):
    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_sign_in_allowed(user):
            return None
        return user
