"""`Authorization: Bearer <token>` for every API operation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from safeshare.api import actions

# Longer than any token we issue: anything longer is refused before it is hashed.
MAX_TOKEN_LENGTH = 100


class TokenAuth(HttpBearer):
    """A personal API token. The request then runs as the token's user (request.user), so
    the same scoped queries, permission predicates and read audit apply as on the pages.

    Reads the header itself rather than through HttpBearer.__call__, which logs the whole
    header value (a token, or whatever secret was sent) when DEBUG is on."""

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = actions.authenticate(token)
        if row is None:
            return None
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]
        return row.user
