"""`Authorization: Bearer <token>` for every API operation."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

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


class TokenRateLimit(BaseThrottle):
    """At most settings.SAFESHARE_API_CALLS_PER_MINUTE calls per token in each clock minute,
    counted in the database (actions.count_call), so the limit holds across processes and
    app servers. Runs after TokenAuth; a refused call gets 429 with Retry-After (the seconds
    to the next minute) and runs nothing else: no read, no audit record, no write."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        if token is None:
            return True
        return actions.count_call(token) <= settings.SAFESHARE_API_CALLS_PER_MINUTE

    def wait(self) -> float:
        # The window is the clock minute, the same for every call: no state of this object.
        return 60 - time.time() % 60
